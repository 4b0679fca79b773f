"""The release evidence job, run by a real Celery worker over the configured broker."""

import io

import pytest

from audits.services.ingest import ingest_release
from evidence.check import check_bundle
from evidence.models import EvidenceBundle
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import enqueue_job
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(job):
    return lambda: Job.objects.filter(pk=job.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first()


def test_a_queued_evidence_job_stores_a_checkable_release_bundle(tmp_path, settings, release_manager):
    settings.PEDIGREE_ALLOW_LOCAL_SOURCES = True
    repo = tmp_path / "repo"
    init_repo(repo, sample_repo.files())
    release = ingest_release(str(repo), "main").release
    log = tmp_path / "worker.log"
    with celery_worker(log):
        job = enqueue_job(JobKind.EVIDENCE, {"release_id": release.pk}, user=release_manager, release=release)
        done = wait_for(finished(job), timeout=120, what="the evidence job to finish", log_path=log)
    assert done.status == JobStatus.SUCCEEDED, done.error
    bundle = EvidenceBundle.objects.get(pk=done.result["bundle_id"])
    assert (bundle.release, bundle.job, bundle.requested_by) == (release, done, release_manager)
    assert bundle.requested_at == done.created_at and bundle.manifest["requested_by"] == release_manager.username
    assert check_bundle(io.BytesIO(bytes(bundle.content))).ok
    assert done.stage == "writing the ZIP" and done.progress_total == release.components.count()


def test_an_evidence_job_for_a_missing_release_fails_with_the_reason(tmp_path):
    log = tmp_path / "worker.log"
    with celery_worker(log):
        job = enqueue_job(JobKind.EVIDENCE, {"release_id": 999})
        done = wait_for(finished(job), timeout=120, what="the evidence job to fail", log_path=log)
    assert done.status == JobStatus.FAILED and "release 999 does not exist" in done.error
    assert not EvidenceBundle.objects.exists()
