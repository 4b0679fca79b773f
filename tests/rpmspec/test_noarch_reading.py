"""A `BuildArch: noarch` spec is read for noarch (rpm reads it again with %{_target_cpu} noarch). When nothing the
main preamble read depends on the target cpu, the reading goes on for noarch where that preamble ends instead of
starting over; when something does, it starts over, and the values are noarch's either way."""

from __future__ import annotations

import pytest

from audits.rpmspec.identity import SpecIdentity, spec_identities, spec_identity
from audits.rpmspec.macrofiles import MacroSet

from .arch_support import FILES, MAIN, macro_sets
from .engine_support import SANDBOX, macro_set, spec

NOARCH = (*MAIN, "Release: 1", "BuildArch: noarch")


def read(text: str, macros: MacroSet | None = None) -> tuple[SpecIdentity, list[str]]:
    """The spec's x86_64 identity, and the target cpu of every reading of it from its start."""
    readings: list[str] = []
    found = spec_identity(text, macros or macro_set(), arch="x86_64", sandbox=SANDBOX, readings=readings)
    return found, readings


def test_a_noarch_spec_whose_preamble_reads_nothing_arch_dependent_is_read_once():
    result, readings = read(spec(*NOARCH, "%package doc", "Summary: d", *FILES, "%files doc"))
    assert readings == ["x86_64"]
    assert [(p.name, p.arch) for p in result.packages] == [("demo", "noarch"), ("demo-doc", "noarch")]


def test_after_the_preamble_the_retargeted_reading_sees_the_target_cpu_noarch():
    result, readings = read(spec("%define t %{_target_cpu}", *NOARCH, "%description", "d", "%package -n x-%{t}",
                           "Summary: x", "%files", "%ifarch noarch", "%files -n x-%{t}", "%endif"))
    assert readings == ["x86_64"] and [p.name for p in result.packages] == ["demo", "x-noarch"]


def test_a_first_section_header_reading_the_target_cpu_is_read_again_for_noarch():
    result, readings = read(spec("%define t %{_target_cpu}", *NOARCH, "%package -n x-%{t}", "Summary: x", *FILES,
                           "%files -n x-%{t}"))
    assert readings == ["x86_64", "noarch"] and [p.name for p in result.packages] == ["demo", "x-noarch"]


def test_a_preamble_expanding_the_target_cpu_is_read_again_for_noarch():
    result, readings = read(spec("%global t %{_target_cpu}", *NOARCH, "Provides: t-%{t}", *FILES))
    assert readings == ["x86_64", "noarch"] and result.packages[0].provides == ("t-noarch",)


def test_a_preamble_with_an_arch_test_is_read_again_for_noarch():
    result, readings = read(spec(*NOARCH, "%ifarch x86_64", "Provides: x86", "%endif", *FILES))
    assert readings == ["x86_64", "noarch"] and result.packages[0].provides == ()


@pytest.mark.parametrize("chunk", ['rpm.expand("%{_target_cpu}")', "macros._target_cpu"])
def test_a_preamble_whose_lua_reads_the_target_cpu_is_read_again_for_noarch(chunk):
    result, readings = read(spec(f"%global t %{{lua: print({chunk})}}", *NOARCH, "Provides: t-%{t}", *FILES))
    assert readings == ["x86_64", "noarch"] and result.packages[0].provides == ("t-noarch",)


def test_a_macro_file_expansion_of_the_target_cpu_cached_by_an_earlier_spec_still_counts():
    macros = macro_set(tgt="%{_target_cpu}")
    spec_identity(spec(*MAIN, "Release: 1", "Provides: t-%{tgt}", *FILES), macros, arch="x86_64", sandbox=SANDBOX)
    result, readings = read(spec(*NOARCH, "Provides: t-%{tgt}", *FILES), macros)
    assert readings == ["x86_64", "noarch"] and result.packages[0].provides == ("t-noarch",)


def test_a_dependency_line_expanded_for_both_architectures_that_reads_the_target_cpu_counts():
    readings: list[str] = []
    found = spec_identities(spec(*NOARCH, "Requires: foo-%{_target_cpu}", *FILES), macro_sets(), sandbox=SANDBOX,
                            readings=readings)
    assert readings[:2] == ["x86_64", "noarch"]
    assert [i.packages[0].requires for i in found.values()] == [("foo-noarch",), ("foo-noarch",)]
