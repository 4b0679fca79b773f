"""Signing after SBOM generation and verification, run by a real Celery worker against the local Sigstore."""

from __future__ import annotations

import json

import pytest

from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import enqueue_job
from signing.models import SignatureBundle, SignatureVerification
from tests.support.sigstore_fixtures import SIGNER
from tests.support.sigstore_local import EGRESS_ALLOW
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _finished(kind: str):
    return Job.objects.filter(kind=kind, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first()


def test_a_worker_generates_signs_and_verifies_a_release(release, local_sigstore, tmp_path):
    config = tmp_path / "trust-config.json"
    config.write_text(json.dumps(local_sigstore.client_trust_config()))
    token = tmp_path / "oidc-token"
    token.write_text(local_sigstore.token(SIGNER))
    log = tmp_path / "worker.log"
    env = dict(PEDIGREE_SIGSTORE_TRUST_CONFIG=str(config), PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE=str(token),
               PEDIGREE_SIGSTORE_IDENTITY=SIGNER, PEDIGREE_SIGSTORE_OIDC_ISSUER=local_sigstore.oidc.issuer,
               PEDIGREE_SIGN_AFTER_SBOM="true", PEDIGREE_EGRESS_ALLOW=EGRESS_ALLOW)
    with celery_worker(log, **env):
        enqueue_job(JobKind.SBOM, {"release_id": release.pk}, release=release)
        signing = wait_for(lambda: _finished(JobKind.SIGN), timeout=180, what="the signing job", log_path=log)
        assert signing.status == JobStatus.SUCCEEDED, signing.error
        enqueue_job(JobKind.VERIFY, {"release_id": release.pk}, release=release)
        verification = wait_for(lambda: _finished(JobKind.VERIFY), timeout=120, what="the verification job",
                                log_path=log)
    assert verification.status == JobStatus.SUCCEEDED, verification.error
    assert signing.result["signed"] == 3 == SignatureBundle.objects.filter(release=release).count()
    assert verification.result == {"bundles": 3, "verified": 3, "rejected": 0, "release_id": release.pk,
                                   "trusted_root_sha256": verification.result["trusted_root_sha256"]}
    assert SignatureVerification.objects.filter(verified=True, signer_identity=SIGNER, job=verification).count() == 3
