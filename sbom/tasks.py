"""Celery tasks: thin wrappers that run a job row's work through jobs.services.run_job."""

from celery import shared_task
from django.conf import settings

from jobs.choices import JobKind
from jobs.services import enqueue_follow_on, enqueue_job, run_job

from .services.generate import SbomError, generate_release_documents
from .services.signatures import sign_release, verify_bundles
from .services.signing import SigningError
from .services.verification import TrustConfigError


@shared_task(bind=True, acks_late=True)
def generate_release_sbom_job(self, job_id: int) -> None:
    run_job(job_id, lambda context: generate_release_documents(context.release, job=context.job,
                                                               progress=context.progress),
            user_errors=(SbomError,))
    if settings.PEDIGREE_SIGN_AFTER_SBOM:
        enqueue_follow_on(job_id, JobKind.SIGN)


@shared_task(bind=True, acks_late=True)
def sign_release_job(self, job_id: int) -> None:
    run_job(job_id, lambda context: sign_release(context.release, job=context.job, progress=context.progress),
            user_errors=(SbomError, SigningError))


@shared_task(bind=True, acks_late=True)
def verify_signatures_job(self, job_id: int) -> None:
    """Verify the bundles of `release_id`, or of every release when the job names none (the schedule)."""
    run_job(job_id, lambda context: verify_bundles(context.release, job=context.job, progress=context.progress),
            user_errors=(SbomError, TrustConfigError))


@shared_task
def schedule_reverification() -> int:
    """Celery beat: queue one verification job over every stored bundle."""
    return enqueue_job(JobKind.VERIFY, {}).pk
