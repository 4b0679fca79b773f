"""Celery tasks: thin wrappers that load a job row and call a service."""

import datetime as dt

from celery import shared_task
from django.conf import settings

from .choices import JobKind
from .gitsource import GitTransientError
from .services.evidence import EvidenceError, run_release_bundle_job
from .services.ingest import IngestError, ingest_release, summary_of
from .services.jobs import (
    enqueue_follow_on, queue_scheduled_reverification, reap_stale_jobs, report_progress, run_job,
)
from .services.upstream import UpstreamError, load_release, verify_release


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(GitTransientError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=settings.PEDIGREE_INGEST_TIME_LIMIT,
    time_limit=settings.PEDIGREE_INGEST_TIME_LIMIT + 60,
)
def run_ingest_job(self, job_id: int) -> None:
    def work(job):
        outcome = ingest_release(
            job.params["source"],
            job.params["ref"],
            user=job.created_by,
            progress=lambda done, total, stage: report_progress(job.pk, done, total, stage),
        )
        return summary_of(outcome)

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
    def work(job):
        return verify_release(
            load_release(job.params.get("release_id")),
            job=job,
            progress=lambda done, total, stage: report_progress(job.pk, done, total, stage),
        )

    run_job(job_id, work, user_errors=(UpstreamError,))


@shared_task(bind=True, acks_late=True)
def run_evidence_job(self, job_id: int) -> None:
    run_job(job_id, run_release_bundle_job, user_errors=(EvidenceError,))
    if settings.PEDIGREE_SIGN_AFTER_EVIDENCE:
        enqueue_follow_on(job_id, JobKind.SIGN)


@shared_task
def reap_stale_jobs_task() -> int:
    return reap_stale_jobs(stale_after=dt.timedelta(seconds=settings.PEDIGREE_JOB_STALE_SECONDS))


@shared_task
def reverify_upstream_task() -> int:
    """Scheduled by celery beat when PEDIGREE_REVERIFY_HOURS is set."""
    return len(queue_scheduled_reverification())
