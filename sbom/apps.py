from django.apps import AppConfig


class SbomConfig(AppConfig):
    name = "sbom"
    verbose_name = "SBOMs"

    def ready(self) -> None:
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind

        from . import tasks

        register_job_kind(JobKind.SBOM, tasks.generate_release_sbom_job)
