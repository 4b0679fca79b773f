"""Cancelling a job: whoever may start a kind of job may cancel one of that kind, queued or running.

A queued job is cancelled at once (its row says so, and `claim` never starts it). A running job is
asked to stop: its row records who asked and when, and the work stops at its next progress report
(`JobContext.progress` raises `JobCancelled`), which `run_job` records as cancelled. Work between two
reports (one dist-git clone, one SBOM document, the ingest's final write) finishes first; an ingest
cancelled during its write transaction leaves nothing written.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from access.permissions import START_JOB, permissions_of

from .choices import JobStatus
from .models import Job


class JobCancelled(BaseException):
    """Raised inside a job's work when it was cancelled. A BaseException, like a time limit, so that no
    `except Exception` of the work swallows it on the way to run_job."""


class JobAlreadyFinished(Exception):
    """The job ended before it could be cancelled; the message says how."""


def permission_to_start(kind: str) -> str:
    """The permission that starting (and so cancelling) a job of `kind` needs: every kind is started
    with START_JOB (the API's create action and each app's job buttons)."""
    return START_JOB


def may_cancel(user, job: Job) -> bool:
    return permission_to_start(job.kind) in permissions_of(user)


def cancellation_note(who: str, when: dt.datetime) -> str:
    """How a cancelled job says so (its `error`): "Cancelled by <who> at <time>"."""
    return f"Cancelled by {who or 'an unknown user'} at {when.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC"


def _who(user) -> str:
    """The account's name, or the API key's (a key acts for no account)."""
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return f"API key {api_key.name}"
    return user.get_username() if user is not None and user.is_authenticated else ""


def request_cancel(job_id: int, user) -> Job:
    """Cancel a queued job now, or ask a running one to stop; the job as it is afterwards.

    Each step is one conditional UPDATE, so a worker claiming or finishing the job at the same moment
    either sees the cancellation or makes this raise JobAlreadyFinished. Asking twice is harmless.
    """
    now, who = timezone.now(), _who(user)[:200]
    for _ in range(3):  # a retried job moves from running back to queued: look again
        if Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED, finished_at=now, cancel_requested_at=now, cancelled_by=who,
            error=cancellation_note(who, now),
        ):
            return Job.objects.get(pk=job_id)
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, cancel_requested_at__isnull=True).update(
            cancel_requested_at=now, cancelled_by=who
        )
        job = Job.objects.get(pk=job_id)
        if job.finished:
            raise JobAlreadyFinished(f"job {job.pk} has already finished ({job.get_status_display().lower()})")
        if job.cancel_requested_at is not None:
            return job
    return job
