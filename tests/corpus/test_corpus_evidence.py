"""The full Azure Linux corpus: the release bundle is complete, re-checkable, deterministic and valid OSCAL."""

import datetime as dt
import io
import json
import time
import zipfile

import pytest

from audits.models import Component
from evidence import oscal
from evidence.check import check_bundle
from evidence.services.bundles import build_release_bundle

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]
REQUESTED_AT = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def corpus_bundle(corpus_outcome, django_db_blocker):
    release = corpus_outcome.release
    with django_db_blocker.unblock():
        start = time.perf_counter()
        content, manifest, _ = build_release_bundle(release, requested_by="ci", requested_at=REQUESTED_AT)
        seconds = time.perf_counter() - start
        yield release, content, manifest, seconds


def test_the_corpus_bundle_passes_the_offline_check(corpus_bundle):
    _, content, manifest, _ = corpus_bundle
    result = check_bundle(io.BytesIO(content))
    assert result.ok, result.problems[:10]
    assert result.files_checked == len(manifest["files"])


def test_every_corpus_component_has_its_record_and_history(corpus_bundle):
    release, _, manifest, _ = corpus_bundle
    paths = {f["path"] for f in manifest["files"]}
    names = list(Component.objects.filter(release=release).values_list("name", flat=True))
    assert len(names) == 7580
    assert all(f"components/{n}/component.json" in paths and f"components/{n}/history.json" in paths for n in names)


def test_the_corpus_oscal_is_valid_against_the_official_schema(corpus_bundle):
    release, content, _, _ = corpus_bundle
    document = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("oscal/assessment-results.json"))
    assert oscal.validate(document) == []
    result = document["assessment-results"]["results"][0]
    altered = Component.objects.filter(release=release, headline="altered").count()
    assert altered == 96
    assert len([f for f in result["findings"] if f["target"]["target-id"] == "cm-3_smt"]) == altered
    assert len(result["observations"]) == 7580  # no upstream verification ran: one observation per component


def test_the_corpus_bundle_is_byte_identical_when_built_again(corpus_bundle):
    release, content, _, _ = corpus_bundle
    again, _, _ = build_release_bundle(release, requested_by="ci", requested_at=REQUESTED_AT)
    assert again == content

