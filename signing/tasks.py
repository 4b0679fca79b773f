"""Celery tasks: thin wrappers that run a job row's work through jobs.services.run_job.

Queued through the jobs registry (kinds `sign` and `verify`, registered in SigningConfig.ready),
so the apps whose jobs are followed by signing (sbom, evidence) never import this module.
"""

from celery import shared_task

from jobs.choices import JobKind
from jobs.services import enqueue_job, run_job
from sbom.services.generate import SbomError

from .services.signatures import sign_release, verify_bundles
from .services.signing import SigningError
from .services.verification import TrustConfigError


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
