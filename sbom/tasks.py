"""Celery tasks: thin wrappers that load a job row and call a service."""

from celery import shared_task
from django.conf import settings

from audits.choices import JobKind
from audits.models import Release
from audits.services.jobs import enqueue_follow_on, enqueue_job, report_progress, run_job

from .services.generate import SbomError, generate_release_documents
from .services.signatures import sign_release, verify_bundles
from .services.signing import SigningError
from .services.verification import TrustConfigError


def _release(job) -> Release:
    release = Release.objects.filter(pk=job.params.get("release_id")).select_related("commit", "distribution").first()
    if release is None:
        raise SbomError(f"release {job.params.get('release_id')!r} does not exist")
    return release


def _progress(job):
    return lambda done, total, stage: report_progress(job.pk, done, total, stage)


@shared_task(bind=True, acks_late=True)
def generate_release_sbom_job(self, job_id: int) -> None:
    run_job(job_id, lambda job: generate_release_documents(_release(job), job=job, progress=_progress(job)),
            user_errors=(SbomError,))
    if settings.PEDIGREE_SIGN_AFTER_SBOM:
        enqueue_follow_on(job_id, JobKind.SIGN)


@shared_task(bind=True, acks_late=True)
def sign_release_job(self, job_id: int) -> None:
    run_job(job_id, lambda job: sign_release(_release(job), job=job, progress=_progress(job)),
            user_errors=(SbomError, SigningError))


@shared_task(bind=True, acks_late=True)
def verify_signatures_job(self, job_id: int) -> None:
    """Verify the bundles of `release_id`, or of every release when the job names none (the schedule)."""

    def work(job):
        release = _release(job) if job.params.get("release_id") is not None else None
        return verify_bundles(release, job=job, progress=_progress(job))

    run_job(job_id, work, user_errors=(SbomError, TrustConfigError))


@shared_task
def schedule_reverification() -> int:
    """Celery beat: queue one verification job over every stored bundle."""
    return enqueue_job(JobKind.VERIFY, {}).pk
