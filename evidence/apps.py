from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence bundles"

    def ready(self) -> None:
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind

        from . import tasks

        register_job_kind(JobKind.EVIDENCE, tasks.run_evidence_job)
