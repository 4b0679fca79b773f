"""rpm's own macros per architecture."""

from __future__ import annotations

import pytest

from audits.rpmspec import rpmbase


def table(arch: str) -> dict[str, str]:
    return dict(rpmbase.core_macros(arch)) | dict(rpmbase.platform_macros(arch))


@pytest.mark.parametrize("arch,isa_name", [("x86_64", "x86"), ("aarch64", "aarch")])
def test_each_arch_names_itself_and_its_isa(arch, isa_name):
    macros = table(arch)
    assert (macros["_arch"], macros["_target_cpu"], macros["__isa_name"], macros["__isa_bits"]) == (arch, arch, isa_name, "64")


@pytest.mark.parametrize("arch", rpmbase.ARCHES)
def test_both_arches_are_multilib_with_lib64(arch):
    assert (table(arch)["_lib"], table(arch)["_libdir"]) == ("lib64", "%{_exec_prefix}/lib64")


def test_the_platform_file_wins_over_the_base_file_for_the_library_directory():
    assert dict(rpmbase.core_macros("x86_64"))["_lib"] == "lib"
    assert dict(rpmbase.platform_macros("x86_64"))["_lib"] == "lib64"


def test_sbin_is_merged_into_bin_as_the_distributions_rpm_is_built():
    assert table("x86_64")["_sbindir"] == "%{_exec_prefix}/bin"


def test_the_arch_lists_name_the_families_specs_refer_to():
    macros = table("x86_64")
    assert "aarch64" in macros["arm64"].split() and "i686" in macros["ix86"].split()


def test_an_unknown_arch_is_refused():
    with pytest.raises(ValueError, match="ppc64le"):
        rpmbase.core_macros("ppc64le")
