from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Release audits"

    def ready(self) -> None:
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind

        from . import tasks
        from .services.ingest import clean_ingest_params

        register_job_kind(JobKind.INGEST, tasks.run_ingest_job, takes_release=False, param_fields=("source", "ref"),
                          clean_params=clean_ingest_params)
        register_job_kind(JobKind.UPSTREAM, tasks.run_upstream_verification_job)
