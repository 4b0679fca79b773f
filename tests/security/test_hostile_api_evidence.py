"""Hostile requests to the REST API and hostile evidence files: each is refused with a clear answer
(problem details for the API, one line per problem for the checker) and the data stays as it was.

Also covered elsewhere and not repeated: the permission matrix of every API operation
(tests/api/test_permission_matrix.py), the schemathesis run (tests/api/test_schemathesis.py),
every checker rule on crafted archives (tests/evidence/test_check.py).
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from access.services import issue_api_key
from signing.models import SignatureBundle
from tests.evidence.hostile import bundle_with, manifest_for, raw_zip
from tests.support.users import PASSWORD

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api(portal_admin):
    """A client holding a key of every scope (the worst case: what a leaked key could do)."""
    _, secret = issue_api_key("hostile-suite", ["read", "export", "jobs", "admin"], created_by=portal_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.parametrize("authorization", [
    "Bearer pdg_00000000_" + "A" * 43,  # well-formed, unknown
    "Bearer pdg_../../etc_passwd",
    "Bearer " + "x" * 10_000,
    "Bearer pdg_' OR '1'='1_x",
    "Basic YWRtaW46YWRtaW4=",
])
def test_a_forged_api_key_gets_401_problem_details(baseline, authorization):
    response = Client(HTTP_AUTHORIZATION=authorization).get(f"/api/v1/releases/{baseline.release.pk}/components/")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    baseline.assert_unchanged()


def test_a_session_post_to_the_api_without_a_csrf_token_is_refused(baseline, release_manager):
    client = Client(enforce_csrf_checks=True)
    client.login(username=release_manager.username, password=PASSWORD)
    response = client.post("/api/v1/jobs/", {"kind": "sbom", "release": baseline.release.pk},
                           content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert "CSRF" in response.json()["detail"]
    baseline.assert_unchanged()


@pytest.mark.parametrize("query", [
    "q=%27%20OR%201%3D1%20--", "sort=;DROP TABLE audits_component", "limit=" + "9" * 40, "cursor=../../etc/passwd",
    "headline=<script>", "overlay_type=%00", "reason=" + "a" * 5000,
])
def test_hostile_list_parameters_get_a_clear_answer_never_a_server_error(baseline, api, query):
    response = api.get(f"/api/v1/releases/{baseline.release.pk}/components/?{query}")
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert response["Content-Type"] == PROBLEM and response.json()["detail"]
    baseline.assert_unchanged()


@pytest.mark.parametrize(("source", "ref", "reason"), [
    ("ext::sh -c 'touch /tmp/pwned'", "main", "source"),
    ("--upload-pack=touch /tmp/pwned", "main", "source"),
    ("https://example.org/r.git", "--upload-pack=touch /tmp/pwned", "ref"),
    ("http://example.org/r.git", "main", "source"),
])
def test_a_hostile_ingest_through_the_api_is_refused_with_the_field_named(baseline, api, source, ref, reason):
    response = api.post("/api/v1/jobs/", {"kind": "ingest", "source": source, "ref": ref},
                        content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert reason in response.json()["errors"]
    baseline.assert_unchanged()


@pytest.mark.parametrize("name", ["../../../tmp/evil", "/etc/cron.d/evil", "..\\..\\evil", "a/../../b"])
def test_check_evidence_refuses_a_zip_slip_bundle_and_writes_nothing(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    archive = tmp_path / "in" / "bundle.zip"
    archive.parent.mkdir()
    archive.write_bytes(raw_zip([(name, b"payload")]))
    with pytest.raises(CommandError):
        call_command("check_evidence", str(archive))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bundle.zip", "in"]  # nothing extracted anywhere


def test_check_evidence_refuses_a_bundle_whose_manifest_lies_about_a_file(tmp_path, capsys):
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(bundle_with({"report.html": b"<p>forged</p>"}, manifest=manifest_for({"report.html": b"<p>ok</p>"})))
    with pytest.raises(CommandError):
        call_command("check_evidence", str(archive))
    assert "report.html" in capsys.readouterr().err


def test_evidence_for_a_traversal_component_name_is_not_found(baseline, auditor_client):
    response = auditor_client.post(f"/releases/{baseline.release.pk}/components/..%2F..%2Fetc/evidence/")
    assert response.status_code == 404
    baseline.assert_unchanged()


def test_an_uploaded_bundle_cannot_name_its_artifact_with_a_path(baseline, release_manager, client, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr("signing.services.signatures.Bundle.from_json", lambda data: None)  # the name is what is tested
    client.force_login(release_manager)
    client.post(f"/sbom/releases/{baseline.release.pk}/bundles/upload/", {
        "bundle": SimpleUploadedFile("b.sigstore.json", b"{}"), "sha256": "ab" * 32,
        "artifact_name": "../../etc/passwd"})
    (bundle,) = SignatureBundle.objects.all()
    assert "/" not in bundle.artifact_name and "/" not in bundle.file_name
