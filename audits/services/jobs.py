"""Jobs: a row first, then a task; one wrapper records start, progress, end and errors."""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

from django.db import transaction
from django.utils import timezone

from ..choices import JobKind, JobStatus
from ..models import Job

logger = logging.getLogger(__name__)


def enqueue_job(kind: str, params: dict[str, Any], *, user=None, release=None) -> Job:
    """Save the job row, then queue its task once the row is committed."""
    from .. import tasks  # tasks import this module

    job = Job.objects.create(
        kind=kind, params=params, created_by=user if user is not None and user.is_authenticated else None, release=release
    )
    task = {JobKind.INGEST: tasks.run_ingest_job}[kind]
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def report_progress(job_id: int, done: int, total: int, stage: str) -> None:
    Job.objects.filter(pk=job_id).update(
        progress_done=done, progress_total=total, stage=stage[:200], heartbeat_at=timezone.now()
    )


def run_job(job_id: int, work: Callable[[Job], dict[str, Any]], *, user_errors: tuple[type[BaseException], ...]) -> None:
    """Claim the job (a duplicate delivery does nothing), run `work`, record the outcome.

    `user_errors` end the job as failed with their message; anything else also
    fails the job, with the traceback logged, and is re-raised for Celery.
    """
    if not Job.objects.claim(job_id):
        logger.info("job %s was already claimed; skipping duplicate delivery", job_id)
        return
    job = Job.objects.get(pk=job_id)
    try:
        result = work(job)
    except user_errors as exc:
        _finish(job_id, JobStatus.FAILED, error=str(exc))
        return
    except BaseException as exc:
        _finish(job_id, JobStatus.FAILED, error=f"internal error: {type(exc).__name__}: {exc}")
        logger.error("job %s crashed\n%s", job_id, traceback.format_exc())
        raise
    _finish(job_id, JobStatus.SUCCEEDED, result=result)


def _finish(job_id: int, status: str, *, error: str = "", result: dict[str, Any] | None = None) -> None:
    updates: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error[:10000]}
    if result is not None:
        updates["result"] = result
        if result.get("release_id"):
            updates["release_id"] = result["release_id"]
    Job.objects.filter(pk=job_id).update(**updates)
