"""job.failed: jobs.signals.job_failed, sent where a job's row is marked failed, becomes an event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from feeds.models import Event, EventKind
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import reap_stale_jobs, run_job
from jobs.signals import job_failed

pytestmark = pytest.mark.django_db


def _fail(context):
    raise ValueError("the repository could not be fetched: <no such ref>")


def test_a_failed_job_is_a_job_failed_event_linking_its_release(release):
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": release.pk}, release=release)
    run_job(job.pk, _fail, user_errors=(ValueError,))
    [event] = Event.objects.filter(kind=EventKind.JOB_FAILED)
    assert event.payload == {"job_id": job.pk, "job_kind": "sbom", "release_id": release.pk,
                             "error": "the repository could not be fetched: <no such ref>"}
    assert event.release == release and event.link == f"/releases/{release.pk}/"
    assert event.title == f"SBOM generation job {job.pk} failed for azurelinux 4.0 @ {release.commit.sha[:12]}"


def test_a_succeeded_job_is_no_event(db):
    job = Job.objects.create(kind=JobKind.INGEST, params={})
    run_job(job.pk, lambda context: {"ok": True}, user_errors=())
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED and not Event.objects.exists()


def test_a_job_whose_worker_died_is_a_job_failed_event_when_reaped(db):
    old = timezone.now() - dt.timedelta(hours=1)
    job = Job.objects.create(kind=JobKind.INGEST, params={}, status=JobStatus.RUNNING, heartbeat_at=old)
    assert reap_stale_jobs(stale_after=dt.timedelta(minutes=5)) == 1
    [event] = Event.objects.filter(kind=EventKind.JOB_FAILED)
    assert event.payload["job_id"] == job.pk and "stopped sending heartbeats" in event.summary
    assert event.release is None and event.link == "/"


def test_a_receiver_that_raises_does_not_change_how_the_job_ended(db):
    def broken(sender=None, **kwargs):
        raise RuntimeError("receiver bug")

    job_failed.connect(broken, dispatch_uid="tests.broken")
    try:
        job = Job.objects.create(kind=JobKind.INGEST, params={})
        run_job(job.pk, _fail, user_errors=(ValueError,))
    finally:
        job_failed.disconnect(dispatch_uid="tests.broken")
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert Event.objects.filter(kind=EventKind.JOB_FAILED).count() == 1


def test_a_job_the_broker_refused_is_a_job_failed_event(db, monkeypatch, django_capture_on_commit_callbacks):
    from jobs.registry import job_type
    from jobs.services import JobNotQueued, enqueue_job

    def refuse(*args):
        raise OSError("connection refused")

    monkeypatch.setattr(job_type(JobKind.INGEST).task, "delay", refuse)
    with pytest.raises(JobNotQueued), django_capture_on_commit_callbacks(execute=True):
        job = enqueue_job(JobKind.INGEST, {"source": "https://example.org/repo.git", "ref": "main"})
    [event] = Event.objects.filter(kind=EventKind.JOB_FAILED)
    assert event.payload["job_id"] == job.pk and "message broker is unavailable" in event.summary
