"""Celery tasks: thin wrappers that load a job row and call a service."""

from celery import shared_task

from .services.ingest import IngestError, ingest_release, summary_of
from .services.jobs import report_progress, run_job


@shared_task(acks_late=True)
def run_ingest_job(job_id: int) -> None:
    def work(job):
        outcome = ingest_release(
            job.params["source"],
            job.params["ref"],
            user=job.created_by,
            progress=lambda done, total, stage: report_progress(job.pk, done, total, stage),
        )
        return summary_of(outcome)

    run_job(job_id, work, user_errors=(IngestError,))
