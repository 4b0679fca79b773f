"""spec_identities shares the first architecture's expansion with the second only when nothing it read
differs between them: for every arch-dependent construct the result equals two independent expansions."""

from __future__ import annotations

import pytest

from audits.rpmspec.identity import differing_macros, spec_identities, spec_identity
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import MacroDefinition, MacroSet

from .arch_support import FILES, MAIN, independent, macro_sets
from .engine_support import SANDBOX, spec

CONSTRUCTS = {
    "nothing arch-dependent": spec(*MAIN, "Release: 1%{?dist}", *FILES),
    "%ifarch around a package": spec(*MAIN, "Release: 1", "%ifarch x86_64", "%package x", "Summary: x", "%files x",
                                     "%endif", *FILES),
    "%ifnarch around a Release": spec("Name: demo", "Version: 1", "%ifnarch aarch64", "Release: 1", "%else",
                                      "Release: 2", "%endif", "Summary: s", "License: MIT", *FILES),
    "%elifarch": spec(*MAIN, "%ifarch ppc64le", "Release: 1", "%elifarch aarch64", "Release: 2", "%else", "Release: 3",
                      "%endif", *FILES),
    "%ifarch of a list both arches are outside": spec(*MAIN, "Release: 1", "%ifarch %{ix86}", "%package x", "Summary: x",
                                                      "%files x", "%endif", *FILES),
    "%ifos": spec(*MAIN, "Release: 1", "%ifos linux", "%package x", "Summary: x", "%files x", "%endif", *FILES),
    "ExclusiveArch": spec(*MAIN, "Release: 1", "ExclusiveArch: x86_64", *FILES),
    "ExcludeArch": spec(*MAIN, "Release: 1", "ExcludeArch: aarch64 ppc64le", *FILES),
    "BuildArch noarch": spec(*MAIN, "Release: 1", "BuildArch: noarch", *FILES),
    "BuildArch of one arch": spec(*MAIN, "Release: 1", "BuildArch: aarch64", *FILES),
    "a noarch subpackage": spec(*MAIN, "Release: 1", "%package doc", "Summary: d", "BuildArch: noarch", "%files doc", *FILES),
    "a macro defined per arch": spec(*MAIN, "Release: 1", "Requires: libfoo%{?_isa}", *FILES),
    "%_target_cpu in a package name": spec(*MAIN, "Release: 1", "%package -n x-%{_target_cpu}", "Summary: x",
                                           "%files -n x-%{_target_cpu}", *FILES),
    "a macro file macro reading %_arch": spec(*MAIN, "Release: %{arch_release}", *FILES),
    "an %if on %_arch": spec(*MAIN, '%if "%{_arch}" == "x86_64"', "Release: 1", "%else", "Release: 2", "%endif", *FILES),
    "Lua's rpm.expand": spec(*MAIN, '%global r %{lua: print(rpm.expand("%{_arch}"))}', "Release: %{r}", *FILES),
    "Lua's macros table": spec(*MAIN, "%global r %{lua: print(macros._arch)}", "Release: %{r}", *FILES),
    "Lua's rpm.isdefined": spec(*MAIN, '%global r %{lua: print(rpm.isdefined("_isa") and "1" or "0")}', "Release: %{r}", *FILES),
    "a spec macro undefined back to the arch's one": spec(*MAIN, "%define _arch mine", "%undefine _arch", "Release: %{_arch}",
                                                          *FILES),
    "BuildArch from an arch macro": spec(*MAIN, "Release: 1", "BuildArch: %{_arch}", *FILES),
    "a script line calling a macro naming an arch macro": spec(*MAIN, "Release: 1", *FILES, "%install", "%install_to"),
    "a macro writing sections on one arch only": spec(*MAIN, "Release: 1", *FILES, "%build", "%arch_pkgs"),
    "an unbounded expansion": spec("%define loop %{loop}%{loop}", *MAIN, "Release: %{loop}", *FILES),
}


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_the_shared_identities_equal_two_independent_expansions(construct):
    text, sets = CONSTRUCTS[construct], macro_sets()
    assert spec_identities(text, sets, sandbox=SANDBOX) == independent(text, sets)


def test_a_macro_file_expansion_cached_by_an_earlier_spec_still_counts_as_read():
    sets = macro_sets()
    text = spec(*MAIN, "Release: %{arch_release}", *FILES)
    spec_identity(text, sets["x86_64"], arch="x86_64", sandbox=SANDBOX)  # caches %arch_release's expansion
    assert spec_identities(text, sets, sandbox=SANDBOX)["aarch64"].release == "aarch64"


@pytest.mark.parametrize("construct", ["nothing arch-dependent", "a script line calling a macro naming an arch macro"])
def test_a_spec_reading_nothing_arch_dependent_is_expanded_once(construct):
    readings: list[str] = []
    found = spec_identities(CONSTRUCTS[construct], macro_sets(), sandbox=SANDBOX, readings=readings)
    assert readings == ["x86_64"] and [i.arch for i in found.values()] == ["x86_64", "aarch64"]


def test_a_spec_reading_an_arch_macro_is_expanded_again():
    readings: list[str] = []
    spec_identities(CONSTRUCTS["a macro file macro reading %_arch"], macro_sets(), sandbox=SANDBOX, readings=readings)
    assert readings == ["x86_64", "aarch64"]


def test_the_differing_macros_are_the_names_defined_differently_or_only_once():
    sets = macro_sets()
    sets["aarch64"] = MacroSet((*sets["aarch64"].definitions, MacroDefinition("only_here", "1", None, "test")), {}, ())
    assert differing_macros(sets["x86_64"], sets["aarch64"]).names == {"_target_cpu", "_arch", "_isa", "arch_pkgs", "only_here"}


def test_of_those_the_macros_whose_body_writes_sections_or_names_other_macros_differently_are_told_apart():
    sets = macro_sets()
    assert differing_macros(sets["x86_64"], sets["aarch64"]).bodies == {"arch_pkgs"}


def test_macro_sets_with_different_lua_modules_share_nothing():
    sets = macro_sets()
    sets["aarch64"] = MacroSet(sets["aarch64"].definitions, {"m": "return {}"}, ())
    assert differing_macros(sets["x86_64"], sets["aarch64"]) is None


def test_without_a_sandbox_each_arch_gets_one_of_its_own_and_the_result_is_the_same():
    text, sets = CONSTRUCTS["Lua's rpm.expand"], macro_sets()
    assert spec_identities(text, sets) == {a: spec_identity(text, m, arch=a, sandbox=LuaSandbox()) for a, m in sets.items()}


PYTHON = {  # as python-rpm-macros defines them
    "__default_python3_version": "3.14", "__python3": "/usr/bin/python3", "_prefix": "/usr",
    "__python3_version": "%(RPM_BUILD_ROOT= %{__python3} -Esc \"import sys; "
                         "sys.stdout.write('{0.major}.{0.minor}'.format(sys.version_info))\")",
    "__python3_sitearch": "%(RPM_BUILD_ROOT= %{__python3} -Esc \"import sysconfig; print(sysconfig.get_path("
                          "'platlib', vars={'platbase': '%{_prefix}', 'base': '%{_prefix}'}))\")",
}


def test_the_build_pythons_note_is_kept_on_the_architecture_that_shares_the_expansion():
    text, sets = spec(*MAIN, '%if "%{__python3_version}" == "3.14"', "Release: 1", "%endif", *FILES), macro_sets(**PYTHON)
    found = spec_identities(text, sets, sandbox=SANDBOX)
    assert found == independent(text, sets) and all(i.complete and len(i.notes) == 1 for i in found.values())


def test_a_site_packages_answer_under_a_lib_differing_per_arch_is_expanded_for_each():
    sets = macro_sets(**PYTHON)
    sets["aarch64"] = MacroSet((*sets["aarch64"].definitions, MacroDefinition("_lib", "lib", None, "test")), {}, ())
    text = spec(*MAIN, '%if "%{__python3_sitearch}" == "/usr/lib64/python3.14/site-packages"', "Release: 1", "%else",
                "Release: 2", "%endif", *FILES)
    found = spec_identities(text, sets, sandbox=SANDBOX)
    assert found == independent(text, sets) and [i.release for i in found.values()] == ["1", "2"]
