"""PURE PYTHON: a binary package's runtime Requires resolved to binary packages of the same release.

Used by the SBOMs (sbom.services.requires) and the image closures (audits.images).

What a spec says is all that is known before anything is built, so a requirement resolves only to
what the specs name:

- a binary package of the release with that name (every rpm provides its own name); else
- the one binary package whose explicit `Provides:` has that name;
- versions in a requirement (`glibc >= 2.38`) are not compared: the requirement is kept as written;
- a file requirement (`/usr/bin/sh`) resolves only through an explicit Provides of that path (which
  files a package holds is known only after the build);
- a rich dependency (`(a or b)`) is not evaluated: unresolved;
- several candidates (two packages providing `webclient`): unresolved, because rpm would pick one
  and the document must not claim both.

Anything else is unresolved with the reason. Automatic dependencies (sonames, pkgconfig, interpreters),
which rpm's generators add at build time, are not in the specs at all: no dependency list made here is
complete, and the documents say so (docs/sbom.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

PackageKey = tuple[str, str]  # (source component name, binary package name)


@dataclass(frozen=True, slots=True)
class Requirement:
    text: str  # as the spec wrote it, expanded: "glibc >= 2.38"
    target: PackageKey | None  # the binary package it resolves to; None: unresolved
    reason: str = ""  # why it is unresolved (one sentence); empty when resolved


def requirement_name(text: str) -> str | None:
    """The name a requirement asks for (`glibc` of `glibc >= 2.38`); None for a rich dependency."""
    text = text.strip()
    if not text or text.startswith("("):
        return None
    return text.split(None, 1)[0]


class ProviderIndex:
    """Binary package names and explicit Provides of a release, name -> the packages that have it."""

    def __init__(self, binaries: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self.names: dict[str, list[PackageKey]] = defaultdict(list)
        self.provides: dict[str, list[PackageKey]] = defaultdict(list)
        for component, binary, provides in binaries:
            key = (component, binary)
            self.names[binary].append(key)
            for provide in provides:
                name = requirement_name(provide)
                if name is not None and key not in self.provides[name]:
                    self.provides[name].append(key)

    def resolve(self, text: str) -> Requirement:
        name = requirement_name(text)
        if name is None:
            return Requirement(text, None, "a rich (boolean) dependency, which is not evaluated")
        for found, what in ((self.names.get(name), "are named"), (self.provides.get(name), "provide")):
            if not found:
                continue
            if len(found) == 1:
                return Requirement(text, found[0])
            listed = ", ".join(binary for _, binary in sorted(found))
            return Requirement(text, None, f"several binary packages of the release {what} {name} ({listed})")
        if name.startswith("/"):
            return Requirement(text, None, "a file that no binary package of the release names in an explicit "
                                           "Provides (the files of a package are known only after the build)")
        return Requirement(text, None, f"no binary package of the release is named {name} or provides it "
                                       "explicitly (automatic provides, such as sonames, are made at build time)")

    def resolve_all(self, requires: Iterable[str]) -> tuple[Requirement, ...]:
        return tuple(self.resolve(text) for text in requires)


