"""Cancelling jobs: a queued job never starts, a running one stops at its next progress report, a finished
one cannot be cancelled; the cancelled job says by whom and when."""

import datetime as dt

import pytest
from django.utils import timezone

from audits.gitsource import GitTransientError
from jobs.cancellation import JobAlreadyFinished, request_cancel
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import reap_stale_jobs, run_job

pytestmark = pytest.mark.django_db


def new_job(**fields):
    return Job.objects.create(kind=JobKind.SBOM, params={"release_id": 1}, **fields)


def run(job, work, **options):
    run_job(job.pk, work, user_errors=(), transient_errors=(GitTransientError,), **options)
    job.refresh_from_db()
    return job


def test_a_cancelled_queued_job_says_who_cancelled_it_and_when(release_manager):
    job = request_cancel(new_job().pk, release_manager)
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    assert job.cancelled_by == "manny"
    assert job.error.startswith("Cancelled by manny at ") and job.error.endswith(" UTC")


def test_a_cancelled_queued_job_never_starts(release_manager):
    job = new_job()
    request_cancel(job.pk, release_manager)
    ran = []
    job = run(job, lambda context: ran.append(1) or {})
    assert (ran, job.status, job.started_at) == ([], JobStatus.CANCELLED, None)


def test_a_running_job_is_asked_to_stop_and_keeps_running_until_it_does(release_manager):
    job = request_cancel(new_job(status=JobStatus.RUNNING).pk, release_manager)
    assert job.status == JobStatus.RUNNING and job.cancelling and job.cancelled_by == "manny"


def test_a_running_job_stops_at_its_next_progress_report(release_manager):
    job = new_job()
    steps = []

    def work(context):
        for step in range(5):
            if step == 2:
                request_cancel(context.job.pk, release_manager)
            context.progress(step, 5, "working")
            steps.append(step)
        return {}

    job = run(job, work)
    assert steps == [0, 1]
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    assert job.error.startswith("Cancelled by manny at ")


def test_work_that_catches_every_exception_still_stops(release_manager):
    def work(context):
        request_cancel(context.job.pk, release_manager)
        try:
            context.progress(1, 2, "working")
        except Exception:  # noqa: BLE001  (what careless work does)
            return {"swallowed": True}
        return {}

    assert run(new_job(), work).status == JobStatus.CANCELLED


def test_a_progress_report_after_the_cancel_request_is_not_written(release_manager):
    def work(context):
        context.progress(1, 10, "first")
        request_cancel(context.job.pk, release_manager)
        context.progress(9, 10, "never written")
        return {}

    job = run(new_job(), work)
    assert (job.progress_done, job.stage) == (1, "first")


def test_a_finished_job_cannot_be_cancelled(release_manager):
    job = new_job(status=JobStatus.SUCCEEDED)
    with pytest.raises(JobAlreadyFinished, match="already finished \\(succeeded\\)"):
        request_cancel(job.pk, release_manager)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.cancel_requested_at is None


def test_asking_a_running_job_twice_keeps_the_first_request(release_manager, portal_admin):
    job = new_job(status=JobStatus.RUNNING)
    first = request_cancel(job.pk, release_manager).cancel_requested_at
    again = request_cancel(job.pk, portal_admin)
    assert (again.cancel_requested_at, again.cancelled_by) == (first, "manny")


def test_a_transient_error_of_a_cancelled_job_is_not_retried(release_manager):
    def work(context):
        request_cancel(context.job.pk, release_manager)
        raise GitTransientError("connection reset")

    job = run(new_job(), work, may_retry=True)
    assert job.status == JobStatus.CANCELLED


def test_the_reaper_ends_a_dead_job_that_was_asked_to_stop_as_cancelled(release_manager):
    now = timezone.now()
    asked = new_job(status=JobStatus.RUNNING, heartbeat_at=now - dt.timedelta(minutes=10))
    request_cancel(asked.pk, release_manager)
    dead = new_job(status=JobStatus.RUNNING, heartbeat_at=now - dt.timedelta(minutes=10))
    assert reap_stale_jobs(stale_after=dt.timedelta(minutes=5), now=now) == 2
    asked.refresh_from_db()
    dead.refresh_from_db()
    assert asked.status == JobStatus.CANCELLED and asked.error.endswith("its worker stopped before it did")
    assert dead.status == JobStatus.FAILED
