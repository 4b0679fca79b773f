"""Signing and verification jobs against a local Sigstore instance, through the portal's real code path."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from evidence.models import EvidenceBundle
from feeds.models import Event, EventKind
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import run_job_in_process
from sbom.models import SbomDocument
from signing.models import SignatureBundle, SignatureVerification, SigningPolicy
from signing.tasks import (
    schedule_reverification,
    sign_release_job,
    verify_signatures_job,
)
from tests.support.sigstore_fixtures import SIGNER
from tests.support.sigstore_local import LocalSigstore

pytestmark = pytest.mark.django_db


def sign(release):
    return run_job_in_process(JobKind.SIGN, {"release_id": release.pk}, release=release)


def verify(release):
    job = run_job_in_process(JobKind.VERIFY, {"release_id": release.pk}, release=release)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def test_the_signing_job_signs_every_stored_sbom_through_the_configured_instance(
        release, generated, sigstore_settings, local_sigstore):
    before = len(local_sigstore.requests)
    job = sign(release)
    assert job.status == JobStatus.SUCCEEDED, job.error
    bundles = SignatureBundle.objects.filter(release=release)
    assert job.result["signed"] == 3 == bundles.count()
    assert {b.sbom_document.format for b in bundles} == {"cyclonedx-json", "cyclonedx-xml", "spdx-json"}
    assert all(b.artifact_sha256 == b.sbom_document.sha256 for b in bundles)
    assert all(b.file_name == b.sbom_document.file_name + ".sigstore.json" for b in bundles)
    # one certificate for the batch; a timestamp and a log entry per document
    assert local_sigstore.requests[before:] == ["POST /api/v2/signingCert -> 201"] + [
        "POST /api/v1/timestamp -> 201", "POST /api/v1/log/entries -> 201"] * 3


def test_signing_again_signs_only_documents_whose_bytes_changed(release, generated, sigstore_settings):
    sign(release)
    assert sign(release).result["signed"] == 0
    document = SbomDocument.objects.get(release=release, format="spdx-json")
    changed = b'{"changed": true}'
    SbomDocument.objects.filter(pk=document.pk).update(content=changed, sha256=hashlib.sha256(changed).hexdigest())
    job = sign(release)
    assert job.result["signed"] == 1
    assert SignatureBundle.objects.filter(sbom_document=document).count() == 1  # replaced, not added


def test_without_an_identity_the_signing_job_fails_clearly_and_signs_nothing(release, generated, sigstore_settings,
                                                                            local_sigstore):
    sigstore_settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE = ""
    before = len(local_sigstore.requests)
    job = sign(release)
    assert job.status == JobStatus.FAILED
    assert "no signing identity is configured" in job.error and "nothing was signed" in job.error
    assert not SignatureBundle.objects.exists()
    assert local_sigstore.requests[before:] == []


def test_ambient_detection_without_a_workload_credential_fails_and_signs_nothing(
        release, generated, sigstore_settings, monkeypatch):
    for name in ("GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GOOGLE_SERVICE_ACCOUNT_NAME",
                 "BUILDKITE", "GITLAB_CI", "CIRCLECI", "SIGSTORE_ID_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    sigstore_settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE = ""
    sigstore_settings.PEDIGREE_SIGSTORE_AMBIENT_CREDENTIALS = True
    job = sign(release)
    assert job.status == JobStatus.FAILED and "ambient credential detection found no OIDC credential" in job.error
    assert not SignatureBundle.objects.exists()


def test_an_identity_token_from_another_issuer_is_refused_by_fulcio_and_nothing_is_stored(
        release, generated, sigstore_settings, local_sigstore, tmp_path):
    forged = tmp_path / "forged"
    forged.write_text(LocalSigstore("elsewhere").token(SIGNER))
    sigstore_settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE = str(forged)
    job = sign(release)
    assert job.status == JobStatus.FAILED and "signing failed" in job.error
    assert not SignatureBundle.objects.exists()


def test_the_verification_job_keeps_signer_log_entry_and_time_of_each_bundle(release, generated, sigstore_settings,
                                                                           local_sigstore):
    sign(release)
    job = verify(release)
    assert job.result["verified"] == 3 and job.result["rejected"] == 0
    result = SignatureVerification.objects.select_related("bundle").first()
    assert result.verified and result.reason.startswith(f"signed by {SIGNER}")
    assert (result.signer_identity, result.signer_issuer) == (SIGNER, local_sigstore.oidc.issuer)
    assert result.log_index >= 6  # after the log's unrelated entries
    assert result.integrated_time is not None and result.verified_at >= result.integrated_time
    assert result.artifact_sha256 == result.bundle.artifact_sha256
    (tsa_time,) = result.tsa_times  # the instance's RFC 3161 timestamp, verified against its TSA chain
    assert abs((datetime.fromisoformat(tsa_time) - result.integrated_time).total_seconds()) < 60
    assert not Event.objects.filter(kind=EventKind.SIGNATURE_VERIFICATION_FAILED).exists()  # verified: no feed event


def test_a_tampered_sbom_is_rejected_with_the_reason_stored(release, generated, sigstore_settings):
    sign(release)
    document = SbomDocument.objects.get(release=release, format="cyclonedx-json")
    tampered = json.loads(bytes(document.content))
    tampered["components"] = tampered["components"][1:]
    SbomDocument.objects.filter(pk=document.pk).update(content=json.dumps(tampered).encode())
    verify(release)
    result = SignatureVerification.objects.get(bundle__sbom_document=document)
    assert not result.verified and result.reason == "Bundle message digest mismatch"
    assert Event.objects.get(kind=EventKind.SIGNATURE_VERIFICATION_FAILED).payload["verification_id"] == result.pk
    assert SignatureVerification.objects.filter(verified=True).count() == 2


def test_a_bundle_from_another_identity_is_rejected_with_the_reason_stored(release, generated, sigstore_settings):
    sign(release)
    SigningPolicy.objects.create(release=release, identity="someone-else@pedigree.test",
                                 issuer=sigstore_settings.PEDIGREE_SIGSTORE_OIDC_ISSUER)
    verify(release)
    results = SignatureVerification.objects.all()
    assert results.count() == 3 and not any(r.verified for r in results)
    assert all("SANs do not match someone-else@pedigree.test" in r.reason for r in results)
    assert {r.signer_identity for r in results} == {SIGNER}


def test_a_bundle_from_another_oidc_issuer_is_rejected_with_the_reason_stored(release, generated, sigstore_settings):
    sign(release)
    SigningPolicy.objects.create(release=release, identity=SIGNER, issuer="https://token.actions.githubusercontent.com")
    verify(release)
    result = SignatureVerification.objects.first()
    assert not result.verified and "issuer" in result.reason.lower()
    assert result.expected_issuer == "https://token.actions.githubusercontent.com"


def test_a_bundle_checked_against_another_instances_root_is_rejected_with_the_reason_stored(
        release, generated, sigstore_settings, tmp_path):
    sign(release)
    other_root = tmp_path / "other-trusted-root.json"
    other_root.write_text(json.dumps(LocalSigstore("other-instance").trusted_root()))
    sigstore_settings.PEDIGREE_SIGSTORE_TRUSTED_ROOT = str(other_root)
    verify(release)
    result = SignatureVerification.objects.first()
    assert not result.verified and "certificate chain" in result.reason
    assert len(result.trusted_root_sha256) == 64


def test_without_an_identity_policy_nothing_counts_as_verified(release, generated, sigstore_settings):
    sign(release)
    sigstore_settings.PEDIGREE_SIGSTORE_IDENTITY = ""
    verify(release)
    result = SignatureVerification.objects.first()
    assert not result.verified and result.reason.startswith("no identity policy")
    assert result.signer_identity == SIGNER  # still shown: who signed, although nobody is trusted


def test_the_sbom_job_queues_signing_when_configured(release, sigstore_settings, django_capture_on_commit_callbacks,
                                                     monkeypatch):
    sigstore_settings.PEDIGREE_SIGN_AFTER_SBOM = True
    queued = []
    monkeypatch.setattr(sign_release_job, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        run_job_in_process(JobKind.SBOM, {"release_id": release.pk}, release=release)
    sign_job = Job.objects.get(kind=JobKind.SIGN)
    assert sign_job.params == {"release_id": release.pk} and queued == [sign_job.pk]


def _evidence(release, content: bytes):
    return EvidenceBundle.objects.create(
        release=release, component_name="openssl", content=content, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), sha512=hashlib.sha512(content).hexdigest(),
        generator_version="test", requested_at=timezone.now())


def test_the_signing_job_also_signs_the_releases_evidence_bundles(release, generated, sigstore_settings):
    evidence = _evidence(release, b"PK\x03\x04 another evidence zip")
    assert sign(release).result["signed"] == 4
    assert SignatureBundle.objects.filter(evidence_bundle=evidence).exists()


def test_scheduled_reverification_verifies_the_bundles_of_every_release(release, generated, sigstore_settings,
                                                                        monkeypatch, django_capture_on_commit_callbacks):
    sign(release)
    entry = settings.CELERY_BEAT_SCHEDULE["reverify-signatures"]
    assert entry["task"] == "signing.tasks.schedule_reverification" == schedule_reverification.name
    monkeypatch.setattr(verify_signatures_job, "delay", verify_signatures_job)  # run in this process
    with django_capture_on_commit_callbacks(execute=True):
        job_id = schedule_reverification()
    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.params, job.status) == (JobKind.VERIFY, {}, JobStatus.SUCCEEDED)
    assert job.result["bundles"] == 3 and job.result["verified"] == 3
