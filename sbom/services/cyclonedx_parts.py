"""PURE PYTHON: the release CycloneDX JSON and XML assembled from per-component parts, byte-identical to
`to_json`/`to_xml` of `build_bom(release)` (issue #13: derived artefacts follow the increments).

Most of a release document is its source components (each with its pedigree and nested binary
packages), and the next commit of a distribution changes a handful of them. A component's JSON
text (or XML element) depends only on:

- the component's facts (`ComponentFacts`, all of it: commits, overlays, diffs, binaries),
- the unresolved runtime Requires of its binary packages (a `pedigree:requires-unresolved`
  property each; what resolves depends on the whole release, so the resolution is redone each
  time, 0.2 s for the corpus, and only its outcome for this component is part of the key),
- the release's distribution, description, version, release_ver and source URL (supplier,
  purls, references),
- the release commit, named in one reference comment ("configuration at commit <sha>"), which
  changes with every commit: a part is written with `PLACEHOLDER` there and the sha is put in
  when the document is assembled (a part whose text holds the placeholder anywhere else, which
  only a value carrying that very string could cause, is not cached),
- the code that builds and writes it: `generator_version()` digests the builder modules' source
  with the versions of the libraries that shape the bytes, so any change to them invalidates
  every part without anyone having to remember a bump.

`part_keys` digests exactly these, once per format. `assemble` takes the cached part texts by key
(sbom.services.parts reads and writes them: the `SbomPart` model), builds the missing ones, and
writes the document: everything but `components` and `dependencies` from the library model of a
component-less BOM (`build_bom(shell=True)`), the components as the parts' texts in the library's
order (by name: every source component is a library without a group, and names are unique in a
release), the dependency graph as the library would write it (it is release-wide: whether a
binary package has an entry depends on the other components; JSON flattens it, XML does not),
then the compositions. The XML side is cyclonedx_parts_xml.py. Every document it writes is
compared with a full generation in the tests (tests/sbom/test_cyclonedx_parts.py,
tests/sbom/test_sbom_parts.py, and the corpus in tests/corpus/test_corpus_sbom_parts.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.metadata import version as dist_version
from importlib.util import find_spec
from pathlib import Path
from typing import Mapping

from audits.requires import PackageKey, Requirement

from .. import __version__
from . import cyclonedx_json, cyclonedx_parts_xml
from .cyclonedx import BomOptions, build_bom, compositions_of, source_component, supplier_of
from .cyclonedx_graph import RELEASE_REF, add_compositions, binary_ref, requirements_of, source_ref
from .cyclonedx_values import uri
from .facts import ComponentFacts, ReleaseFacts
from .gc_pause import without_cyclic_gc

# the part kinds, by document format: a source component's JSON text, its XML element
PART_FORMATS = {"json": "cyclonedx-json-component", "xml": "cyclonedx-xml-component"}
PARTS_FORMAT_VERSION = "1"  # the layout of a part (what `part_key` digests, the placeholder)
PLACEHOLDER = "pedigree-release-commit-0c3e9a51f2d84b7c"  # where the release commit goes in a part
# the modules whose code decides a part's bytes, and the distributions whose versions do
_BUILDER_MODULES = ("sbom.services.cyclonedx", "sbom.services.cyclonedx_pedigree", "sbom.services.cyclonedx_values",
                    "sbom.services.cyclonedx_json", "sbom.services.cyclonedx_graph", "sbom.services.identity",
                    "sbom.services.evr", "sbom.services.cyclonedx_parts", "sbom.services.cyclonedx_parts_xml",
                    "sbom.services.cyclonedx_output", "audits.licenses", "audits.requires")
_LIBRARIES = ("cyclonedx-python-lib", "py-serializable", "packageurl-python", "license-expression", "boolean.py")


@lru_cache(maxsize=1)
def generator_version() -> str:
    """What, besides a component's facts, decides its part: Pedigree's version, the libraries' and a digest
    of the builder modules' source (so an edited builder never reuses an old part)."""
    digest = hashlib.sha256()
    for name in _BUILDER_MODULES:
        spec = find_spec(name)
        digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
    libraries = ",".join(f"{name}={dist_version(name)}" for name in _LIBRARIES)
    return f"parts{PARTS_FORMAT_VERSION}/pedigree={__version__}/{libraries}/src={digest.hexdigest()[:16]}"


def _names_the_commit(release: ReleaseFacts) -> bool:
    """Whether a source component names the release commit (the `vcs` reference of cyclonedx.source_component)."""
    return release.source_url.startswith("https://") and uri(release.source_url) is not None


def _unresolved(component: ComponentFacts, requirements: Mapping[PackageKey, tuple[Requirement, ...]]) -> tuple:
    return tuple((b.name, tuple((r.text, r.reason) for r in requirements.get((component.name, b.name), ())
                                if r.target is None)) for b in component.binaries)


def part_keys(release: ReleaseFacts, component: ComponentFacts,
              requirements: Mapping[PackageKey, tuple[Requirement, ...]], version: str | None = None) -> dict[str, str]:
    """The digest of everything a component's part is computed from (module docstring), per format. `repr`
    of the frozen facts names every field and value (strings quoted, datetimes with their time zone)."""
    context = (release.distribution, release.distribution_description, release.version, release.release_ver,
               release.source_url, _names_the_commit(release))
    text = repr((version or generator_version(), context, component, _unresolved(component, requirements)))
    text = text.encode("utf-8", "surrogatepass")
    return {fmt: hashlib.sha256(kind.encode() + b"\0" + text).hexdigest() for fmt, kind in PART_FORMATS.items()}


@dataclass
class Plan:
    """A release document's components in document order, with their part keys."""

    release: ReleaseFacts
    components: list[ComponentFacts]
    requirements: dict[PackageKey, tuple[Requirement, ...]]
    keys: dict[str, list[str]]  # format ("json", "xml") -> the components' part keys
    version: str


@without_cyclic_gc()
def plan(release: ReleaseFacts, version: str | None = None) -> Plan:
    """The keys of the release document's parts (load the cached ones by these keys, then `assemble`)."""
    version = version or generator_version()
    components = sorted(release.components, key=lambda c: c.name)
    requirements = requirements_of(release, components)
    keys = [part_keys(release, c, requirements, version) for c in components]
    return Plan(release, components, requirements, {fmt: [k[fmt] for k in keys] for fmt in PART_FORMATS}, version)


@dataclass
class Assembled:
    content: bytes
    serial_number: str
    fresh: dict[str, str] = field(default_factory=dict)  # key -> part text built in this run (to store)
    reused: int = 0  # parts taken from the cache
    built: int = 0  # parts built in this run (stored or not)


def build_part(template: ReleaseFacts, component: ComponentFacts, supplier,
               requirements: Mapping[PackageKey, tuple[Requirement, ...]], fmt: str = "json") -> str:
    """A source component's JSON text or XML element as the document holds it, written for `template` (the
    release with `PLACEHOLDER` for its commit sha or the release itself)."""
    model = source_component(template, component, supplier, requirements)
    if fmt == "xml":
        return cyclonedx_parts_xml.component_xml(model)
    return json.dumps(cyclonedx_json._object(model))


@without_cyclic_gc()
def assemble(plan: Plan, cached: Mapping[str, str], options: BomOptions = BomOptions(), fmt: str = "json") -> Assembled:
    """The release CycloneDX JSON (or, `fmt` "xml", XML) from the `cached` parts (key -> text) and freshly
    built ones.

    Raises `cyclonedx_json.Unsupported` where the full generation would not go through `cyclonedx_json`
    either (a missing or repeated bom-ref): the caller generates in full then."""
    release = plan.release
    _check_unique_refs(release, plan.components)
    sha, names_commit = release.commit.sha, _names_the_commit(release)
    template = replace(release, commit=replace(release.commit, sha=PLACEHOLDER))
    supplier = supplier_of(release)
    result = Assembled(b"", "")
    bodies = []
    for component, key in zip(plan.components, plan.keys[fmt]):
        body = cached.get(key)
        if body is None:
            result.built += 1
            body = build_part(template, component, supplier, plan.requirements, fmt)
            if body.count(PLACEHOLDER) == (1 if names_commit else 0):
                result.fresh[key] = body
            else:  # the placeholder is in a value too: write this one for the release itself, and keep it out
                body = build_part(release, component, supplier, plan.requirements, fmt)
                bodies.append(body)
                continue
        else:
            result.reused += 1
        bodies.append(body.replace(PLACEHOLDER, sha) if names_commit else body)
    shell = build_bom(release, options=options, shell=True)
    if fmt == "xml":
        content = cyclonedx_parts_xml.document(shell, bodies, _dependency_graph(plan.components, plan.requirements, False))
    else:
        raw = {"dependencies": dependencies_json(plan.components, plan.requirements)}
        if bodies:
            raw["components"] = "[" + ", ".join(bodies) + "]"
        content = cyclonedx_json.serialise_spliced(shell, raw)
    result.content = add_compositions(content, compositions_of(release), fmt)
    result.serial_number = shell.serial_number.urn
    return result


def _check_unique_refs(release: ReleaseFacts, components: list[ComponentFacts]) -> None:
    """`cyclonedx_json.has_unique_refs` of the whole document, from the facts (the parts are text)."""
    refs = [RELEASE_REF]
    for c in components:
        refs.append(source_ref(c.name))
        refs += [binary_ref(c.name, b.name) for b in c.binaries]
    names = {c.name for c in components}
    refs += [f"vex/{s.component}/{s.cve}" for s in release.vulnerabilities if s.component in names]
    if len(set(refs)) != len(refs):
        raise cyclonedx_json.Unsupported("a bom-ref is repeated: the library would give it a random value")


def _dependency_graph(components: list[ComponentFacts], requirements: Mapping[PackageKey, tuple[Requirement, ...]],
                      flat_merged: bool = True) -> list[tuple[str, list[str]]]:
    """The `dependencies` of the release BOM as the library writes them: `cyclonedx_graph.dependencies`,
    plus the entry `Bom.validate` registers for every top-level component, sorted by ref, each one's
    `dependsOn` sorted and unique; in JSON flattened and merged by `BomDependencyGraphFlatMerger` (an entry
    for every ref named anywhere), which the library's XML output does not do (`flat_merged` False)."""
    flat: dict[str, list[str]] = {RELEASE_REF: [source_ref(c.name) for c in components]}
    for c in components:
        flat.setdefault(source_ref(c.name), [])
    for key, resolved in requirements.items():
        targets = dict.fromkeys(r.target for r in resolved if r.target is not None and r.target != key
                                and r.target in requirements)
        if targets:
            flat.setdefault(binary_ref(*key), []).extend(binary_ref(*t) for t in targets)
            for target in targets if flat_merged else ():
                flat.setdefault(binary_ref(*target), [])
    return [(ref, sorted(set(deps))) for ref, deps in sorted(flat.items())]


def dependencies_json(components: list[ComponentFacts], requirements: Mapping[PackageKey, tuple[Requirement, ...]]) -> str:
    """The JSON text of the release BOM's `dependencies` (`_dependency_graph`)."""
    return json.dumps([{"dependsOn": deps, "ref": ref} if deps else {"ref": ref}
                       for ref, deps in _dependency_graph(components, requirements)])
