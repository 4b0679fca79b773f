"""PURE PYTHON: the CycloneDX BOM's dependency graph and its `compositions` (what is complete).

- `dependencies`: the release depends on every source package in the BOM (as before), and each binary
  package on the binary packages of the BOM its runtime Requires resolve to (requires.py).
- `compositions`, the completeness of each list (docs/sbom.md):
  - the release's assembly is `complete` in the release BOM (every component of the configuration is
    in it) and `incomplete` in a one-component BOM;
  - a source package's assembly (its nested binary packages) is `complete` when its identity is
    resolved (the binary packages rpm would build) and `unknown` otherwise; in an image BOM, which
    nests only the image's binary packages, `incomplete` instead of `complete`;
  - a binary package's dependencies are `incomplete` when its identity is resolved (explicit
    Requires only: rpm adds automatic ones at build time) and `unknown` otherwise.

cyclonedx-python-lib 11 has no model for compositions, so `add_compositions` writes them into the
serialised JSON or XML: after every other key in JSON, and right after `</dependencies>` in XML, where
the 1.6 XSD's sequence puts them (the BOM has no top-level elements that come later).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.dependency import Dependency

from audits.requires import PackageKey, Requirement

from .facts import ComponentFacts, ReleaseFacts
from .requires import release_index

RELEASE_REF = "release"


def source_ref(name: str) -> str:
    return f"src/{name}"


def binary_ref(component: str, binary: str) -> str:
    return f"{source_ref(component)}/bin/{binary}"


@dataclass(frozen=True, slots=True)
class Composition:
    aggregate: str  # complete, incomplete, unknown
    assemblies: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()


def requirements_of(release: ReleaseFacts, selected: list[ComponentFacts]) -> dict[PackageKey, tuple[Requirement, ...]]:
    """The resolved runtime Requires of every binary package of the selected components."""
    index = release_index(release)
    return {(c.name, b.name): index.resolve_all(b.requires) for c in selected for b in c.binaries}


def dependencies(selected: list[ComponentFacts], requirements: dict[PackageKey, tuple[Requirement, ...]],
                 refs: dict[str, BomRef]) -> list[Dependency]:
    """The release's dependency on each source package, and each binary package's on the binary
    packages of this BOM its Requires resolve to; `refs` are the model's own BomRef objects by value."""
    graph = [Dependency(ref=refs[RELEASE_REF], dependencies=[Dependency(ref=refs[source_ref(c.name)]) for c in selected])]
    for key, resolved in requirements.items():
        targets = dict.fromkeys(r.target for r in resolved if r.target is not None and r.target != key
                                and r.target in requirements)
        if targets:
            graph.append(Dependency(ref=refs[binary_ref(*key)],
                                    dependencies=[Dependency(ref=refs[binary_ref(*t)]) for t in targets]))
    return graph


def compositions(selected: list[ComponentFacts], *, whole_release: bool, every_binary: bool = True) -> list[Composition]:
    """What each assembly and dependency list of the BOM is known to hold (module docstring); `every_binary`
    False: the sources hold only some of their binary packages (an image's), so no assembly is complete."""
    result = [Composition("complete" if whole_release else "incomplete", assemblies=(RELEASE_REF,))]
    for aggregate, resolved in (("complete" if every_binary else "incomplete", True), ("unknown", False)):
        assemblies = tuple(source_ref(c.name) for c in selected if c.identity_complete == resolved)
        if assemblies:
            result.append(Composition(aggregate, assemblies=assemblies))
    for aggregate, resolved in (("incomplete", True), ("unknown", False)):
        refs = tuple(binary_ref(c.name, b.name) for c in selected if c.identity_complete == resolved
                     for b in c.binaries)
        if refs:
            result.append(Composition(aggregate, dependencies=refs))
    return result


def add_compositions(content: bytes, items: list[Composition], fmt: str) -> bytes:
    """The serialised BOM (`fmt` "json" or "xml") with its `compositions` written in."""
    if not items:
        return content
    if fmt == "json":
        data = [{"aggregate": c.aggregate, **({"assemblies": list(c.assemblies)} if c.assemblies else {}),
                 **({"dependencies": list(c.dependencies)} if c.dependencies else {})} for c in items]
        end = content.rindex(b"}")
        return content[:end] + b', "compositions": ' + json.dumps(data).encode("utf-8") + content[end:]
    parts = ["<compositions>"]
    for c in items:
        parts.append(f"<composition><aggregate>{c.aggregate}</aggregate>")
        for tag, child, refs in (("assemblies", "assembly", c.assemblies), ("dependencies", "dependency", c.dependencies)):
            if refs:
                parts.append(f"<{tag}>" + "".join(f"<{child} ref={quoteattr(r)}/>" for r in refs) + f"</{tag}>")
        parts.append("</composition>")
    parts.append("</compositions>")
    marker = b"</dependencies>"
    end = content.rindex(marker) + len(marker)
    return content[:end] + "".join(parts).encode("utf-8") + content[end:]
