"""A release manager who would both choose whose signature counts and upload the bundles checked
against it: the expected signer is an admin's to set, and every upload and every change of the
signer leaves a trace (access log, kept history, the release's evidence bundle)."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access.models import AccessLog
from evidence.services.bundles import create_component_bundle, create_release_bundle
from signing.models import SignatureBundle, SigningPolicy, SigningPolicyChange

pytestmark = pytest.mark.django_db

ATTACKER = {"identity": "manny@attacker.example", "issuer": "https://issuer.attacker.example"}


def policy_url(release) -> str:
    return reverse("signing:signing-policy", args=[release.pk])


def members(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist()}


def test_a_release_manager_cannot_make_their_own_identity_the_expected_signer(baseline, client, release_manager):
    client.force_login(release_manager)
    response = client.post(policy_url(baseline.release), ATTACKER)
    assert response.status_code == 403 and b"set by an admin" in response.content
    assert not SigningPolicy.objects.exists() and not SigningPolicyChange.objects.exists()
    baseline.assert_unchanged()


def test_a_release_manager_cannot_replace_the_signer_an_admin_set(baseline, client, portal_admin, release_manager):
    client.force_login(portal_admin)
    client.post(policy_url(baseline.release), {"identity": "ci@example.org", "issuer": "https://issuer.example.org"})
    client.force_login(release_manager)
    assert client.post(policy_url(baseline.release), ATTACKER).status_code == 403
    assert SigningPolicy.objects.get().identity == "ci@example.org" and SigningPolicyChange.objects.count() == 1
    baseline.assert_unchanged()


def test_a_change_of_the_expected_signer_is_in_the_access_log(baseline, client, portal_admin):
    client.force_login(portal_admin)
    client.post(policy_url(baseline.release), {"identity": "ci@example.org", "issuer": "https://issuer.example.org"})
    entry = AccessLog.objects.get(action="change-policy")
    assert (entry.username, entry.release_id) == ("ada", baseline.release.pk)
    assert entry.target == (f"expected signer of release {baseline.release.pk}: the portal's default -> "
                            "ci@example.org via https://issuer.example.org")


def test_an_uploaded_bundle_is_in_the_access_log(baseline, client, release_manager, monkeypatch):
    from signing import views

    def accept(release, **fields):
        return SignatureBundle.objects.create(release=release, origin="uploaded", artifact_name=fields["artifact_name"],
                                              artifact_sha256="ab" * 32, content=b"{}", sha256="cd" * 32,
                                              created_by=fields["user"])

    monkeypatch.setattr(views, "record_upload", accept)  # the bundle's validity is not the point here
    client.force_login(release_manager)
    response = client.post(reverse("signing:upload-bundle", args=[baseline.release.pk]), {
        "bundle": SimpleUploadedFile("x.sigstore.json", b"{}"), "sha256": "ab" * 32, "artifact_name": "image.tar"})
    assert response.status_code == 302
    entry = AccessLog.objects.get(action="upload")
    assert (entry.username, entry.release_id) == ("manny", baseline.release.pk)
    assert "image.tar" in entry.target and "ab" * 32 in entry.target


def test_the_release_evidence_bundle_carries_every_change_of_the_expected_signer(baseline, client, portal_admin):
    client.force_login(portal_admin)
    for identity in ("first@example.org", "second@example.org"):
        client.post(policy_url(baseline.release), {"identity": identity, "issuer": "https://issuer.example.org"})
    files = members(bytes(create_release_bundle(baseline.release).content))
    record = json.loads(files["signatures/signing-policy.json"])
    assert record["expected_signer"] == {"identity": "second@example.org", "issuer": "https://issuer.example.org",
                                         "source": "release policy"}
    assert [(c["changed_by"], c["old_identity"], c["new_identity"]) for c in record["changes"]] == [
        ("ada", "first@example.org", "second@example.org"), ("ada", "", "first@example.org")]
    manifest = json.loads(files["manifest.json"])
    assert "signing-policy" in {f["kind"] for f in manifest["files"]}


def test_a_component_evidence_bundle_carries_the_expected_signer_too(baseline, client, portal_admin):
    client.force_login(portal_admin)
    client.post(policy_url(baseline.release), {"identity": "ci@example.org", "issuer": "https://issuer.example.org"})
    files = members(bytes(create_component_bundle(baseline.release, "bash").content))
    assert json.loads(files["signatures/signing-policy.json"])["expected_signer"]["identity"] == "ci@example.org"
