"""The full Azure Linux corpus: every document generated, valid and deterministic."""

import hashlib
import json
import re
from urllib.parse import unquote

import pytest

from sbom.choices import SbomFormat
from sbom.models import SbomDocument, SbomPart
from sbom.services import cyclonedx
from sbom.services.generate import generate_release_documents, load_release_facts
from tests.support import cyclonedx_js
from vex.models import VexScan

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]
# what no published name, version or purl may hold: macro text, line continuations (purls are
# looked at percent-decoded: `libstdc%2B%2B` is fine, `kernel-%25%7B1%7D` is not)
NOT_PUBLISHABLE = re.compile(r"[%{}\\\s]")


@pytest.fixture(scope="module")
def corpus_generated(corpus_outcome, django_db_blocker):
    release = corpus_outcome.release
    with django_db_blocker.unblock():
        yield release, generate_release_documents(release)
        SbomDocument.objects.filter(release=release).delete()
        SbomPart.objects.all().delete()  # the job's per-component parts (sbom/services/parts.py)
        VexScan.objects.filter(release=release).delete()  # generation scans the release for CVEs first (its findings go too)


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
    facts = load_release_facts(release)
    content = cyclonedx.to_json(cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts))
    assert len(content) == result["documents"]["cyclonedx-json"]["size"]
    assert hashlib.sha256(content).hexdigest() == result["documents"]["cyclonedx-json"]["sha256"]


def test_stored_corpus_json_is_byte_identical_to_the_library_serialisation(corpus_generated):
    release, _ = corpus_generated
    stored = bytes(SbomDocument.objects.get(
        release=release, component_name="", format=SbomFormat.CYCLONEDX_JSON).content)
    facts = load_release_facts(release)
    assert cyclonedx.library_json(cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts)) == stored


def test_stored_corpus_xml_is_byte_identical_to_the_library_serialisation(corpus_generated):
    release, _ = corpus_generated
    stored = bytes(SbomDocument.objects.get(
        release=release, component_name="", format=SbomFormat.CYCLONEDX_XML).content)
    facts = load_release_facts(release)
    assert cyclonedx.library_xml(cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts)) == stored


def release_bom(release) -> dict:
    return json.loads(bytes(SbomDocument.objects.get(
        release=release, component_name="", format=SbomFormat.CYCLONEDX_JSON).content))


def test_every_corpus_component_without_a_version_says_why(corpus_generated):
    release, _ = corpus_generated
    silent = [c["name"] for c in release_bom(release)["components"] if "version" not in c
              and not any(p["name"] == "pedigree:unresolved" and p["value"] for p in c.get("properties", []))]
    assert silent == []


def test_no_published_corpus_name_version_or_purl_has_macro_text(corpus_generated):
    release, _ = corpus_generated
    packages = [p for c in release_bom(release)["components"] for p in [c, *c.get("components", [])]]
    spdx_packages = json.loads(bytes(SbomDocument.objects.get(
        release=release, component_name="", format=SbomFormat.SPDX_JSON).content))["packages"]
    values = [p.get(key, "") for p in packages for key in ("name", "version")]
    values += [unquote(p.get("purl", "")) for p in packages]
    values += [p.get(key, "") for p in spdx_packages for key in ("name", "versionInfo")]
    values += [unquote(r["referenceLocator"]) for p in spdx_packages for r in p.get("externalRefs", [])]
    assert len(values) > 100_000 and [v for v in values if NOT_PUBLISHABLE.search(v)] == []


@pytest.mark.parametrize("fmt, suffix", [(SbomFormat.CYCLONEDX_JSON, "json"), (SbomFormat.CYCLONEDX_XML, "xml")])
def test_the_cyclonedx_javascript_library_accepts_the_corpus_release_document(corpus_generated, tmp_path, fmt, suffix):
    release, _ = corpus_generated
    path = tmp_path / f"release.cdx.{suffix}"
    path.write_bytes(bytes(SbomDocument.objects.get(release=release, component_name="", format=fmt).content))
    result = cyclonedx_js.validate(path, suffix)
    assert (result["valid"], result["errors"]) == (True, None)
