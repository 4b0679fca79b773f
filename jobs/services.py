"""Jobs: a row first, then a task; one wrapper records start, progress, heartbeat, end and errors."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterator

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from .cancellation import JobCancelled, cancellation_note
from .choices import JobKind, JobStatus
from .models import Job
from .registry import job_type, registered_kinds
from .signals import job_failed

logger = logging.getLogger(__name__)

# A lost or refused database connection (PostgreSQL restarted, network cut): not the job's fault.
DATABASE_CONNECTION_ERRORS = (OperationalError, InterfaceError)
# Writing a job's final state is retried this many times, 1, 2, 4, 8 s apart, so that the
# row says how the job ended even across a database restart.
FINAL_WRITE_ATTEMPTS = 5


class JobNotQueued(Exception):
    """The broker could not take the job's message; its row is already failed saying why."""


# What a publish raises when the broker is down or unreachable (kombu wraps redis/amqp errors).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, OSError)


class JobInputError(Exception):
    """The job cannot run with what it was given (for example its release no longer exists)."""


def startable_kinds() -> list[str]:
    """Kinds of job enqueue_job can start (the API offers exactly these), in JobKind's order."""
    registered = set(registered_kinds())
    return [kind for kind in JobKind.values if kind in registered]


def enqueue_job(kind: str, params: dict[str, Any], *, user=None, release=None) -> Job:
    """Save the job row, then queue its task once the row is committed.

    When the broker refuses the message (after Celery's publish retries), the row is failed
    with the reason, so it never sits as "queued" forever, and JobNotQueued is raised for
    the caller to show.
    """
    task = job_type(kind).task
    job = Job.objects.create(
        kind=kind, params=params, created_by=user if user is not None and user.is_authenticated else None, release=release
    )

    def publish() -> None:
        try:
            task.delay(job.pk)
        except BROKER_ERRORS as exc:
            logger.error("job %s could not be queued: %s", job.pk, exc)
            reason = f"the job could not be queued: the message broker is unavailable ({type(exc).__name__}: {exc})"
            if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED, finished_at=timezone.now(), error=reason[:10000]
            ):
                announce_failure(job.pk, reason)
            raise JobNotQueued(
                "Jobs cannot be queued right now: the message broker is unavailable. "
                f"Job {job.pk} was recorded as failed; try again once the broker is back."
            ) from exc

    transaction.on_commit(publish)
    return job


def enqueue_follow_on(job_id: int, kind: str, *, new_release_only: bool = False) -> Job | None:
    """Queue `kind` for the release of a job that has just succeeded (an SBOM after an ingest that created
    its release, signing after an SBOM or evidence job). A broker outage is logged, not raised: the
    finished job stays as it ended, and the follow-on's row is failed saying why."""
    job = Job.objects.select_related("release", "created_by").get(pk=job_id)
    if job.status != JobStatus.SUCCEEDED or job.release is None:
        return None
    if new_release_only and not job.result.get("created"):
        return None
    try:
        return enqueue_job(kind, {"release_id": job.release_id}, user=job.created_by, release=job.release)
    except JobNotQueued:
        logger.warning("the %s job after job %s could not be queued", kind, job_id, exc_info=True)
        return None


def run_job_in_process(kind: str, params: dict[str, Any], *, release=None) -> Job:
    """Run a job's task in this process (management commands), recorded on its row like a worker's."""
    job = Job.objects.create(kind=kind, params=params, release=release)
    job_type(kind).task(job.pk)
    job.refresh_from_db()
    return job


def report_progress(job_id: int, done: int, total: int, stage: str) -> bool:
    """Write the job's progress; False, writing nothing, when the job was cancelled (or deleted)."""
    return bool(Job.objects.filter(pk=job_id, cancel_requested_at__isnull=True).update(
        progress_done=done, progress_total=total, stage=stage[:200], heartbeat_at=timezone.now()
    ))


@dataclass
class JobContext:
    """What `run_job` hands a job's work: the row, a progress reporter that writes it, and its release."""

    job: Job

    def progress(self, done: int, total: int, stage: str) -> None:
        """Report progress; raises JobCancelled when the job was cancelled, which is where the work stops."""
        if not report_progress(self.job.pk, done, total, stage):
            raise JobCancelled(f"job {self.job.pk} was cancelled")

    @cached_property
    def release(self) -> Any:
        """The release the job is about (its foreign key, else `release_id` in its parameters), with
        its commit and distribution; JobInputError when it names one that does not exist."""
        release_id = self.job.release_id or self.job.params.get("release_id")
        if release_id is None:
            return None
        release_model = Job._meta.get_field("release").related_model
        found = release_model.objects.filter(pk=release_id) if str(release_id).isdigit() else release_model.objects.none()
        release = found.select_related("commit", "distribution").first()
        if release is None:
            raise JobInputError(f"release {release_id!r} does not exist (it may have been deleted)")
        return release


@contextmanager
def heartbeat(job_id: int, interval: float) -> Iterator[None]:
    """Touch the job's heartbeat from a thread of its own while the work runs.

    The thread has its own database connection, so its updates commit even while
    the work holds a long transaction; the reaper fails jobs whose heartbeat stops.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # a missed beat is harmless; the next one retries on a new connection
                    logger.warning("heartbeat of job %s failed", job_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_job(
    job_id: int,
    work: Callable[[JobContext], dict[str, Any]],
    *,
    user_errors: tuple[type[BaseException], ...],
    transient_errors: tuple[type[BaseException], ...] = (),
    may_retry: bool = False,
) -> None:
    """Claim the job (a duplicate delivery does nothing), run `work` with its JobContext, record the outcome.

    - `user_errors` (and JobInputError) end the job as failed with their message, never retried;
    - `transient_errors` put the job back in the queue and re-raise, so that the
      task's `autoretry_for` schedules another attempt, while `may_retry`; after the
      last attempt they fail the job;
    - a soft time limit fails the job saying so;
    - a lost database connection fails the job saying so (it can be started again);
    - JobCancelled (the job was cancelled while it ran) ends it as cancelled, saying by whom and when;
    - anything else fails the job, is logged with its traceback and re-raised.
    """
    if not Job.objects.claim(job_id):
        logger.info("job %s was already claimed or cancelled; skipping this delivery", job_id)
        return
    job = Job.objects.get(pk=job_id)
    try:
        with heartbeat(job_id, settings.PEDIGREE_JOB_HEARTBEAT_SECONDS):
            result = work(JobContext(job))
    except JobCancelled:
        _finish_cancelled(job_id)
        return
    except (JobInputError, *user_errors) as exc:
        _finish(job_id, JobStatus.FAILED, error=str(exc))
        return
    except transient_errors as exc:
        if may_retry and Job.objects.filter(pk=job_id, cancel_requested_at__isnull=True).update(
            status=JobStatus.QUEUED, error=f"retrying after: {exc}"[:10000]
        ):
            raise
        if may_retry or _cancel_requested(job_id):  # cancelled while it ran: not retried
            _finish_cancelled(job_id)
            return
        _finish(job_id, JobStatus.FAILED, error=f"gave up after retries: {exc}")
        return
    except SoftTimeLimitExceeded:
        _finish(job_id, JobStatus.FAILED, error="the job ran longer than its time limit and was stopped")
        return
    except DATABASE_CONNECTION_ERRORS as exc:
        logger.warning("job %s: database error: %s", job_id, exc)
        _finish(
            job_id,
            JobStatus.FAILED,
            error=f"the database failed during the job: its connection was lost or it refused a query "
            f"({type(exc).__name__}: {exc}); it can be started again",
        )
        return
    except BaseException as exc:
        _finish(job_id, JobStatus.FAILED, error=f"internal error: {type(exc).__name__}: {exc}")
        logger.error("job %s crashed\n%s", job_id, traceback.format_exc())
        raise
    _finish(job_id, JobStatus.SUCCEEDED, result=result)


def _cancel_requested(job_id: int) -> bool:
    return Job.objects.filter(pk=job_id, cancel_requested_at__isnull=False).exists()


def _finish_cancelled(job_id: int) -> None:
    job = Job.objects.filter(pk=job_id).only("cancelled_by", "cancel_requested_at").first()
    if job is not None:  # else the row was deleted while the job ran: nothing left to record
        _finish(job_id, JobStatus.CANCELLED, error=cancellation_note(job.cancelled_by, job.cancel_requested_at or timezone.now()))


def reap_stale_jobs(*, stale_after: dt.timedelta, now: dt.datetime | None = None) -> int:
    """End running jobs whose heartbeat stopped (their worker died), so they can be re-run: failed,
    or cancelled when someone had asked them to stop."""
    now = now or timezone.now()
    stale = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - stale_after)
    cancelled = 0
    for job in stale.filter(cancel_requested_at__isnull=False).only("cancelled_by", "cancel_requested_at"):
        cancelled += stale.filter(pk=job.pk).update(status=JobStatus.CANCELLED, finished_at=now, error=(
            f"{cancellation_note(job.cancelled_by, job.cancel_requested_at or now)}; its worker stopped before it did"))
    error = (f"the worker stopped sending heartbeats for more than {int(stale_after.total_seconds())} s "
             "(it was probably killed); the job can be started again")
    failed = 0
    for job_id in stale.values_list("pk", flat=True):
        if stale.filter(pk=job_id).update(status=JobStatus.FAILED, finished_at=now, error=error):
            failed += 1
            announce_failure(job_id, error)
    return cancelled + failed


def announce_failure(job_id: int, error: str) -> None:
    """Send `jobs.signals.job_failed` for a row just marked failed; receivers' errors are logged, never raised."""
    for receiver, outcome in job_failed.send_robust(sender=Job, job_id=job_id, error=error):
        if isinstance(outcome, Exception):
            logger.error("job_failed receiver %r failed for job %s", receiver, job_id, exc_info=outcome)


def _finish(job_id: int, status: str, *, error: str = "", result: dict[str, Any] | None = None) -> None:
    updates: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error[:10000]}
    if result is not None:
        updates["result"] = result
        if result.get("release_id"):
            updates["release_id"] = result["release_id"]
    for attempt in range(FINAL_WRITE_ATTEMPTS):
        try:
            written = Job.objects.filter(pk=job_id).update(**updates)
        except DATABASE_CONNECTION_ERRORS:
            if attempt == FINAL_WRITE_ATTEMPTS - 1:
                raise  # the heartbeat has stopped: the reaper fails the row later
            logger.warning("recording the end of job %s failed; retrying on a new connection", job_id, exc_info=True)
            connection.close()
            time.sleep(2**attempt)
            continue
        if written and status == JobStatus.FAILED:
            announce_failure(job_id, updates["error"])
        return
