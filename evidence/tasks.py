"""Celery task of the evidence job: a thin wrapper that runs the job row's work through jobs.services.run_job."""

from celery import shared_task
from django.conf import settings

from jobs.choices import JobKind
from jobs.services import enqueue_follow_on, run_job

from .services.bundles import EvidenceError, run_release_bundle_job


@shared_task(bind=True, acks_late=True)
def run_evidence_job(self, job_id: int) -> None:
    run_job(job_id, run_release_bundle_job, user_errors=(EvidenceError,))
    if settings.PEDIGREE_SIGN_AFTER_EVIDENCE:
        enqueue_follow_on(job_id, JobKind.SIGN)
