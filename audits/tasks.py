"""Celery tasks: thin wrappers that run a job row's work through jobs.services.run_job."""

from celery import shared_task
from django.conf import settings

from jobs.choices import JobKind
from jobs.services import enqueue_follow_on, run_job

from .gitsource import GitTransientError
from .services.ingest import IngestError, ingest_release, summary_of
from .services.upstream import (
    UpstreamError,
    queue_scheduled_reverification,
    verify_release,
)


def git_job_options(time_limit: int) -> dict:
    """Celery options of a job that fetches from git: retried (3 times, backing off) on transient git errors,
    stopped after `time_limit` seconds (the history job uses them too)."""
    return {"bind": True, "acks_late": True, "autoretry_for": (GitTransientError,), "retry_backoff": 30,
            "max_retries": 3, "soft_time_limit": time_limit, "time_limit": time_limit + 60}


@shared_task(**git_job_options(settings.PEDIGREE_INGEST_TIME_LIMIT))
def run_ingest_job(self, job_id: int) -> None:
    def work(context):
        params = context.job.params
        return summary_of(ingest_release(params["source"], params["ref"], user=context.job.created_by,
                                         progress=context.progress))

    run_job(
        job_id,
        work,
        user_errors=(IngestError,),
        transient_errors=(GitTransientError,),
        may_retry=self.request.retries < self.max_retries,
    )
    if settings.PEDIGREE_SBOM_AFTER_INGEST:
        enqueue_follow_on(job_id, JobKind.SBOM, new_release_only=True)


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=settings.PEDIGREE_UPSTREAM_TIME_LIMIT,
    time_limit=settings.PEDIGREE_UPSTREAM_TIME_LIMIT + 60,
)
def run_upstream_verification_job(self, job_id: int) -> None:
    # Per-package network errors are stored as upstream-unavailable, so the job itself is not retried.
    run_job(job_id, lambda context: verify_release(context.release, job=context.job, progress=context.progress),
            user_errors=(UpstreamError,))


@shared_task
def reverify_upstream_task() -> int:
    """Scheduled by celery beat when PEDIGREE_REVERIFY_HOURS is set."""
    return len(queue_scheduled_reverification())
