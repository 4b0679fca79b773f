"""Signature pages: the release dashboard panel, downloads, uploads, and the customer's offline command run for real."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shlex
import subprocess
import sys
from email.message import Message

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from access.models import AccessLog
from jobs.choices import JobKind
from jobs.models import Job
from jobs.services import run_job_in_process
from sbom.models import SbomDocument
from signing.models import SignatureBundle, SigningPolicyChange
from signing.services.signing import (
    IdentitySource,
    identity_token,
    load_trust_config,
    sign_each,
)
from signing.services.verification import stock_cli_command
from signing.tasks import sign_release_job, verify_signatures_job
from tests.support.sigstore_fixtures import SIGNER
from tests.support.sigstore_vectors import (
    CONFORMANCE_IDENTITY,
    CONFORMANCE_ISSUER,
    vectors_dir,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(release, generated, sigstore_settings):
    job = run_job_in_process(JobKind.SIGN, {"release_id": release.pk}, release=release)
    assert job.result["signed"] == 3, job.error
    run_job_in_process(JobKind.VERIFY, {"release_id": release.pk}, release=release)
    return release


def _download(client, url: str, folder) -> str:
    """Save a download under the name the portal gives it; return that name."""
    response = client.get(url)
    assert response.status_code == 200
    header = Message()
    header["content-disposition"] = response["Content-Disposition"]
    name = header.get_param("filename", header="content-disposition")
    (folder / name).write_bytes(b"".join(response.streaming_content))
    return name


def _commands(page: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r'<code class="verify-command"[^>]*>(.*?)</code>', page)]


def _run_cli(command: str, folder) -> subprocess.CompletedProcess:
    """Run the page's command as a customer would, with this venv's python and an empty HOME."""
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "sigstore"]
    return subprocess.run([sys.executable, *words[1:]], cwd=folder, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(folder)})


def test_the_release_page_shows_each_bundle_with_its_verification(signed, auditor_client):
    page = auditor_client.get(reverse("audits:release-detail", args=[signed.pk])).content.decode()
    for bundle in SignatureBundle.objects.filter(release=signed):
        assert bundle.file_name in page and reverse("signing:bundle", args=[bundle.pk]) in page
    assert page.count(">Verified</strong>") == 3
    assert "Sign SBOMs and evidence" not in page  # auditors do not start jobs


def test_the_customer_command_on_the_release_page_verifies_the_downloaded_sbom_offline(signed, auditor_client,
                                                                                        tmp_path):
    page = auditor_client.get(reverse("audits:release-detail", args=[signed.pk])).content.decode()
    (command, *_) = [c for c in _commands(page) if ".cdx.json" in c]
    bundle = SignatureBundle.objects.get(release=signed, sbom_document__format="cyclonedx-json")
    assert _download(auditor_client, reverse("sbom:release-cyclonedx-json", args=[signed.pk]), tmp_path) \
        == bundle.artifact_name
    assert _download(auditor_client, reverse("signing:bundle", args=[bundle.pk]), tmp_path) == bundle.file_name
    assert _download(auditor_client, reverse("signing:trust-config"), tmp_path) == "sigstore-trust-config.json"
    assert f"--cert-identity {SIGNER}" in command and "--trust-config sigstore-trust-config.json" in command
    result = _run_cli(command, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OK: {bundle.artifact_name}" in result.stdout + result.stderr


def test_the_customer_command_fails_on_a_tampered_download(signed, auditor_client, tmp_path):
    page = auditor_client.get(reverse("audits:release-detail", args=[signed.pk])).content.decode()
    (command, *_) = [c for c in _commands(page) if ".spdx.json" in c]
    bundle = SignatureBundle.objects.get(release=signed, sbom_document__format="spdx-json")
    name = _download(auditor_client, reverse("sbom:release-spdx-json", args=[signed.pk]), tmp_path)
    _download(auditor_client, reverse("signing:bundle", args=[bundle.pk]), tmp_path)
    _download(auditor_client, reverse("signing:trust-config"), tmp_path)
    (tmp_path / name).write_bytes((tmp_path / name).read_bytes().replace(b"SPDX", b"SPDx", 1))
    result = _run_cli(command, tmp_path)
    assert result.returncode != 0 and "FAIL" in result.stdout + result.stderr


def test_the_public_good_command_needs_no_trust_config():
    command = stock_cli_command("a.cdx.json", "a.cdx.json.sigstore.json", identity="ci@example.org",
                                issuer="https://token.actions.githubusercontent.com", custom_root=False)
    assert command == ("python -m sigstore verify identity --offline --bundle a.cdx.json.sigstore.json "
                       "--cert-identity ci@example.org --cert-oidc-issuer https://token.actions.githubusercontent.com "
                       "a.cdx.json")


def test_the_sbom_list_shows_each_download_with_its_bundle(signed, auditor_client):
    page = auditor_client.get(reverse("sbom:release", args=[signed.pk])).content.decode()
    for bundle in SignatureBundle.objects.filter(release=signed):
        assert f'download="{bundle.file_name}"' in page


def test_the_package_page_shows_the_signatures_of_the_release_sboms(signed, auditor_client):
    page = auditor_client.get(reverse("audits:component-detail", args=[signed.pk, "openssl"])).content.decode()
    assert 'id="signatures"' in page and page.count(">Verified</strong>") == 3


def _third_party_bundle(content: bytes) -> bytes:
    """A bundle made outside the portal (same local instance and signer, signed directly)."""
    trust = load_trust_config(settings.PEDIGREE_SIGSTORE_TRUST_CONFIG)
    token = identity_token(IdentitySource(token_file=settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE))
    ((_, bundle),) = sign_each([(None, content)], trust_config=trust, token=token)
    return bundle.encode()


def test_a_release_manager_uploads_a_bundle_with_its_artifact_and_it_verifies(release, sigstore_settings, client,
                                                                              release_manager):
    client.force_login(release_manager)
    artifact = b"a third-party attestation\n"
    response = client.post(reverse("signing:upload-bundle", args=[release.pk]), {
        "bundle": SimpleUploadedFile("x.sigstore.json", _third_party_bundle(artifact)),
        "artifact": SimpleUploadedFile("notes.txt", artifact)})
    assert response.status_code == 302
    bundle = SignatureBundle.objects.get(origin="uploaded")
    assert (bundle.artifact_name, bundle.artifact_sha256) == ("notes.txt", hashlib.sha256(artifact).hexdigest())
    job = run_job_in_process(JobKind.VERIFY, {"release_id": release.pk}, release=release)
    assert job.result["verified"] == 1


def test_a_bundle_uploaded_with_only_a_digest_is_verified_against_that_digest(release, sigstore_settings, client,
                                                                             release_manager):
    client.force_login(release_manager)
    artifact = b"an image manifest\n"
    client.post(reverse("signing:upload-bundle", args=[release.pk]), {
        "bundle": SimpleUploadedFile("m.sigstore.json", _third_party_bundle(artifact)),
        "sha256": "sha256:" + hashlib.sha256(artifact).hexdigest(), "artifact_name": "manifest.json"})
    client.post(reverse("signing:upload-bundle", args=[release.pk]), {
        "bundle": SimpleUploadedFile("m.sigstore.json", _third_party_bundle(artifact)),
        "sha256": hashlib.sha256(b"something else").hexdigest(), "artifact_name": "other.json"})
    run_job_in_process(JobKind.VERIFY, {"release_id": release.pk}, release=release)
    assert SignatureBundle.objects.filter(artifact_content=None).count() == 2
    results = {b.artifact_name: b.verifications.get() for b in SignatureBundle.objects.all()}
    assert results["manifest.json"].verified
    assert not results["other.json"].verified and results["other.json"].reason == "Bundle message digest mismatch"


def test_an_oversized_bundle_upload_is_refused_with_400(release, sigstore_settings, client, release_manager):
    sigstore_settings.PEDIGREE_MAX_BUNDLE_BYTES = 100
    client.force_login(release_manager)
    response = client.post(reverse("signing:upload-bundle", args=[release.pk]), {
        "bundle": SimpleUploadedFile("x.sigstore.json", b"{" + b" " * 200 + b"}"), "sha256": "0" * 64,
        "artifact_name": "x"})
    assert response.status_code == 400 and b"the limit is 100" in response.content
    assert not SignatureBundle.objects.exists()


def test_an_upload_larger_than_both_limits_is_refused_with_413_before_it_is_read(release, sigstore_settings, client,
                                                                                release_manager):
    sigstore_settings.PEDIGREE_MAX_BUNDLE_BYTES = 1000
    sigstore_settings.PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES = 1000
    client.force_login(release_manager)
    response = client.post(reverse("signing:upload-bundle", args=[release.pk]), {
        "bundle": SimpleUploadedFile("x.sigstore.json", b"{}"),
        "artifact": SimpleUploadedFile("big.bin", b"x" * 100_000), "artifact_name": "big.bin"})
    assert response.status_code == 413
    assert not SignatureBundle.objects.exists()


def test_an_upload_without_its_csrf_token_is_refused_although_the_body_is_read_first(release, release_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(release_manager)
    response = client.post(reverse("signing:upload-bundle", args=[release.pk]), {
        "bundle": SimpleUploadedFile("x.sigstore.json", b"{}"), "sha256": "0" * 64, "artifact_name": "x"})
    assert response.status_code == 403 and not SignatureBundle.objects.exists()


def test_something_that_is_not_a_bundle_is_refused_with_400(release, sigstore_settings, client, release_manager):
    client.force_login(release_manager)
    response = client.post(reverse("signing:upload-bundle", args=[release.pk]), {
        "bundle": SimpleUploadedFile("x.sigstore.json", b'{"mediaType": "nope"}'), "sha256": "0" * 64,
        "artifact_name": "x"})
    assert response.status_code == 400 and b"not a Sigstore bundle" in response.content


def test_auditors_may_not_upload_bundles_or_start_signing(release, auditor_client):
    upload = auditor_client.post(reverse("signing:upload-bundle", args=[release.pk]), {"sha256": "0" * 64})
    sign = auditor_client.post(reverse("signing:start-signing", args=[release.pk]))
    assert (upload.status_code, sign.status_code) == (403, 403)
    assert not Job.objects.exists()


def test_a_release_manager_starts_signing_and_verification_jobs(release, client, release_manager,
                                                                django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(sign_release_job, "delay", lambda job_id: None)
    monkeypatch.setattr(verify_signatures_job, "delay", lambda job_id: None)
    client.force_login(release_manager)
    client.post(reverse("signing:start-signing", args=[release.pk]))
    client.post(reverse("signing:start-verification", args=[release.pk]))
    assert [(j.kind, j.params) for j in Job.objects.order_by("pk")] == [
        (JobKind.SIGN, {"release_id": release.pk}), (JobKind.VERIFY, {"release_id": release.pk})]


def test_an_admin_sets_the_expected_signer_of_a_release(release, client, portal_admin):
    client.force_login(portal_admin)
    client.post(reverse("signing:signing-policy", args=[release.pk]),
                {"identity": "ci@example.org", "issuer": "https://token.actions.githubusercontent.com"})
    assert (release.signing_policy.identity, release.signing_policy.issuer) == (
        "ci@example.org", "https://token.actions.githubusercontent.com")
    page = client.get(reverse("audits:release-detail", args=[release.pk])).content.decode()
    assert "<code>ci@example.org</code>" in page and "Upload a third-party bundle" in page


def test_a_release_manager_is_not_offered_the_expected_signer_form(release, client, release_manager):
    client.force_login(release_manager)
    page = client.get(reverse("audits:release-detail", args=[release.pk])).content.decode()
    assert "Upload a third-party bundle" in page and "Expected signer of this release" not in page


def test_every_change_of_the_expected_signer_is_kept_with_who_when_and_the_signer_before(release, client,
                                                                                         portal_admin):
    client.force_login(portal_admin)
    for identity in ("first@example.org", "second@example.org"):
        client.post(reverse("signing:signing-policy", args=[release.pk]),
                    {"identity": identity, "issuer": "https://issuer.example.org"})
    changes = [(c.changed_by_username, c.old_identity, c.new_identity) for c in SigningPolicyChange.objects.all()]
    assert changes == [("ada", "first@example.org", "second@example.org"), ("ada", "", "first@example.org")]


def test_the_release_page_shows_every_change_of_the_expected_signer(release, client, portal_admin, auditor):
    client.force_login(portal_admin)
    client.post(reverse("signing:signing-policy", args=[release.pk]),
                {"identity": "ci@example.org", "issuer": "https://issuer.example.org"})
    SbomDocument.objects.create(release=release, format="cyclonedx-json", spec_version="1.6", serial_number="urn:x",
                                generator_version="t", content=b"{}", size=2, sha256="ab" * 32, sha512="cd" * 64,
                                generated_at=release.commit.committed_at, generation_seconds=0)
    client.force_login(auditor)
    page = client.get(reverse("audits:release-detail", args=[release.pk])).content.decode()
    assert "set for this release by ada on" in page and 'id="signing-policy-history"' in page
    assert "<td>the portal's default</td>" in page and "<td><code>ci@example.org</code> via" in page


def test_saving_the_same_expected_signer_again_records_no_change(release, client, portal_admin):
    client.force_login(portal_admin)
    for _ in range(2):
        client.post(reverse("signing:signing-policy", args=[release.pk]),
                    {"identity": "ci@example.org", "issuer": "https://issuer.example.org"})
    assert SigningPolicyChange.objects.count() == 1
    assert AccessLog.objects.filter(action="change-policy").count() == 1


def test_a_recorded_change_of_the_expected_signer_cannot_be_rewritten_or_deleted(release, portal_admin):
    change = SigningPolicyChange.objects.create(release=release, changed_by=portal_admin, changed_by_username="ada",
                                                new_identity="ci@example.org", new_issuer="https://issuer.example.org")
    change.new_identity = "someone-else@example.org"
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()
    assert SigningPolicyChange.objects.get().new_identity == "ci@example.org"


@pytest.mark.corpus
def test_the_public_good_command_verifies_a_real_production_bundle_offline(tmp_path):
    cases = vectors_dir() / "conformance-assets" / "bundle-verify"
    (tmp_path / "a.txt").write_bytes((cases / "a.txt").read_bytes())
    (tmp_path / "a.txt.sigstore.json").write_bytes((cases / "happy-path-v0.3" / "bundle.sigstore.json").read_bytes())
    command = stock_cli_command("a.txt", "a.txt.sigstore.json", identity=CONFORMANCE_IDENTITY,
                                issuer=CONFORMANCE_ISSUER, custom_root=False)
    result = _run_cli(command, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_rejected_bundle_shows_its_reason_on_the_release_page(signed, auditor_client):
    bundle = SignatureBundle.objects.get(release=signed, sbom_document__format="cyclonedx-xml")
    type(bundle.sbom_document).objects.filter(pk=bundle.sbom_document_id).update(content=b"<bom/>")
    run_job_in_process(JobKind.VERIFY, {"release_id": signed.pk}, release=signed)
    page = auditor_client.get(reverse("audits:release-detail", args=[signed.pk])).content.decode()
    assert page.count(">Rejected</strong>: Bundle message digest mismatch") == 1
    assert page.count(">Verified</strong>") == 2
