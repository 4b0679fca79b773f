from django.apps import AppConfig


class SbomConfig(AppConfig):
    name = "sbom"
    verbose_name = "SBOMs"

    def ready(self) -> None:
        from audits.api.serializers import register_component_links
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind

        from . import tasks
        from .api import component_sbom_links

        register_job_kind(JobKind.SBOM, tasks.generate_release_sbom_job)
        register_component_links(component_sbom_links)
