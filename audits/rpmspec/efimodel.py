"""Pedigree's own model of efi-srpm-macros, for repositories that carry only its spec.

EFI specs say where they build with ``ExclusiveArch: %{efi}`` and name packages after the target's
EFI architecture (shim's ``shim-%{efi_arch}`` and, under ``%if %{efi_has_alt_arch}``,
``shim-%{efi_alt_arch}``). Those macros are in ``macros.efi-srpm``, which efi-rpm-macros' build
writes from a template of its source tarball, so without a model these specs have no known arches.
This module and ``efimodel.lua`` are that model, written by Pedigree from reading the upstream
template and Makefile of version 6 with the distribution's two patches applied (riscv64 as an EFI
arch; ia32 as the alternative arch of x86_64) and the values the spec's ``%prep`` gives the Makefile
(``efi.arches``, ``efi.esp-root``).

The vendor directory (``%efi_vendor``, and ``%efi_esp_dir`` under it) is left undefined: the spec
takes it from the build machine's ``/etc/os-release`` with a shell command, which Pedigree does not
run, and no identity in the corpus depends on it.

It is used only when the repository has no efi-rpm-macros macro file of its own and its spec declares
the version, patches and ``%prep`` settings the model was written for; otherwise ``status`` says why not.
"""

from __future__ import annotations

import re
from pathlib import Path

from .gomodel import ModelStatus, as_macro_file

__all__ = [
    "EFI_MACRO_FILES", "LEFT_UNDEFINED", "LUA_MODULE", "MARKER", "MODEL_MACROS", "MODEL_PATCHES", "MODEL_VERSION",
    "efi_model_status", "lua_source", "macro_file_text", "model_definitions",
]  # fmt: skip

MODEL_VERSION = "6"  # the corpus's specs/e/efi-rpm-macros/efi-rpm-macros.spec
MODEL_PATCHES = frozenset({"0001-add-riscv64-support.patch", "0002-Re-enable-ia32-as-an-alt-for-x86_64.patch"})
EFI_ARCHES = "x86_64 aarch64 %{arm} %{ix86} riscv64"  # the spec's `git config efi.arches`, which the Makefile reads
ESP_ROOT = "/boot/efi"  # the spec's `git config efi.esp-root`
SPEC_PATH = "specs/e/efi-rpm-macros/efi-rpm-macros.spec"
EFI_MACRO_FILES: frozenset[str] = frozenset({"macros.efi-srpm", "macros.efi"})
LUA_MODULE = "pedigree.efimodel"
MARKER = "__pedigree_efimodel"  # defined by the model when a spec used it
ERROR = "__pedigree_efimodel_error"  # never defined: every value the model has is known (identity.py asks all models)
ORIGIN = f"pedigree:efi-rpm-macros-{MODEL_VERSION}-model"
NOTE = (f"EFI arches from Pedigree's model of efi-srpm-macros (efi-rpm-macros {MODEL_VERSION} and the repository's "
        "patches to it; its macro file is not in the repository).")

_MODEL = 'require "pedigree.efimodel"'
_ARCH = "%{lua:print(" + _MODEL + ".arch())}"
_ALT = "%{lua:print(" + _MODEL + ".alt_arch())}"

# name, getopt options (None: a plain macro), body
_DEFINITIONS: tuple[tuple[str, str | None, str], ...] = (
    ("efi_srpm_macros_version", None, MODEL_VERSION),
    ("efi", None, "%{lua:" + _MODEL + ".used()}" + EFI_ARCHES),
    ("efi_arch", None, _ARCH),
    ("efi_arch_upper", None, "%{lua:print(string.upper(" + _MODEL + ".arch()))}"),
    # upstream prefixes a 0 to the flags ("01", "00"), which %if reads as numbers
    ("efi_has_arch", None, "0%{lua:print(" + _MODEL + '.arch() == "none" and 0 or 1)}'),
    ("efi_alt_arch", None, _ALT),
    ("efi_alt_arch_upper", None, "%{lua:print(string.upper(" + _MODEL + ".alt_arch()))}"),
    ("efi_has_alt_arch", None, "0%{lua:print(" + _MODEL + '.alt_arch() == "none" and 0 or 1)}'),
    ("efi_esp_root", None, ESP_ROOT),
    ("efi_esp_efi", None, "%{efi_esp_root}/EFI"),
    ("efi_esp_boot", None, "%{efi_esp_efi}/BOOT"),
    ("efi_build_requires", None, "bash coreutils"),
    ("__brp_boot_efi_times", None, "%{_rpmconfigdir}/brp-boot-efi-times"),
)  # fmt: skip

_VENDOR = ("efi-rpm-macros' spec takes the EFI vendor from the build machine's /etc/os-release with a shell "
           "command, which Pedigree does not run, so its model leaves %{efi_vendor} undefined")
LEFT_UNDEFINED = {"efi_vendor": _VENDOR, "efi_esp_dir": _VENDOR}  # upstream's macros the model does not define, and why
MODEL_MACROS = frozenset({*LEFT_UNDEFINED, *(name for name, _, _ in _DEFINITIONS)})
_VERSION = re.compile(r"^Version:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
_PATCH = re.compile(r"^Patch[0-9]*:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
_CONFIG = re.compile(r"^git config --local --add efi\.(arches|esp-root)[ \t]+(.*?)[ \t]*$", re.MULTILINE)


def efi_model_status(spec_text: str | None, repository_has_efi_macros: bool) -> ModelStatus:
    """Whether the model stands in for efi-srpm-macros: only when the repository has none of its macro
    files and its spec declares MODEL_VERSION literally, exactly MODEL_PATCHES and the modelled %prep settings."""
    if repository_has_efi_macros:
        return ModelStatus(False, "the repository carries efi-rpm-macros' own macro files", own_files=True)
    if spec_text is None:
        return ModelStatus(False, f"efi-rpm-macros' macro files are not in the repository, nor is {SPEC_PATH}")
    found = _VERSION.findall(spec_text)
    if not found:
        return ModelStatus(False, f"{SPEC_PATH} declares no literal Version, so Pedigree's model "
                                  f"(written for {MODEL_VERSION}) is not used")
    if found[0] != MODEL_VERSION:
        return ModelStatus(False, f"efi-rpm-macros' macro files are not in the repository and its spec declares "
                                  f"Version {found[0]}, not the {MODEL_VERSION} Pedigree's model was written for")
    patches = set(_PATCH.findall(spec_text))
    if patches != MODEL_PATCHES:
        differ = sorted(patches ^ MODEL_PATCHES)
        return ModelStatus(False, f"efi-rpm-macros {MODEL_VERSION}'s spec does not declare the patches Pedigree's "
                                  f"model was written for (differing: {', '.join(differ)})")
    settings = {key: value.strip('"') for key, value in _CONFIG.findall(spec_text)}
    if settings != {"arches": EFI_ARCHES, "esp-root": ESP_ROOT}:
        return ModelStatus(False, f"efi-rpm-macros {MODEL_VERSION}'s spec does not configure the EFI arches "
                                  f"({EFI_ARCHES}) and ESP root ({ESP_ROOT}) Pedigree's model was written for")
    return ModelStatus(True, f"efi-rpm-macros {MODEL_VERSION}'s macro file is not in the repository: "
                             "Pedigree's model of it (with the repository's patches) is used")


def model_definitions() -> list[tuple[str, str | None, str]]:
    """(name, options, body) of the model's macros, loaded where rpm reads macros.efi-srpm."""
    return list(_DEFINITIONS)


def macro_file_text() -> str:
    """The model's macros as an rpm macro file: what the rpm oracle loads."""
    return as_macro_file(_DEFINITIONS)


def lua_source() -> str:
    return (Path(__file__).with_name("efimodel.lua")).read_text(encoding="utf-8")
