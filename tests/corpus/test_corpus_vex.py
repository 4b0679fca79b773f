"""The real Azure Linux corpus: its CVE findings, its VEX documents validated by csaf-lib and both
CycloneDX validators, and an advisory written for its one CVE-bearing overlay (opencv)."""

import json
from collections import Counter

import pytest
from csaf_lib.verification import Verifier
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator
from django.test import override_settings

from audits.models import Overlay
from sbom.services.vex_documents import CSAF_VEX, CYCLONEDX_VEX, build_vex_document
from tests.support import cyclonedx_js
from vex.advisories import NOT_AFFECTED_OVERLAY
from tests.vex.advisory_files import osv, raw
from vex.models import Advisory, CveFinding, VexScan
from vex.services.advisories import import_advisory, release_matches
from vex.services.scan import is_added_patch, scan_release
from vex.services.statements import release_statements

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]


@pytest.fixture(scope="module")
def corpus_vex(corpus_outcome, django_db_blocker):
    release = corpus_outcome.release
    with django_db_blocker.unblock():
        with override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True):  # the bundle is a local source
            scan = scan_release(release)
        documents = {kind: build_vex_document(release, kind).content for kind in (CYCLONEDX_VEX, CSAF_VEX)}
        yield release, scan, documents
        Advisory.objects.all().delete()
        VexScan.objects.filter(release=release).delete()  # the shared corpus is left as ingested


def test_every_added_patch_of_the_corpus_is_read_for_its_header(corpus_vex):
    release, scan, _ = corpus_vex
    added = {o.source_path for o in Overlay.objects.filter(component__release=release)
             if is_added_patch(o)}
    assert (scan.patches_read, scan.patch_note) == (len(added), "") and added


def test_the_corpus_findings_and_statements(corpus_vex):
    release, scan, _ = corpus_vex
    findings = CveFinding.objects.filter(scan=scan)
    print("corpus CVE findings by (component, cve, origin, action):",
          dict(Counter(findings.values_list("component__name", "cve", "origin", "action"))))
    assert set(findings.values_list("component__name", "cve")) == {("opencv", "CVE-2025-53644")}
    [statement] = release_statements(release)
    assert (statement.component, statement.state, statement.justification) == (
        "opencv", "not_affected", "code_not_present")


def test_the_corpus_cyclonedx_vex_passes_both_validators(corpus_vex, tmp_path):
    content = corpus_vex[2][CYCLONEDX_VEX]
    validator = make_schemabased_validator(OutputFormat.JSON, SchemaVersion.V1_6)
    assert validator.validate_str(content.decode(), all_errors=True) is None
    path = tmp_path / "vex.cdx.json"
    path.write_bytes(content)
    assert cyclonedx_js.validate(path, "json")["valid"] is True


def test_the_corpus_csaf_vex_passes_csaf_lib(corpus_vex):
    report = Verifier.from_json(corpus_vex[2][CSAF_VEX].decode()).run_all()
    assert [(f.test_id, f.message) for f in report.failures] == []
    assert json.loads(corpus_vex[2][CSAF_VEX])["vulnerabilities"][0]["flags"][0]["label"] == "vulnerable_code_not_present"


def test_an_advisory_for_the_corpus_cve_is_answered_by_the_overlay(corpus_vex):
    release = corpus_vex[0]
    import_advisory(raw(osv(id="TEST-OPENCV", cve="CVE-2025-53644", name="opencv",
                            events=[{"introduced": "0"}, {"fixed": "99-1"}])), filename="opencv.json", user=None)
    assert [(m.component.name, m.status) for m in release_matches(release)] == [("opencv", NOT_AFFECTED_OVERLAY)]
