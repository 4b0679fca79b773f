import datetime as dt
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.utils import timezone

from audits.gitsource import GitTransientError
from audits.services.ingest import IngestError
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import reap_stale_jobs, run_job


def new_job(**fields):
    return Job.objects.create(kind=JobKind.INGEST, params={"source": "s", "ref": "r"}, **fields)


def fail_with(exc):
    def work(context):
        raise exc

    return work


def run(job, work, *, may_retry=False):
    run_job(job.pk, work, user_errors=(IngestError,), transient_errors=(GitTransientError,), may_retry=may_retry)
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_a_user_error_fails_the_job_with_its_message_and_is_not_retried():
    job = run(new_job(), fail_with(IngestError("ref 'x' was not found")), may_retry=True)
    assert (job.status, job.error) == (JobStatus.FAILED, "ref 'x' was not found")


@pytest.mark.django_db
def test_a_transient_error_requeues_the_job_for_another_attempt():
    job = new_job()
    with pytest.raises(GitTransientError):
        run(job, fail_with(GitTransientError("connection reset")), may_retry=True)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.error == "retrying after: connection reset"
    assert Job.objects.claim(job.pk)  # the retried delivery can claim it again


@pytest.mark.django_db
def test_a_transient_error_on_the_last_attempt_fails_the_job():
    job = run(new_job(), fail_with(GitTransientError("connection reset")), may_retry=False)
    assert (job.status, job.error) == (JobStatus.FAILED, "gave up after retries: connection reset")


@pytest.mark.django_db
def test_a_job_over_its_time_limit_fails_saying_so():
    job = run(new_job(), fail_with(SoftTimeLimitExceeded()))
    assert job.status == JobStatus.FAILED
    assert "longer than its time limit" in job.error


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_and_reaches_celery():
    job = new_job()
    with pytest.raises(ZeroDivisionError):
        run(job, fail_with(ZeroDivisionError("boom")))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "internal error: ZeroDivisionError: boom")


@pytest.mark.django_db
def test_the_reaper_fails_running_jobs_whose_heartbeat_stopped():
    now = timezone.now()
    stale = new_job(status=JobStatus.RUNNING, heartbeat_at=now - dt.timedelta(minutes=10))
    alive = new_job(status=JobStatus.RUNNING, heartbeat_at=now - dt.timedelta(seconds=20))
    assert reap_stale_jobs(stale_after=dt.timedelta(minutes=5), now=now) == 1
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.status == JobStatus.FAILED and "stopped sending heartbeats" in stale.error
    assert alive.status == JobStatus.RUNNING


@pytest.mark.django_db
def test_reap_jobs_command_reports_how_many_it_failed():
    new_job(status=JobStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    from io import StringIO

    out = StringIO()
    call_command("reap_jobs", "--stale-after", "60", stdout=out)
    assert out.getvalue().strip() == "1 stale job(s) marked failed"


@pytest.mark.django_db(transaction=True)
def test_a_running_job_keeps_its_heartbeat_fresh(settings):
    settings.PEDIGREE_JOB_HEARTBEAT_SECONDS = 0.2
    job = new_job()
    seen = []

    def work(context):
        start = Job.objects.get(pk=context.job.pk).heartbeat_at
        time.sleep(1.0)
        seen.append(Job.objects.get(pk=context.job.pk).heartbeat_at > start)
        return {}

    run(job, work)
    assert seen == [True]
    assert job.status == JobStatus.SUCCEEDED


@pytest.mark.django_db
def test_the_work_gets_the_release_its_job_names(release):
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": release.pk})
    seen = []
    run_job(job.pk, lambda context: seen.append(context.release) or {}, user_errors=())
    assert seen == [release]


@pytest.mark.django_db
def test_a_job_whose_release_was_deleted_fails_saying_so():
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": 987654})
    job = run(job, lambda context: context.release)
    assert job.status == JobStatus.FAILED
    assert job.error == "release 987654 does not exist (it may have been deleted)"


@pytest.mark.django_db
def test_a_job_naming_no_release_gives_its_work_none():
    job = Job.objects.create(kind=JobKind.VERIFY, params={})
    seen = []
    run_job(job.pk, lambda context: seen.append(context.release) or {}, user_errors=())
    assert seen == [None]


@pytest.mark.django_db
def test_the_progress_reporter_writes_the_job_row():
    job = new_job()
    run_job(job.pk, lambda context: context.progress(3, 7, "reading") or {}, user_errors=())
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.stage) == (3, 7, "reading")
