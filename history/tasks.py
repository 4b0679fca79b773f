"""Celery tasks of the history app: thin wrappers that run a job row's work through jobs.services.run_job."""

from celery import shared_task
from django.conf import settings

from audits.gitsource import GitTransientError
from audits.services.ingest import IngestError
from audits.tasks import git_job_options
from jobs.services import run_job

from .services.ingest import HistoryError, ingest_history, summary_of
from .services.watch import poll_due


@shared_task(**git_job_options(settings.PEDIGREE_HISTORY_TIME_LIMIT))
def run_history_job(self, job_id: int) -> None:
    def work(context):
        params = context.job.params
        return summary_of(ingest_history(params["source"], params["ref"], since=params.get("since") or None,
                                         from_commit=params.get("from") or None, user=context.job.created_by,
                                         progress=context.progress))

    run_job(
        job_id,
        work,
        user_errors=(IngestError, HistoryError),
        transient_errors=(GitTransientError,),
        may_retry=self.request.retries < self.max_retries,
    )


@shared_task
def poll_watched_sources_task() -> int:
    """Scheduled by celery beat (PEDIGREE_WATCH_POLL_SECONDS): poll the watched refs that are due."""
    return poll_due()
