"""Jobs run by a real Celery worker over the configured broker (Redis in CI)."""

import pytest

from audits.models import Release
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import enqueue_job
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo
from tests.support.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_queued_ingest_job_is_run_by_a_worker(tmp_path):
    repo = tmp_path / "repo"
    init_repo(repo, sample_repo.files())
    log = tmp_path / "worker.log"
    with celery_worker(log, PEDIGREE_ALLOW_LOCAL_SOURCES="true"):
        job = enqueue_job(JobKind.INGEST, {"source": str(repo), "ref": "main"})
        finished = wait_for(
            lambda: Job.objects.filter(pk=job.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first(),
            timeout=120, what="the ingest job to finish", log_path=log,
        )
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    assert finished.progress_total == 4 and finished.progress_done == 4
    assert finished.release == Release.objects.get()
    assert finished.started_at <= finished.finished_at


def test_a_failing_job_ends_failed_with_the_reason(tmp_path):
    log = tmp_path / "worker.log"
    with celery_worker(log, PEDIGREE_ALLOW_LOCAL_SOURCES="false"):
        job = enqueue_job(JobKind.INGEST, {"source": str(tmp_path), "ref": "main"})
        finished = wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).first(),
            timeout=120, what="the job to fail", log_path=log,
        )
    assert "PEDIGREE_ALLOW_LOCAL_SOURCES" in finished.error
    assert Release.objects.count() == 0
