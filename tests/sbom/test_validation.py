"""Chunked JSON schema validation finds what whole-document validation finds."""

import json

from cyclonedx.schema import OutputFormat

from sbom.services import cyclonedx


def bom_with(components):
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": components}).encode()


def test_a_large_valid_bom_is_valid_in_chunks(monkeypatch):
    monkeypatch.setattr(cyclonedx, "VALIDATION_CHUNK", 3)
    components = [{"type": "library", "name": f"p{i}", "bom-ref": f"p{i}"} for i in range(10)]
    assert cyclonedx.validate(bom_with(components), OutputFormat.JSON) == []


def test_an_invalid_component_in_a_later_chunk_is_found(monkeypatch):
    monkeypatch.setattr(cyclonedx, "VALIDATION_CHUNK", 3)
    components = [{"type": "library", "name": f"p{i}"} for i in range(9)] + [{"type": "nonsense", "name": "x"}]
    assert cyclonedx.validate(bom_with(components), OutputFormat.JSON) != []


def test_duplicate_components_across_chunks_are_found(monkeypatch):
    monkeypatch.setattr(cyclonedx, "VALIDATION_CHUNK", 3)
    components = [{"type": "library", "name": f"p{i}"} for i in range(6)] + [{"type": "library", "name": "p0"}]
    assert cyclonedx.validate(bom_with(components), OutputFormat.JSON) == ["components: items are not unique"]
