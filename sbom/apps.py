from django.apps import AppConfig


class SbomConfig(AppConfig):
    name = "sbom"
    verbose_name = "SBOMs"

    def ready(self) -> None:
        from evidence.services.providers import register_signature_provider
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind

        from . import tasks
        from .services.signatures import evidence_signature_files

        # Evidence bundles carry the signatures of the documents they contain. The one import of the evidence
        # app from a lower layer, until signing has an app of its own above evidence.
        register_signature_provider(evidence_signature_files)
        register_job_kind(JobKind.SBOM, tasks.generate_release_sbom_job)
        register_job_kind(JobKind.SIGN, tasks.sign_release_job)
        register_job_kind(JobKind.VERIFY, tasks.verify_signatures_job)
