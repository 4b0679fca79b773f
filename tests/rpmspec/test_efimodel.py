"""Pedigree's efi-srpm-macros model (audits/rpmspec/efimodel.py, efimodel.lua) on small synthetic EFI specs.

The expected arches follow efi-rpm-macros 6's template by hand, with the corpus's two patches: x86_64
is "x64" with the alternative "ia32", aarch64 is "aa64" with none; %{efi} lists the arches the spec's
%prep gives the Makefile. The corpus test (test_identity_corpus.py) checks the five real EFI specs.
"""

from __future__ import annotations

from audits.identities import combine
from audits.rpmspec import efimodel
from audits.rpmspec.engine import MacroEngine
from audits.rpmspec.identity import spec_identity
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import MacroSet, distribution_macro_paths, load_macro_set
from audits.rpmspec.macroformat import parse_macro_file

EFI_SPEC = "specs/e/efi-rpm-macros/efi-rpm-macros.spec"
DIST = "specs/d/dist-rpm-macros/macros.dist"  # a *-rpm-macros file: read from macros.d
PATCHES = "".join(f"Patch{n:04d}: {p}\n" for n, p in enumerate(sorted(efimodel.MODEL_PATCHES), start=1))
PREP = ('%prep\ngit config --local --add efi.vendor "%{_efi_vendor_}"\ngit config --local --add efi.esp-root /boot/efi\n'
        'git config --local --add efi.arches "x86_64 aarch64 %{arm} %{ix86} riscv64"\n')


def model_set(version: str = efimodel.MODEL_VERSION, patches: str = PATCHES, prep: str = PREP,
              extra: dict[str, bytes] | None = None, arch: str = "x86_64") -> MacroSet:
    files = {DIST: b"%dist .azl4\n", **(extra or {})}
    if version:
        files[EFI_SPEC] = f"Name: efi-rpm-macros\nVersion: {version}\nRelease: 1\n{patches}{prep}".encode()
    return load_macro_set(files.__getitem__, distribution_macro_paths(files, "azurelinux"), arch)


MODELS = {arch: model_set(arch=arch) for arch in ("x86_64", "aarch64")}


def identity(*lines: str, arch: str = "x86_64", macros: MacroSet | None = None):
    macros = macros or MODELS[arch]
    return spec_identity("\n".join(lines) + "\n", macros, arch=arch, sandbox=LuaSandbox(macros.lua_modules))


def efi_spec(*body: str) -> tuple[str, ...]:
    return ("Name: bootloader", "Version: 1", "Release: 1%{?dist}", "Summary: s", "License: MIT",
            "ExclusiveArch: %{efi}", "%description", "d", *body, "%files", "%changelog")


# shim's pattern: one package per EFI arch the target builds, the alternative one under %if
SHIM_LIKE = efi_spec("%package -n bootloader-%{efi_arch}", "Summary: a", "%description -n bootloader-%{efi_arch}", "d",
                     "%files -n bootloader-%{efi_arch}", "%if %{efi_has_alt_arch}",
                     "%package -n bootloader-%{efi_alt_arch_upper}", "Summary: b",
                     "%description -n bootloader-%{efi_alt_arch_upper}", "d",
                     "%files -n bootloader-%{efi_alt_arch_upper}", "%endif")


def names(result) -> list[str]:
    return [p.name for p in result.packages]


def test_exclusivearch_efi_builds_on_x86_64_and_aarch64_with_the_note():
    for arch in ("x86_64", "aarch64"):
        result = identity(*efi_spec(), arch=arch)
        assert result.complete and not result.excluded_reason and names(result) == ["bootloader"]
        assert result.notes == (efimodel.NOTE,)


def test_efi_lists_the_arches_of_the_spec_s_prep_with_riscv64_from_the_azure_linux_patch():
    macros = MODELS["x86_64"]
    arches = MacroEngine(macros, sandbox=LuaSandbox(macros.lua_modules)).expand_text("%{efi}").split()
    assert arches[:2] == ["x86_64", "aarch64"] and arches[-1] == "riscv64"
    assert {"i686", "armv7hl"} <= set(arches) and "ppc64le" not in arches


def test_a_target_without_efi_firmware_gets_none_and_zero_flags():
    noarch = ("%package -n x-%{efi_arch}-%{efi_has_arch}-%{efi_alt_arch}-%{efi_has_alt_arch}", "Summary: x",
              "%description -n x-%{efi_arch}-%{efi_has_arch}-%{efi_alt_arch}-%{efi_has_alt_arch}", "d",
              "%files -n x-%{efi_arch}-%{efi_has_arch}-%{efi_alt_arch}-%{efi_has_alt_arch}")
    result = identity("Name: data", "Version: 1", "Release: 1", "Summary: s", "License: MIT", "BuildArch: noarch",
                      "%description", "d", *noarch, "%files")
    assert names(result) == ["data", "x-none-00-none-00"]


def test_x86_64_builds_for_x64_and_for_the_ia32_alternative_with_the_azure_linux_patch():
    assert names(identity(*SHIM_LIKE)) == ["bootloader", "bootloader-x64", "bootloader-IA32"]


def test_aarch64_builds_for_aa64_without_an_alternative_arch():
    assert names(identity(*SHIM_LIKE, arch="aarch64")) == ["bootloader", "bootloader-aa64"]


def test_the_arch_flags_carry_upstream_s_leading_zero():
    result = identity(*efi_spec("%package -n flags-%{efi_has_arch}-%{efi_has_alt_arch}-%{efi_arch_upper}",
                                "Summary: f", "%description -n flags-%{efi_has_arch}-%{efi_has_alt_arch}-%{efi_arch_upper}",
                                "d", "%files -n flags-%{efi_has_arch}-%{efi_has_alt_arch}-%{efi_arch_upper}"),
                      arch="aarch64")
    assert names(result) == ["bootloader", "flags-01-00-AA64"]


def test_a_package_named_after_the_vendor_stays_unresolved_because_the_vendor_is_the_build_machine_s():
    result = identity(*efi_spec("%package -n tools-%{efi_vendor}", "Summary: t", "%description -n tools-%{efi_vendor}",
                                "d", "%files -n tools-%{efi_vendor}"))
    assert not result.complete
    assert any("%{efi_vendor} is not defined" in u.reason and "/etc/os-release" in u.reason for u in result.unresolved)


def test_a_spec_that_does_not_use_the_efi_macros_gets_no_note():
    result = identity("Name: plain", "Version: 1", "Release: 1", "Summary: s", "License: MIT", "%description", "d",
                      "%files")
    assert result.complete and result.notes == ()


def test_another_efi_rpm_macros_version_turns_the_model_off_and_says_why():
    other = model_set("7")
    assert other.efi_model is not None and not other.efi_model.applied and "Version 7" in other.efi_model.reason
    assert "efi" not in {d.name for d in other.definitions}
    result = identity(*efi_spec(), macros=other)
    assert not result.complete and result.notes == ()
    assert any("%{efi} is not defined (it comes from efi-srpm-macros:" in u.reason and "Version 7" in u.reason
               for u in result.unresolved)


def test_a_different_patch_set_turns_the_model_off_and_names_the_patch():
    other = model_set(patches=PATCHES + "Patch0003: 0003-add-loongarch64.patch\n")
    assert other.efi_model is not None and not other.efi_model.applied
    assert "0003-add-loongarch64.patch" in other.efi_model.reason
    unpatched = model_set(patches="")
    assert unpatched.efi_model is not None and not unpatched.efi_model.applied


def test_other_efi_arches_in_the_spec_s_prep_turn_the_model_off():
    other = model_set(prep=PREP.replace(" riscv64", ""))
    assert other.efi_model is not None and not other.efi_model.applied and "EFI arches" in other.efi_model.reason


def test_without_the_efi_rpm_macros_spec_the_model_is_off():
    none = model_set("")
    assert none.efi_model is not None and not none.efi_model.applied
    assert "efi_arch" not in {d.name for d in none.definitions}


def test_the_repositorys_own_efi_macro_file_wins_over_the_model():
    own = model_set(extra={"specs/e/efi-rpm-macros/macros.efi-srpm": b"%efi x86_64\n"})
    assert own.efi_model is not None and own.efi_model.own_files and not own.efi_model.applied
    assert [d.origin for d in own.definitions if d.name == "efi"] == ["specs/e/efi-rpm-macros/macros.efi-srpm"]
    assert efimodel.LUA_MODULE not in own.lua_modules


def test_the_model_is_loaded_where_macros_efi_srpm_would_be_and_reads_back_from_its_macro_file():
    model = MODELS["x86_64"]
    assert model.efi_model is not None and model.efi_model.applied
    defined = [d.name for d in model.definitions]
    assert defined.index("efi") > defined.index("dist")  # macros.d order: macros.dist < macros.efi-srpm
    back = [(d.name, d.options, d.body) for d in parse_macro_file(efimodel.macro_file_text(), "x")]
    assert back == efimodel.model_definitions()


def test_the_component_identity_keeps_the_note_for_the_sbom_and_the_cache():
    combined = combine({arch: identity(*SHIM_LIKE, arch=arch) for arch in ("x86_64", "aarch64")})
    assert combined.notes == (efimodel.NOTE,) and combined.complete
    assert type(combined).from_json(combined.to_json()) == combined
