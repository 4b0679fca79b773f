"""PURE PYTHON: the CycloneDX 1.6 JSON and XML bytes of a library `Bom`, with the patches that
make cyclonedx-python-lib's own serialisers fast enough and schema-valid. It exists because the
library's output classes are used as they are except for steps that are quadratic on a
release-sized BOM (dependency registration, bom-ref discrimination, model validation) and one
XML element order the 1.6 XSD refuses; each replacement is swapped in only for one output and
compared with the library's own bytes in tests/sbom/test_cyclonedx_json.py. JSON normally goes
through `cyclonedx_json`, which writes the library's bytes itself.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from cyclonedx.contrib.bom.utils import BomRefDiscriminator
from cyclonedx.model import IdentifiableAction
from cyclonedx.model.bom import Bom
from cyclonedx.model.dependency import Dependency
from cyclonedx.output import json as library_json_output
from cyclonedx.output import xml as library_xml_output
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.output.xml import XmlV1Dot6

from . import cyclonedx_json
from .cyclonedx_graph import Composition, add_compositions
from .gc_pause import without_cyclic_gc

SPEC_VERSION = "1.6"  # the version JsonV1Dot6 and XmlV1Dot6 write


def to_json(bom: Bom, compositions: list[Composition] | None = None) -> bytes:
    """The library's JSON bytes: `cyclonedx_json` writes them (about 5x faster), or, for a model
    it does not reproduce, the library's `JsonV1Dot6`; then the `compositions` (which the library
    has no model for, cyclonedx_graph.py)."""
    with without_cyclic_gc():
        try:
            with _indexed_dependencies(bom):
                content = cyclonedx_json.serialise(bom)
        except cyclonedx_json.Unsupported:
            with _faster_library_output(bom):
                content = _library_json(bom)
    return add_compositions(content, compositions or [], "json")


def to_xml(bom: Bom, compositions: list[Composition] | None = None) -> bytes:
    """The library's XML bytes (`XmlV1Dot6`), with its slowest steps done in linear time
    (`_faster_library_output`); then the `compositions`."""
    _fix_identifiable_action_xml_order()
    with without_cyclic_gc(), _faster_library_output(bom):
        content = _library_xml(bom)
    return add_compositions(content, compositions or [], "xml")


def library_json(bom: Bom, compositions: list[Composition] | None = None) -> bytes:
    """The library's own JSON output: the reference `to_json` is tested against byte for byte."""
    with without_cyclic_gc(), _indexed_dependencies(bom):
        content = _library_json(bom)
    return add_compositions(content, compositions or [], "json")


def library_xml(bom: Bom, compositions: list[Composition] | None = None) -> bytes:
    """The library's own XML output: the reference `to_xml` is tested against byte for byte."""
    _fix_identifiable_action_xml_order()
    with without_cyclic_gc(), _indexed_dependencies(bom):
        content = _library_xml(bom)
    return add_compositions(content, compositions or [], "xml")


def _library_json(bom: Bom) -> bytes:
    return JsonV1Dot6(bom).output_as_string(indent=None).encode("utf-8")


def _library_xml(bom: Bom) -> bytes:
    return XmlV1Dot6(bom).output_as_string().encode("utf-8")


@contextmanager
def _indexed_dependencies(bom: Bom) -> Iterator[None]:
    """The library's output calls `Bom.register_dependency` once per component, and each call
    scans every dependency entry (quadratic: minutes for the corpus). For the duration of the
    output, an instance attribute with a dict index does the same registration in O(1)."""
    index = {d.ref: d for d in bom.dependencies}

    def register(target, depends_on=None) -> None:
        entry = index.get(target.bom_ref)
        if entry is None:
            entry = Dependency(ref=target.bom_ref)
            bom.dependencies.add(entry)
            index[entry.ref] = entry
        if depends_on:
            entry.dependencies.update(Dependency(ref=d.bom_ref) for d in depends_on)

    bom.register_dependency = register  # type: ignore[method-assign]
    try:
        yield
    finally:
        del bom.register_dependency


class _SetDiscriminator(BomRefDiscriminator):
    """`BomRefDiscriminator.discriminate` with its seen values in a set instead of a list: the
    same renaming, in linear instead of quadratic time (11 s of CPU for the corpus's 44,000 refs)."""

    def discriminate(self) -> None:
        known: set[str] = set()
        for bomref, _ in self._bomrefs:
            value = bomref.value
            if value is None or value in known:
                value = self._make_unique()
                bomref.value = value
            known.add(value)


@contextmanager
def _faster_library_output(bom: Bom) -> Iterator[None]:
    """The library's serialisers with three steps replaced by equivalent linear-time ones: the
    dependency registration (`_indexed_dependencies`), `Bom.validate` (`cyclonedx_json.validate_model`,
    which does not hash every component) and the bom-ref discriminator (`_SetDiscriminator`).
    tests/sbom/test_cyclonedx_json.py compares the output with the library's own, byte for byte."""
    saved = {module: module.BomRefDiscriminator for module in (library_json_output, library_xml_output)}
    if cyclonedx_json.has_unique_refs(bom):  # what validate_model relies on
        bom.validate = lambda: cyclonedx_json.validate_model(bom)  # type: ignore[method-assign]
    try:
        for module in saved:
            module.BomRefDiscriminator = _SetDiscriminator
        with _indexed_dependencies(bom):
            yield
    finally:
        for module, original in saved.items():
            module.BomRefDiscriminator = original
        vars(bom).pop("validate", None)


def _fix_identifiable_action_xml_order() -> None:
    """cyclonedx-python-lib 11.12 declares no XML sequence for IdentifiableAction, so a commit's
    author/committer come out as email, name, timestamp, which the 1.6 XSD refuses (it wants
    timestamp, name, email). Set the order in py-serializable's registry; idempotent."""
    from py_serializable import ObjectMetadataLibrary

    klass = f"{IdentifiableAction.__module__}.{IdentifiableAction.__qualname__}"
    properties = ObjectMetadataLibrary.klass_property_mappings.get(klass, {})
    for position, name in enumerate(("timestamp", "name", "email"), start=1):
        if name in properties:
            properties[name]._xml_sequence = position
