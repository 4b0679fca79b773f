"""Celery tasks: thin wrappers that load a job row and call a service."""

from celery import shared_task

from audits.models import Release
from audits.services.jobs import report_progress, run_job

from .services.generate import SbomError, generate_release_documents


@shared_task(bind=True, acks_late=True)
def generate_release_sbom_job(self, job_id: int) -> None:
    def work(job):
        release = Release.objects.filter(pk=job.params.get("release_id")).select_related("commit", "distribution").first()
        if release is None:
            raise SbomError(f"release {job.params.get('release_id')!r} does not exist")
        return generate_release_documents(
            release, job=job, progress=lambda done, total, stage: report_progress(job.pk, done, total, stage)
        )

    run_job(job_id, work, user_errors=(SbomError,))
