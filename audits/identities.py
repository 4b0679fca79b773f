"""PURE PYTHON: the identity a release publishes for each component, per architecture.

A component's epoch-version-release and binary packages are what its rendered spec expands to with
the distribution's own macro files (`audits.rpmspec`), once for each architecture Pedigree reports.
Values agree across architectures for nearly every spec; where they do not (``%ifarch`` around a
``%package``, an arch-dependent Release), the binary packages carry the architectures they exist on
and a differing EVR is an unresolved identity, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .azldev.tree import RepoTree
from .rpmspec.identity import BinaryIdentity, SpecIdentity, Unresolved, spec_identity
from .rpmspec.lua import LuaSandbox
from .rpmspec.macrofiles import MacroSet, distribution_macro_paths, load_macro_set
from .rpmspec.vercmp import rpmvercmp

ARCHES = ("x86_64", "aarch64")  # the first one's values with a version are the published ones
MAX_NAME = 300  # BinaryPackage.name


@dataclass(frozen=True, slots=True)
class BinaryRecord:
    identity: BinaryIdentity  # as expanded for the first architecture that builds it
    arches: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComponentIdentity:
    epoch: str
    version: str
    release: str
    binaries: tuple[BinaryRecord, ...]
    unresolved: tuple[Unresolved, ...]  # with the architecture in the reason where only one is concerned

    @property
    def complete(self) -> bool:
        return not self.unresolved

    def unresolved_json(self) -> list[dict[str, str]]:
        return [{"field": u.field, "reason": u.reason} for u in self.unresolved]


NO_RENDERED_SPEC = ComponentIdentity("", "", "", (), (Unresolved("packages", "there is no rendered spec to expand"),))


def combine(by_arch: dict[str, SpecIdentity]) -> ComponentIdentity:
    """One identity from the per-architecture expansions (keys in ARCHES order)."""
    # An architecture the spec is not built for may carry no values (BuildArch of another one).
    first = next((i for i in by_arch.values() if i.version), next(iter(by_arch.values())))
    unresolved: list[Unresolved] = []
    seen: set[tuple[str, str]] = set()
    for arch, identity in by_arch.items():
        for u in identity.unresolved:
            if (u.field, u.reason) in seen:
                continue
            seen.add((u.field, u.reason))
            only_here = any(u not in other.unresolved for other in by_arch.values())
            unresolved.append(Unresolved(u.field, f"{u.reason} ({arch})" if only_here else u.reason))
    for field in ("epoch", "version", "release"):
        values = {getattr(i, field) for i in by_arch.values()}
        if len(values) > 1 and "" not in values:
            shown = ", ".join(f"{getattr(i, field)} on {arch}" for arch, i in by_arch.items())
            unresolved.append(Unresolved(field, f"the {field} differs between architectures: {shown}"))
    binaries: dict[str, tuple[BinaryIdentity, list[str]]] = {}
    for arch, identity in by_arch.items():
        for package in identity.packages:
            if len(package.name) > MAX_NAME:
                reason = f"a binary package name of {len(package.name)} characters is longer than {MAX_NAME}"
                if Unresolved("packages", reason) not in unresolved:
                    unresolved.append(Unresolved("packages", reason))
                continue
            binaries.setdefault(package.name, (package, []))[1].append(arch)
    return ComponentIdentity(
        epoch=first.epoch,
        version=first.version,
        release=first.release,
        binaries=tuple(BinaryRecord(b, tuple(arches)) for b, arches in binaries.values()),
        unresolved=tuple(unresolved),
    )


class IdentityResolver:
    """Expands specs with the distribution's macro files of one tree; one Lua sandbox for all."""

    def __init__(self, tree: RepoTree, distribution: str, arches: Iterable[str] = ARCHES):
        paths = distribution_macro_paths(tree.entries(), distribution)
        self.macro_sets: dict[str, MacroSet] = {arch: load_macro_set(tree.read_bytes, paths, arch) for arch in arches}
        self.sandbox = LuaSandbox(next(iter(self.macro_sets.values())).lua_modules, vercmp=rpmvercmp)

    @property
    def macro_files(self) -> tuple[str, ...]:
        return next(iter(self.macro_sets.values())).files

    def identify(self, spec_text: str) -> ComponentIdentity:
        return combine({
            arch: spec_identity(spec_text, macros, arch=arch, sandbox=self.sandbox)
            for arch, macros in self.macro_sets.items()
        })
