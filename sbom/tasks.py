"""Celery tasks: thin wrappers that run a job row's work through jobs.services.run_job."""

from celery import shared_task
from django.conf import settings

from jobs.choices import JobKind
from jobs.services import enqueue_follow_on, run_job

from .services.generate import SbomError
from .services.images import generate_documents


@shared_task(bind=True, acks_late=True)
def generate_release_sbom_job(self, job_id: int) -> None:
    run_job(job_id, lambda context: generate_documents(context.release, job=context.job, progress=context.progress),
            user_errors=(SbomError,))
    if settings.PEDIGREE_SIGN_AFTER_SBOM:
        enqueue_follow_on(job_id, JobKind.SIGN)  # through the jobs registry: the signing app's task
