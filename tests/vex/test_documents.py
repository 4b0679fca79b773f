"""The VEX documents of a scanned release, checked by validators that are not Pedigree's: CycloneDX by
cyclonedx-python-lib's schema validator and the CycloneDX JavaScript library, CSAF 2.0 by csaf-lib
(the CSAF 2.0 JSON schema, the csaf_vex profile and mandatory tests)."""

import json

import pytest
from csaf_lib.verification import Verifier
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator
from django.urls import reverse

from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from sbom.services import cyclonedx
from sbom.services.generate import generate_release_documents, load_release_facts
from sbom.services.vex_documents import CSAF_VEX, CYCLONEDX_VEX, VexUnavailable, build_vex_document
from tests.support import cyclonedx_js

pytestmark = pytest.mark.django_db


def library_errors(content: bytes) -> list:
    validator = make_schemabased_validator(OutputFormat.JSON, SchemaVersion.V1_6)
    return list(validator.validate_str(content.decode(), all_errors=True) or [])


def csaf_failures(document: dict) -> list:
    report = Verifier.from_json(json.dumps(document)).run_all()
    return [(f.test_id, f.message) for f in report.failures]


@pytest.fixture
def cdx_vex(scanned, vex_release) -> bytes:
    return build_vex_document(vex_release, CYCLONEDX_VEX).content


@pytest.fixture
def csaf_vex(scanned, vex_release) -> dict:
    return json.loads(build_vex_document(vex_release, CSAF_VEX).content)


def test_the_cyclonedx_vex_document_states_each_overlay_verdict(cdx_vex):
    states = {(v["affects"][0]["ref"], v["id"]): (v["analysis"]["state"], v["analysis"].get("justification"))
              for v in json.loads(cdx_vex)["vulnerabilities"]}
    assert states == {
        ("src/curl", "CVE-2024-0001"): ("resolved_with_pedigree", None),
        ("src/zlib", "CVE-2025-0002"): ("not_affected", "code_not_present"),
        ("src/zlib", "CVE-2025-0004"): ("in_triage", None),
    }


def test_each_vulnerability_points_at_the_overlay_and_the_finding(cdx_vex):
    [curl] = [v for v in json.loads(cdx_vex)["vulnerabilities"] if v["id"] == "CVE-2024-0001"]
    assert {p["name"]: p["value"] for p in curl["properties"]} == {
        "pedigree:overlay": "overlay 1 (patch-add) in base/comps/curl/curl.comp.toml",
        "pedigree:finding": "patch-header of overlay 1 at base/comps/curl/cookie-fix.patch:5: "
                            "Backport of the upstream fix for CVE-2024-0001.",
    }


def test_the_cyclonedx_vex_document_holds_only_the_components_it_is_about(cdx_vex):
    assert sorted(c["bom-ref"] for c in json.loads(cdx_vex)["components"]) == ["src/curl", "src/zlib"]


def test_the_cyclonedx_vex_document_passes_the_python_library_schema_validator(cdx_vex):
    assert library_errors(cdx_vex) == []


def test_the_cyclonedx_vex_document_passes_the_javascript_strict_validator(cdx_vex, tmp_path):
    path = tmp_path / "vex.cdx.json"
    path.write_bytes(cdx_vex)
    assert cyclonedx_js.validate(path, "json")["valid"] is True


def test_a_wrong_analysis_state_is_refused_by_the_schema_validators(cdx_vex, tmp_path):
    bom = json.loads(cdx_vex)
    bom["vulnerabilities"][0]["analysis"]["state"] = "fixed_by_overlay"
    path = tmp_path / "bad.cdx.json"
    path.write_text(json.dumps(bom))
    assert library_errors(path.read_bytes()) and cyclonedx_js.validate(path, "json")["valid"] is False


def test_the_release_sbom_carries_the_same_vulnerabilities(vex_release, cdx_vex):
    generate_release_documents(vex_release)
    stored = SbomDocument.objects.get(release=vex_release, component_name="", format=SbomFormat.CYCLONEDX_JSON)
    assert json.loads(bytes(stored.content))["vulnerabilities"] == json.loads(cdx_vex)["vulnerabilities"]


def test_the_sbom_job_scans_a_release_that_was_never_scanned(vex_release):
    generate_release_documents(vex_release)
    xml = bytes(SbomDocument.objects.get(release=vex_release, component_name="", format=SbomFormat.CYCLONEDX_XML).content)
    assert b"<vulnerabilities>" in xml and b"CVE-2024-0001" in xml


def test_the_csaf_document_passes_csaf_lib(csaf_vex):
    assert csaf_failures(csaf_vex) == []


def test_the_csaf_document_maps_each_verdict_to_a_product_status(csaf_vex):
    status = {v["cve"]: v["product_status"] for v in csaf_vex["vulnerabilities"]}
    assert status == {
        "CVE-2024-0001": {"fixed": ["CSAFPID-curl"]},
        "CVE-2025-0002": {"known_not_affected": ["CSAFPID-zlib"]},
        "CVE-2025-0004": {"under_investigation": ["CSAFPID-zlib"]},
    }
    [zlib] = [v for v in csaf_vex["vulnerabilities"] if v["cve"] == "CVE-2025-0002"]
    assert zlib["flags"] == [{"label": "vulnerable_code_not_present", "product_ids": ["CSAFPID-zlib"]}]


def test_csaf_lib_refuses_a_not_affected_product_without_a_justification(csaf_vex):
    for vulnerability in csaf_vex["vulnerabilities"]:
        vulnerability.pop("flags", None)
    assert csaf_failures(csaf_vex)


def test_csaf_lib_refuses_a_document_of_the_wrong_schema(csaf_vex):
    csaf_vex["document"]["tracking"]["revision_history"][0]["number"] = "one"
    assert csaf_failures(csaf_vex)


def test_a_release_never_scanned_has_no_vex_document(vex_release):
    with pytest.raises(VexUnavailable, match="not been scanned"):
        build_vex_document(vex_release, CYCLONEDX_VEX)


def test_an_auditor_downloads_both_documents(auditor_client, scanned, vex_release):
    for name in ("sbom:release-cyclonedx-vex", "sbom:release-csaf-vex"):
        response = auditor_client.get(reverse(name, args=[vex_release.pk]))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_a_signed_in_account_without_a_role_cannot_download_them(client, outsider, scanned, vex_release):
    client.force_login(outsider)
    assert client.get(reverse("sbom:release-csaf-vex", args=[vex_release.pk])).status_code == 403


def test_the_fast_json_writer_writes_the_vulnerabilities_as_the_library_does(scanned, vex_release):
    facts = load_release_facts(vex_release)
    bom = cyclonedx.build_bom(facts)
    assert cyclonedx.to_json(bom, cyclonedx.compositions_of(facts)) == cyclonedx.library_json(
        cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts))
