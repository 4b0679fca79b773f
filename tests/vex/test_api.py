"""The VEX and advisory API: imports by admins, refusals with the reason, per-release reads, documents."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vex.advisories import MAX_BYTES
from vex.models import Advisory

from .advisory_files import csaf, osv, raw

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_file(client, data: bytes):
    return client.post("/api/v1/advisories/", {"file": SimpleUploadedFile("a.json", data)})


def test_an_admin_imports_an_advisory_through_the_api(portal_admin):
    response = post_file(signed_in(portal_admin), raw(csaf()))
    assert response.status_code == 201
    assert (response.json()["identifier"], response.json()["packages"][0]["name"]) == ("EX-CVE-2025-0002", "zlib")


def test_a_refused_file_is_a_problem_naming_the_reason_and_nothing_is_stored(portal_admin):
    response = post_file(signed_in(portal_admin), b'{"id": "X", "affected": [{"package": {"name": 3}}]}')
    assert response.status_code == 400 and "package.name is not a str" in response.content.decode()
    assert not Advisory.objects.exists()


def test_an_oversize_file_is_refused_while_it_is_read_and_nothing_is_stored(portal_admin):
    response = post_file(signed_in(portal_admin), b" " * (MAX_BYTES + 1))
    assert response.status_code in (400, 413) and "advisory file" in response.content.decode()
    assert not Advisory.objects.exists()


def test_an_auditor_cannot_import_through_the_api(auditor):
    assert post_file(signed_in(auditor), raw(osv())).status_code == 403


def test_the_release_statements_findings_and_matches(auditor, portal_admin, scanned, vex_release):
    post_file(signed_in(portal_admin), raw(osv()))
    client = signed_in(auditor)
    base = f"/api/v1/releases/{vex_release.pk}"
    statements = client.get(f"{base}/vex-statements/").json()
    assert [(s["component"], s["cve"], s["state"]) for s in statements][0] == (
        "curl", "CVE-2024-0001", "resolved_with_pedigree")
    findings = client.get(f"{base}/cve-findings/").json()
    assert {"cve": "CVE-2024-0001", "origin": "patch-header", "line": 5}.items() <= next(
        f for f in findings if f["origin"] == "patch-header").items()
    assert client.get(f"{base}/advisory-matches/").json() == [{
        "advisory": "AZL-2024-0001", "advisory_id": Advisory.objects.get().pk, "cve": "CVE-2024-0001",
        "component": "curl", "evr": "8.15.0-3.azl4", "status": "fixed by an overlay"}]


def test_the_csaf_document_through_the_api(auditor, scanned, vex_release):
    response = signed_in(auditor).get(f"/api/v1/releases/{vex_release.pk}/vex/csaf/")
    assert response.status_code == 200
    assert json.loads(response.content)["document"]["category"] == "csaf_vex"


def test_a_release_never_scanned_answers_404_with_the_reason(auditor, vex_release):
    response = signed_in(auditor).get(f"/api/v1/releases/{vex_release.pk}/vex/cyclonedx/")
    assert response.status_code == 404 and "not been scanned" in response.content.decode()
