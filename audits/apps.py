from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Release audits"

    def ready(self) -> None:
        # Pure modules that are not handed a policy (validate_source in the ingest form, the Sigstore
        # trust configuration loader) use the one the settings describe.
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind

        from . import tasks
        from .egress import set_default_policy
        from .services.egress import current_policy
        from .services.ingest import clean_ingest_params

        set_default_policy(current_policy)

        register_job_kind(JobKind.INGEST, tasks.run_ingest_job, takes_release=False, param_fields=("source", "ref"),
                          clean_params=clean_ingest_params)
        register_job_kind(JobKind.UPSTREAM, tasks.run_upstream_verification_job)
