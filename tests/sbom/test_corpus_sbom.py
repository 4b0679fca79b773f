"""The full Azure Linux corpus: every document generated, valid and deterministic."""

import hashlib
import json

import pytest

from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from sbom.services import cyclonedx
from sbom.services.generate import generate_release_documents, load_release_facts
from tests.support.corpus import ingested_corpus

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]


@pytest.fixture(scope="module")
def corpus_generated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), ingested_corpus() as outcome:
        yield outcome.release, generate_release_documents(outcome.release)


def test_every_corpus_component_is_in_the_bom(corpus_generated):
    release, result = corpus_generated
    document = SbomDocument.objects.get(release=release, component_name="", format=SbomFormat.CYCLONEDX_JSON)
    assert len(json.loads(bytes(document.content))["components"]) == result["components"] == 7580


def test_all_three_corpus_documents_are_valid(corpus_generated):
    release, _ = corpus_generated
    assert {d.format: d.validation["valid"] for d in SbomDocument.objects.filter(release=release)} == {
        "cyclonedx-json": True, "cyclonedx-xml": True, "spdx-json": True,
    }


def test_corpus_bom_is_byte_identical_when_built_again(corpus_generated):
    release, result = corpus_generated
    content = cyclonedx.to_json(cyclonedx.build_bom(load_release_facts(release)))
    assert len(content) == result["documents"]["cyclonedx-json"]["size"]
    assert hashlib.sha256(content).hexdigest() == result["documents"]["cyclonedx-json"]["sha256"]


def test_stored_corpus_json_is_byte_identical_to_the_library_serialisation(corpus_generated):
    release, _ = corpus_generated
    stored = bytes(SbomDocument.objects.get(
        release=release, component_name="", format=SbomFormat.CYCLONEDX_JSON).content)
    assert cyclonedx.library_json(cyclonedx.build_bom(load_release_facts(release))) == stored


def test_stored_corpus_xml_is_byte_identical_to_the_library_serialisation(corpus_generated):
    release, _ = corpus_generated
    stored = bytes(SbomDocument.objects.get(
        release=release, component_name="", format=SbomFormat.CYCLONEDX_XML).content)
    assert cyclonedx.library_xml(cyclonedx.build_bom(load_release_facts(release))) == stored


def test_most_corpus_components_have_a_fully_expanded_version(corpus_generated):
    release, _ = corpus_generated
    bom = json.loads(bytes(SbomDocument.objects.get(
        release=release, component_name="", format=SbomFormat.CYCLONEDX_JSON).content))
    unexpanded = [c["name"] for c in bom["components"]
                  if any(p["name"] == "pedigree:evr-unexpanded" for p in c.get("properties", []))]
    assert len(unexpanded) < 0.02 * len(bom["components"]), unexpanded[:20]
