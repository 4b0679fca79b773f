"""PURE PYTHON: the CycloneDX 1.6 JSON text of a library `Bom`, the bytes `JsonV1Dot6` writes, faster.

cyclonedx-python-lib serialises through py-serializable's `JSONEncoder.default`, which looks up
every property's metadata (name formatting, views, custom types) for every object, then
parses its own output back and writes it again: 18 s for the corpus's 36,000 components.
This module walks the same model with the same metadata, worked out once per class, and
writes once. It follows `Json.generate` and `_SerializableJsonEncoder.default` step by step
(see the comments). The output is compared byte for byte with the library's in
tests/sbom/test_cyclonedx_json.py and, for the full corpus, in tests/corpus/test_corpus_sbom.py.

Where the library would do something this module does not reproduce (give a missing or
duplicate bom-ref a random value, or meet a class py-serializable does not know), it raises
`Unsupported`, and the caller uses the library's serialiser instead.
"""

from __future__ import annotations

import json
import uuid
import warnings
from decimal import Decimal
from enum import Enum
from typing import Any, Iterator

from cyclonedx.contrib.bom.utils import BomDependencyGraphFlatMerger
from cyclonedx.exception.model import (
    LicenseExpressionAlongWithOthersException,
    UnknownComponentDependencyException,
)
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component
from cyclonedx.model.license import LicenseExpression
from cyclonedx.schema import SchemaVersion
from cyclonedx.schema.schema import SCHEMA_VERSIONS
from py_serializable import ObjectMetadataLibrary, SerializationType
from py_serializable.formatters import BaseNameFormatter, CurrentFormatter

from .model_comparisons import comparisons_made_once

SCHEMA_URI = "http://cyclonedx.org/schema/bom-1.6.schema.json"  # what JsonV1Dot6 writes as $schema
_SPEC = SchemaVersion.V1_6
_VIEW = SCHEMA_VERSIONS[_SPEC]


class Unsupported(Exception):
    """The model holds something whose serialisation this module does not reproduce."""


class _Property:
    """One serialisable property of a class, as `_SerializableJsonEncoder.default` treats it."""

    __slots__ = ("name", "key", "info", "helper", "custom_type", "is_array", "is_enum", "primitive", "unmapped",
                 "string_format", "none_allowed", "none_value")

    def __init__(self, name: str, info: Any) -> None:
        key = BaseNameFormatter.decode_handle_python_builtins_and_keywords(name=name)
        if custom := info.custom_names.get(SerializationType.JSON):
            key = str(custom)
        if CurrentFormatter.formatter:
            key = CurrentFormatter.formatter.encode(property_name=key)
        self.name, self.key, self.info = name, key, info
        self.custom_type = info.custom_type
        self.helper = bool(info.custom_type) and info.is_helper_type()
        self.is_array, self.is_enum = info.is_array, info.is_enum
        self.primitive = info.is_primitive_type()
        # a non-primitive type py-serializable has no mapping for is written with str() or its format
        concrete = info.concrete_type
        self.unmapped = (f"{getattr(concrete, '__module__', '')}.{getattr(concrete, '__name__', '')}"
                         not in ObjectMetadataLibrary.klass_mappings)
        self.string_format = info.string_format
        # `_allow_property_for_view` for None and empty values
        self.none_allowed = bool(info.include_none) and (
            not info.include_none_views or any(v == _VIEW for v, _ in info.include_none_views)
        )
        self.none_value = info.get_none_value_for_view(view_=_VIEW)

    def empty(self, value: Any) -> bool:
        return value is None or (self.is_array and len(value) < 1)


_PLANS: dict[type, list[_Property]] = {}


def _plan(klass: type) -> list[_Property]:
    """The properties of `klass` that the 1.6 view writes, in py-serializable's order."""
    plan = _PLANS.get(klass)
    if plan is None:
        mapping = ObjectMetadataLibrary.klass_property_mappings.get(f"{klass.__module__}.{klass.__qualname__}")
        if mapping is None:
            raise Unsupported(f"py-serializable has no mapping for {klass.__qualname__}")
        # views: a property with views is written only for those views (`_allow_property_for_view`)
        plan = [_Property(name, info) for name, info in mapping.items() if not info.views or _VIEW in info.views]
        _PLANS[klass] = plan
    return plan


def _object(o: Any) -> Any:
    """`_SerializableJsonEncoder.default` for a class instance, with its values made plain."""
    d: dict[str, Any] = {}
    for prop in _plan(type(o)):
        v = getattr(o, prop.name)
        if prop.empty(v) and not prop.none_allowed:
            continue
        if prop.custom_type:
            if prop.helper:
                v = prop.custom_type.json_normalize(v, view=_VIEW, prop_info=prop.info, ctx=o.__class__)
            else:
                v = prop.custom_type(v)
        elif prop.is_array:
            v = list(v) if len(v) > 0 else None
        elif prop.is_enum:
            v = str(v.value)
        elif not prop.primitive:
            if isinstance(v, Decimal):
                v = float(f"{v:{prop.string_format}}") if prop.string_format else float(v)
            elif prop.unmapped:
                v = f"{v:{prop.string_format}}" if prop.string_format else str(v)
        if prop.key == ".":
            return _plain(v)
        if prop.empty(v) and not prop.none_allowed:
            continue
        d[prop.key] = _plain(v) if v is not None else prop.none_value
    return d


def _plain(v: Any) -> Any:
    """What `json.dumps` with py-serializable's encoder makes of a value, as plain JSON data."""
    if isinstance(v, (str, int, float)) or v is None:
        return v  # bool is an int; str/int subclasses are written as their plain value
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, Enum):
        return _plain(v.value)
    if isinstance(v, set):
        return [_plain(x) for x in v]
    return _object(v)


def _all_components(bom: Bom) -> Iterator[Component]:
    """The components `BomRefDiscriminator.from_bom` looks at (metadata component, components, nested)."""
    stack = ([bom.metadata.component] if bom.metadata.component else []) + list(bom.components)
    while stack:
        component = stack.pop()
        yield component
        stack.extend(component.components)


def has_unique_refs(bom: Bom) -> bool:
    """False when `BomRefDiscriminator` would give a bom-ref a random value (missing or repeated)."""
    seen: set[str] = set()
    refs = [c.bom_ref.value for c in _all_components(bom)]
    refs += [s.bom_ref.value for s in bom.services] + [v.bom_ref.value for v in bom.vulnerabilities]
    for value in refs:
        if value is None or value in seen:
            return False
        seen.add(value)
    return True


def validate_model(bom: Bom) -> None:
    """What `Bom.validate` (called by `Json.generate`) does, without hashing every component.

    It registers the metadata component, every top-level component and every service in the
    dependency graph (which changes the output), and raises the library's exceptions for
    dependencies on unknown refs and for a licence expression beside other licences. The
    library gathers components into sets, which hashes each one with everything it holds:
    10 s of the 18 s the corpus took. Call it only when `has_unique_refs`: then comparing
    ref values is what comparing BomRefs does."""
    if bom.metadata.component:
        bom.register_dependency(target=bom.metadata.component)
    for item in (*bom.components, *bom.services):
        bom.register_dependency(target=item)
    known = {c.bom_ref.value for c in _all_components(bom)} | {s.bom_ref.value for s in bom.services}
    used = {d.ref.value for d in bom.dependencies} | {x.ref.value for d in bom.dependencies for x in d.dependencies}
    if used - known:
        raise UnknownComponentDependencyException(
            "One or more Components have Dependency references to Components/Services that are not known in "
            f"this BOM. They are: {used - known}")
    root = bom.metadata.component
    if root and len(bom.components) > 0 and not any(
        d.ref == root.bom_ref and len(d.dependencies) > 0 for d in bom.dependencies
    ):
        warnings.warn(f"The Component this BOM is describing {root.purl} has no defined dependencies",
                      category=UserWarning, stacklevel=2)
    for element in (bom.metadata, *_all_components(bom), *bom.services):
        if len(element.licenses) > 1 and any(isinstance(x, LicenseExpression) for x in element.licenses):
            raise LicenseExpressionAlongWithOthersException(
                f"Found LicenseExpression along with others licenses in: {element!r}")


def serialise(bom: Bom) -> bytes:
    """The bytes `JsonV1Dot6(bom).output_as_string(indent=None)` gives, UTF-8 encoded."""
    if not has_unique_refs(bom):
        raise Unsupported("a bom-ref is missing or repeated: the library would give it a random value")
    validate_model(bom)
    # the merged graph's entries are new and complete when the library sorts them; writing changes nothing
    with comparisons_made_once(), BomDependencyGraphFlatMerger(bom):
        document = _object(bom)
    # Json.generate parses the encoder's output and updates it with these keys, then dumps it again
    document.update({"$schema": SCHEMA_URI, "bomFormat": "CycloneDX", "specVersion": _SPEC.to_version()})
    return json.dumps(document).encode("utf-8")


def serialise_spliced(bom: Bom, raw: dict[str, str]) -> bytes:
    """`serialise` of a BOM some of whose top-level values are already written: `raw` maps a JSON key
    (`components`, `dependencies`) to its JSON text, which goes where py-serializable puts that key,
    as the text `serialise` would give a BOM holding those values (cyclonedx_parts.py). The caller
    answers for what `serialise` checks of those values (unique refs, known dependency targets)."""
    if not has_unique_refs(bom):
        raise Unsupported("a bom-ref is missing or repeated: the library would give it a random value")
    validate_model(bom)
    with BomDependencyGraphFlatMerger(bom):
        shell = _object(bom)
    marks = {key: f"\x00{key}:{uuid.uuid4()}" for key in raw}  # json.dumps writes \u0000: no value can hold it
    document = {}
    for prop in _plan(Bom):  # the order `_object` writes the keys in
        if prop.key in marks:
            document[prop.key] = marks[prop.key]
        elif prop.key in shell:
            document[prop.key] = shell[prop.key]
    document.update({"$schema": SCHEMA_URI, "bomFormat": "CycloneDX", "specVersion": _SPEC.to_version()})
    text = json.dumps(document)
    pieces, start = [], 0
    for key, at in sorted(((key, text.index(json.dumps(mark))) for key, mark in marks.items()), key=lambda x: x[1]):
        pieces += [text[start:at], raw[key]]
        start = at + len(json.dumps(marks[key]))
    pieces.append(text[start:])
    return "".join(pieces).encode("utf-8")
