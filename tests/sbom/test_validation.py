"""JSON schema validation: Pedigree's compiled validator rejects what the library's validator rejects."""

import copy
import json

import pytest
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator

from sbom.services import cyclonedx

VALID = {
    "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "serialNumber": "urn:uuid:6f1d3f4e-8c1b-4d5e-9a57-2f0c1b7e9d42",
    "version": 1,
    "metadata": {
        "timestamp": "2026-03-01T12:00:00+00:00",
        "lifecycles": [{"phase": "pre-build"}],
        "authors": [{"name": "Ada", "email": "ada@example.org"}],
        "component": {"bom-ref": "release", "type": "operating-system", "name": "azurelinux", "version": "4.0"},
    },
    "components": [{
        "bom-ref": "src/bash", "type": "library", "name": "bash", "version": "5.3-1.azl4",
        "purl": "pkg:rpm/azurelinux/bash@5.3-1.azl4?arch=src&distro=azurelinux-4.0",
        "licenses": [{"license": {"id": "GPL-3.0-or-later"}}],
        "externalReferences": [{
            "type": "source-distribution", "url": "bash-5.3.tar.gz",
            "hashes": [{"alg": "SHA-512", "content": "ab" * 64}],
        }],
        "pedigree": {
            "patches": [{"type": "unofficial", "diff": {"text": {"content": "--- a\n+++ b\n"}},
                         "resolves": [{"type": "defect", "references": ["https://bugs.example.org/1"]}]}],
            "commits": [{"uid": "abc", "author": {"timestamp": "2026-03-01T12:00:00+00:00", "name": "Ada"}}],
        },
        "properties": [{"name": "pedigree:classification", "value": "altered"}],
        "components": [{"bom-ref": "src/bash/bin/bash-doc", "type": "library", "name": "bash-doc"}],
    }, {"bom-ref": "src/zlib", "type": "library", "name": "zlib"}],
    "dependencies": [{"ref": "release", "dependsOn": ["src/bash", "src/zlib"]}, {"ref": "src/bash"}],
}


def mutated(path, value):
    """VALID with the value at `path` (keys and indexes) replaced or appended; `None` deletes the key."""
    doc = copy.deepcopy(VALID)
    *parents, last = path
    target = doc
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    elif isinstance(target, list) and last == len(target):
        target.append(value)
    else:
        target[last] = value
    return json.dumps(doc).encode()


INVALID = {
    "unknown component type": mutated(["components", 1, "type"], "nonsense"),
    "component without a name": mutated(["components", 1, "name"], None),
    "unknown property on a component": mutated(["components", 1, "colour"], "red"),
    "hash that is not hex": mutated(["components", 0, "externalReferences", 0, "hashes", 0, "content"], "xyz"),
    "unknown hash algorithm": mutated(["components", 0, "externalReferences", 0, "hashes", 0, "alg"], "SHA-999"),
    "licence id that is not SPDX": mutated(["components", 0, "licenses", 0, "license", "id"], "NotALicence-1"),
    "author email that is not an address": mutated(["metadata", "authors", 0, "email"], "not-an-email"),
    "serial number that is not a urn:uuid": mutated(["serialNumber"], "abc"),
    "unknown patch type": mutated(["components", 0, "pedigree", "patches", 0, "type"], "bogus"),
    "diff text without content": mutated(["components", 0, "pedigree", "patches", 0, "diff", "text"], {}),
    "unknown lifecycle phase": mutated(["metadata", "lifecycles", 0, "phase"], "someday"),
    "dependsOn that is not a list": mutated(["dependencies", 0, "dependsOn"], "src/bash"),
    "version that is a string": mutated(["version"], "1"),
    "duplicate components": mutated(["components", 1], VALID["components"][0]),
    "duplicate dependency entries": mutated(["dependencies", 2], {"ref": "src/bash"}),
}


def library_errors(content: bytes) -> list:
    validator = make_schemabased_validator(OutputFormat.JSON, SchemaVersion.V1_6)
    return list(validator.validate_str(content.decode(), all_errors=True) or [])


def test_the_valid_document_is_valid_for_both_validators():
    content = json.dumps(VALID).encode()
    assert library_errors(content) == [] and cyclonedx.validate(content, OutputFormat.JSON) == []


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_document_is_rejected_by_the_library_and_by_pedigree(case):
    content = INVALID[case]
    assert library_errors(content), "the library's validator should reject it: the case is not invalid"
    assert cyclonedx.validate(content, OutputFormat.JSON)


# Formats Python jsonschema checks only when an optional package is installed (rfc3987-syntax for
# iri-reference, which must not be installed; rfc3339-validator for date-time): jsonschema-rs always does.
FORMAT_ONLY = {
    "reference that is not an IRI": mutated(["components", 0, "externalReferences", 0, "url"], "http://exa mple.org/a b"),
    "timestamp that is not a date-time": mutated(["metadata", "timestamp"], "yesterday"),
}


@pytest.mark.parametrize("case", sorted(FORMAT_ONLY))
def test_a_value_of_the_wrong_format_is_rejected_even_where_the_library_skips_the_format(case):
    assert cyclonedx.validate(FORMAT_ONLY[case], OutputFormat.JSON)


def test_text_that_is_not_json_is_rejected():
    assert cyclonedx.validate(b'{"bomFormat": ', OutputFormat.JSON)


def test_an_invalid_xml_document_is_rejected():
    xml = b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="x"/>'
    assert cyclonedx.validate(xml, OutputFormat.XML)


# ----------------------------------------------------------------------------- SPDX, validated in parts


@pytest.fixture
def spdx_document(release) -> dict:
    from sbom.services import spdx
    from sbom.services.generate import load_release_facts

    return json.loads(spdx.to_json(spdx.build_document(load_release_facts(release))))


@pytest.mark.django_db
def test_spdx_cut_into_one_package_parts_is_still_valid(spdx_document, monkeypatch):
    from sbom.services import spdx

    monkeypatch.setattr(spdx, "VALIDATION_CHUNK", 1)
    assert spdx.validate(json.dumps(spdx_document).encode()) == []


@pytest.mark.django_db
def test_every_spdx_relationship_is_in_one_part_with_both_ends(spdx_document, monkeypatch):
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    from sbom.services import spdx

    monkeypatch.setattr(spdx, "VALIDATION_CHUNK", 2)
    document = JsonLikeDictParser().parse(spdx_document)
    seen = []
    for part in spdx._parts(document):
        ids = {p.spdx_id for p in part.packages} | {"SPDXRef-DOCUMENT"}
        for rel in part.relationships:  # DEPENDS_ON NOASSERTION has one end only
            assert {rel.spdx_element_id, *[e for e in [rel.related_spdx_element_id] if isinstance(e, str)]} <= ids
        seen += [r for r in part.relationships if r.relationship_type.name != "DESCRIBES"]
    assert len(seen) == len([r for r in document.relationships if r.relationship_type.name != "DESCRIBES"])


@pytest.mark.django_db
def test_an_invalid_spdx_package_in_a_later_part_is_found(spdx_document, monkeypatch):
    from sbom.services import spdx

    monkeypatch.setattr(spdx, "VALIDATION_CHUNK", 1)
    spdx_document["packages"][-1]["downloadLocation"] = "not a location"
    assert spdx.validate(json.dumps(spdx_document).encode())
