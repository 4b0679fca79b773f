"""PURE PYTHON: schema validation of CycloneDX 1.6 documents, JSON and XML. It is apart from
building and writing because a document is validated from its bytes alone (a stored one as
well as a new one), against the schemas bundled with cyclonedx-python-lib, with validators
built once per process. The SPDX document is validated by spdx-tools in spdx.py.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.metadata import version as dist_version
from itertools import islice

import jsonschema_rs
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.schema import _res as schema_files
from cyclonedx.validation import make_schemabased_validator

from .cyclonedx_output import SPEC_VERSION
from .gc_pause import without_cyclic_gc
from .identity import LIBRARY_VERSION

SCHEMA_BASE = "http://cyclonedx.org/schema/"  # where the 1.6 schema's $refs point (the library's registry)


@without_cyclic_gc()
def validate(content: bytes, fmt: OutputFormat) -> list[str]:
    """Schema validation against the library's CycloneDX 1.6 schemas; the error messages (empty when valid).

    XML: the library's validator (lxml/libxml2 and its bundled XSD), built once per process.
    JSON: the library's bundled JSON schema and the schemas it references, with the registry
    the library's `JsonValidator` uses, evaluated by jsonschema-rs (compiled) with format
    checks on. The library's own validator (Python jsonschema) needs about 16 s for the
    corpus BOM even in parts, jsonschema-rs 0.2 s for the whole document.
    tests/sbom/test_validation.py shows that both reject the same invalid documents;
    jsonschema-rs is stricter in one respect: it always checks the `date-time` and
    `iri-reference` formats, which Python jsonschema checks only when rfc3339-validator or
    rfc3987-syntax is installed (see docs/sbom.md).
    """
    if fmt == OutputFormat.JSON:
        try:
            document = json.loads(content)
        except ValueError as exc:
            return [f"not JSON: {exc}"]
        return _messages(_json_validator().iter_errors(document))
    return _messages(_xml_validator().validate_str(content.decode("utf-8"), all_errors=True))


def validator_description(fmt: OutputFormat) -> str:
    """What `validate` checks a document with, as recorded with the stored document."""
    if fmt == OutputFormat.JSON:
        return (f"jsonschema-rs {dist_version('jsonschema-rs')} with the CycloneDX {SPEC_VERSION} JSON schema "
                f"of cyclonedx-python-lib {LIBRARY_VERSION}")
    return f"cyclonedx-python-lib {LIBRARY_VERSION} schema validator (CycloneDX {SPEC_VERSION} XSD)"


@lru_cache(maxsize=1)
def _xml_validator():
    """Parsing the XSD takes about 0.3 s; the library's validator keeps the parsed schema."""
    return make_schemabased_validator(OutputFormat.XML, SchemaVersion.V1_6)


@lru_cache(maxsize=1)
def _json_validator():
    def refuse(uri: str):  # every schema the 1.6 schema refers to is in the registry: never fetch
        raise ValueError(f"schema {uri} is not bundled with cyclonedx-python-lib")

    def load(path: str):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    registry = jsonschema_rs.Registry([
        (f"{SCHEMA_BASE}spdx.SNAPSHOT.schema.json", load(schema_files.SPDX_JSON)),
        (f"{SCHEMA_BASE}cryptography-defs.SNAPSHOT.schema.json", load(schema_files.CRYPTOGRAPHY_DEFS)),
        (f"{SCHEMA_BASE}jsf-0.82.SNAPSHOT.schema.json", load(schema_files.JSF)),
    ])
    return jsonschema_rs.Draft7Validator(
        load(schema_files.BOM_JSON[SchemaVersion.V1_6]), validate_formats=True, registry=registry, retriever=refuse,
    )


def _messages(errors) -> list[str]:
    if not errors:
        return []
    return [str(getattr(e, "data", e))[:2000] for e in islice(errors, 20)]
