"""The CycloneDX JavaScript library's validators accept Pedigree's CycloneDX documents and refuse
broken ones (so the corpus checks in tests/corpus/test_corpus_sbom.py can fail)."""

import json

import pytest

from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from tests.support import cyclonedx_js

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(release, generated, tmp_path):
    """The stored release JSON and XML of the test repository, as files."""
    paths = {}
    for fmt, suffix in ((SbomFormat.CYCLONEDX_JSON, "json"), (SbomFormat.CYCLONEDX_XML, "xml")):
        paths[suffix] = tmp_path / f"release.cdx.{suffix}"
        paths[suffix].write_bytes(bytes(SbomDocument.objects.get(release=release, component_name="",
                                                                   format=fmt).content))
    return paths


def test_the_json_strict_validator_accepts_the_release_json(documents):
    result = cyclonedx_js.validate(documents["json"], "json")
    assert (result["valid"], result["errors"]) == (True, None) and "JsonStrictValidator" in result["validator"]


def test_the_xml_validator_accepts_the_release_xml(documents):
    result = cyclonedx_js.validate(documents["xml"], "xml")
    assert (result["valid"], result["errors"]) == (True, None)


def test_the_json_strict_validator_refuses_an_unknown_component_type(documents):
    bom = json.loads(documents["json"].read_text())
    bom["components"][0]["type"] = "not-a-type"
    documents["json"].write_text(json.dumps(bom))
    assert cyclonedx_js.validate(documents["json"], "json")["valid"] is False


def test_the_json_strict_validator_refuses_an_unknown_property(documents):
    bom = json.loads(documents["json"].read_text())
    bom["components"][0]["colour"] = "blue"
    documents["json"].write_text(json.dumps(bom))
    assert cyclonedx_js.validate(documents["json"], "json")["valid"] is False


def test_the_xml_validator_refuses_an_element_out_of_order(documents):
    xml = documents["xml"].read_text()
    start, end = xml.index("<compositions>"), xml.index("</compositions>") + len("</compositions>")
    before = xml[:start].replace("<metadata>", xml[start:end] + "<metadata>", 1)  # compositions before metadata
    documents["xml"].write_text(before + xml[end:])
    assert cyclonedx_js.validate(documents["xml"], "xml")["valid"] is False
