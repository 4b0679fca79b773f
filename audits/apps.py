from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Release audits"

    def ready(self) -> None:
        # Pure modules that are not handed a policy (validate_source in the ingest form, the Sigstore
        # trust configuration loader) use the one the settings describe.
        from .egress import set_default_policy
        from .services.egress import current_policy

        set_default_policy(current_policy)
