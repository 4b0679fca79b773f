"""Lines expanded for the second architecture too (crossarch): the second identity then comes from the
first reading, and must equal the one an independent reading gives, whether the line was kept or not."""

from __future__ import annotations

import pytest

from audits.rpmspec import identity as identity_module
from audits.rpmspec.identity import spec_identities
from audits.rpmspec.macrofiles import MacroDefinition, MacroSet

from .arch_support import FILES, MAIN, independent, macro_sets
from .engine_support import SANDBOX, spec


def per_arch(**bodies: tuple[str, str]) -> dict[str, MacroSet]:
    """macro_sets() with macros defined per arch: name=(x86_64 body, aarch64 body); "" leaves one undefined."""
    sets = macro_sets()
    for k, arch in enumerate(sets):
        own = tuple(MacroDefinition(n, b[k], None, "test") for n, b in bodies.items() if b[k])
        sets[arch] = MacroSet((*sets[arch].definitions, *own), {}, ())
    return sets


def read_again(text: str, sets: dict[str, MacroSet]) -> tuple[dict[str, object], list[str]]:
    """spec_identities, and the architectures whose spec was read again on its own."""
    readings: list[str] = []
    return spec_identities(text, sets, sandbox=SANDBOX, readings=readings), readings[1:]


KEPT = {
    "a Requires with %{?_isa}": spec(*MAIN, "Release: 1", "Requires: libfoo%{?_isa} >= 2", *FILES),
    "a Provides with %{_isa}": spec(*MAIN, "Release: 1", "Provides: bar%{_isa} = 1.2", *FILES),
    "a qualified Requires": spec(*MAIN, "Release: 1", "Requires(post): libfoo%{?_isa}", *FILES),
    "a BuildRequires": spec(*MAIN, "Release: 1", "BuildRequires: gcc%{?_isa}", *FILES),
    "a subpackage's Requires": spec(*MAIN, "Release: 1", "%package libs", "Summary: l",
                                    "Requires: %{name}%{?_isa} = %{version}-%{release}", "%description libs", "l",
                                    "%files libs", *FILES),
    "%files -f naming an arch file list": spec(*MAIN, "Release: 1", "%description", "d", "%files -f files-%{_arch}.lst"),
    "a noarch spec's Requires": spec(*MAIN, "Release: 1", "BuildArch: noarch", "Requires: libfoo%{?_isa}", *FILES),
}


@pytest.mark.parametrize("construct", KEPT)
def test_a_line_whose_value_alone_differs_is_expanded_for_both_and_the_spec_read_once(construct):
    text, sets = KEPT[construct], macro_sets()
    found, again = read_again(text, sets)
    assert again == [] and found == independent(text, sets)


def test_the_second_architecture_gets_its_own_dependency_values():
    found = spec_identities(KEPT["a subpackage's Requires"], macro_sets(), sandbox=SANDBOX)
    assert [i.packages[1].requires for i in found.values()] == [("demo(x86-64) = 1.2-1",), ("demo(aarch-64) = 1.2-1",)]


DECLINED = {  # construct: (spec text, macros defined per arch)
    "a value that is several lines for one arch": (
        spec(*MAIN, "Release: 1", "Requires: %{deps}", *FILES), {"deps": ("a", "a\nRelease: 9")}),
    "a value left with macro text for one arch": (
        spec(*MAIN, "Release: 1", "Requires: foo-%{arch_only}", *FILES), {"arch_only": ("x", "")}),
    "a value whose macro text one arch's macros would explain otherwise": (
        spec(*MAIN, "Release: 1", "Requires: a%{deps}", *FILES), {"deps": ("a", "%%{only_first}"), "only_first": ("1", "")}),
    "a value empty for one arch": (spec(*MAIN, "Release: 1", "Requires: %{deps}", *FILES), {"deps": ("a", "%{?none}")}),
    "a line defining a macro": (
        spec(*MAIN, "Requires: foo%{?_isa}%{expand:%%global rel %{_arch}}", "Release: %{rel}", *FILES), {}),
    "a line defining a macro for the second arch only": (
        spec(*MAIN, "Requires: a%{deps}", "Release: 1%{?rel}", *FILES), {"deps": ("b", "%{expand:%%global rel 9}b")}),
    "a line with a problem for the second arch only": (
        spec(*MAIN, "Release: 1", "Requires: a%{deps}", *FILES), {"deps": ("b", "%(uname -m)")}),
    "a line running Lua for the second arch": (
        spec(*MAIN, "Release: 1", "Requires: %{lua: print(macros._arch)}", *FILES), {}),
    "a line whose Lua would run for the second arch only": (
        spec(*MAIN, "Requires: a%{?dep}", "Release: %{lua: print(t or 0)}", *FILES), {"dep": ("", "%{lua: t = 1}")}),
    "a line changing Lua's state": (
        spec(*MAIN, "Requires: %{lua: n = macros._arch; print('x')}%{?_isa}", "Release: %{lua: print(n)}", *FILES), {}),
    "an arch macro undefined back to the macro files' value": (
        spec(*MAIN, "Release: 1", "%define _isa (mine)", "%undefine _isa", "Requires: foo%{?_isa}", *FILES), {}),
    "a macro of the second arch's files emptied by the spec": (
        spec(*MAIN, "Release: 1", "%define foo mine", "%undefine foo", "Requires: bar%{?foo}", *FILES), {"foo": ("", "-arm")}),
    "a %files header with a macro of the second arch's files emptied by the spec": (
        spec(*MAIN, "Release: 1", "%define foo mine", "%undefine foo", "%package -n x", "Summary: x", "%description -n x",
             "x", "%files -n x%{?foo}", *FILES), {"foo": ("", "-arm")}),
    "a line undefining a macro only the second arch's files define": (
        spec(*MAIN, "Release: 1", "Requires: bar%{?foo}%{undefine:foo}", *FILES), {"foo": ("", "-arm")}),
    "a line whose Lua, run for the first arch only, changes a table an earlier chunk made": (
        spec(*MAIN, "%{lua: t = {}}", "Requires: a%{?dep}", "Release: %{lua: print(#t)}", *FILES),
        {"dep": ("%{lua: t[1] = 1}", "")}),
    "a %files header naming another package for one arch": (
        spec(*MAIN, "Release: 1", "%package -n x-x86_64", "Summary: x", "%description -n x-x86_64", "x",
             "%files -n x-%{_arch}", *FILES), {}),
    "a line with a problem": (spec(*MAIN, "Release: 1", "Requires: foo%{?_isa}%(uname -m)", *FILES), {}),
}


@pytest.mark.parametrize("construct", DECLINED)
def test_a_line_the_two_architectures_read_differently_leaves_the_second_to_a_reading_of_its_own(construct):
    text, bodies = DECLINED[construct]
    sets = per_arch(**bodies)
    found, again = read_again(text, sets)
    assert found == independent(text, sets) and again == ["aarch64"]


def test_a_third_architecture_does_not_take_the_values_expanded_for_the_second(monkeypatch):
    monkeypatch.setitem(identity_module.BYTE_ORDERS, "riscv64", "little")
    sets = macro_sets()
    sets["riscv64"] = MacroSet(tuple(d if d.name not in ("_isa", "_arch", "_target_cpu") else
                                     MacroDefinition(d.name, {"_isa": "(riscv-64)"}.get(d.name, "riscv64"), None, "test")
                                     for d in sets["aarch64"].definitions), {}, ())
    text = KEPT["a Requires with %{?_isa}"]
    found, again = read_again(text, sets)
    assert again == ["riscv64"] and found == independent(text, sets)


def doubling(prefix: str, steps: int) -> dict[str, tuple[str, str]]:
    """Macros the same on both arches: %{<prefix><steps>} expands 2**steps times."""
    found = {f"{prefix}0": ("x", "x")}
    for k in range(1, steps + 1):
        found[f"{prefix}{k}"] = (f"%{{{prefix}{k - 1}}}%{{{prefix}{k - 1}}}",) * 2
    return found


def test_a_second_architecture_over_its_work_budget_only_by_a_line_expanded_for_both_is_read_on_its_own():
    # each doubling macro costs 262,143 steps: the aarch64 Requires fits the 400,000-step budget, the line
    # after it too, not both
    sets = per_arch(**doubling("a", 17), **doubling("b", 17), heavy=("", "%{b17}"))
    text = spec(*MAIN, "Release: 1", "Requires: c%{?heavy}", "%global common %{a17}", *FILES)
    found, again = read_again(text, sets)
    assert found == independent(text, sets) and again == ["aarch64"]
    assert found["x86_64"].complete and "work budget" in found["aarch64"].unresolved[0].reason


def test_a_second_identity_over_the_budget_after_the_reading_leaves_the_first_one_and_reads_the_second_alone():
    # the go model's error macro, which the spec defines lazily, is expanded after the reading for each
    # identity: 262,143 steps fit the budget once, not twice
    sets = per_arch(**doubling("a", 17))
    text = spec("%define __pedigree_gomodel_error %{a17}", *MAIN, "Release: 1", "Requires: c%{?_isa}", *FILES)
    found, again = read_again(text, sets)
    assert found == independent(text, sets) and again == ["aarch64"]


def test_a_line_expanded_for_both_is_charged_from_what_the_second_reading_has_spent():
    # 131,071 steps before the line on both arches, then 262,143 in it for x86_64 and 131,071 for aarch64:
    # within the 400,000-step budget for each reading, not for x86_64's so far plus aarch64's line
    sets = per_arch(**doubling("a", 16), **doubling("b", 17), **doubling("c", 16), heavy=("%{b17}", "%{c16}"))
    text = spec("%global common %{a16}", *MAIN, "Release: 1", "Requires: d%{heavy}", *FILES)
    found, again = read_again(text, sets)
    assert found == independent(text, sets) and again == [] and found["aarch64"].complete

