"""Two architectures' synthetic macro sets, for the tests of sharing a spec's expansion between them."""

from __future__ import annotations

from audits.rpmspec.identity import spec_identity
from audits.rpmspec.macrofiles import MacroDefinition, MacroSet

from .engine_support import SANDBOX

ARCH_MACROS = {
    "x86_64": {"_target_cpu": "x86_64", "_arch": "x86_64", "_isa": "(x86-64)", "ix86": "i386 i686", "arch_pkgs": "%{nil}"},
    "aarch64": {"_target_cpu": "aarch64", "_arch": "aarch64", "_isa": "(aarch-64)", "ix86": "i386 i686",
                "arch_pkgs": "%package -n extra\nSummary: e\n%description -n extra\nd\n%files -n extra"},
}
COMMON = {"dist": ".azl4", "_lib": "lib64", "arch_release": "%{_arch}", "install_to": "make DESTDIR=/%{_arch}"}


def macro_sets(**extra: str) -> dict[str, MacroSet]:
    return {
        arch: MacroSet(tuple(MacroDefinition(n, b, None, "test") for n, b in {**COMMON, **own, **extra}.items()), {}, ())
        for arch, own in ARCH_MACROS.items()
    }


def independent(text: str, sets: dict[str, MacroSet]) -> dict[str, object]:
    return {arch: spec_identity(text, macros, arch=arch, sandbox=SANDBOX) for arch, macros in sets.items()}


MAIN = ("Name: demo", "Version: 1.2", "License: MIT", "Summary: Demo")
FILES = ("%description", "d", "%files")
