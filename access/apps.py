from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access control"

    def ready(self) -> None:
        from .api import converters  # noqa: F401  (registers the "id" path converter before any URLconf loads)
        from .egress import set_default_policy
        from .egress_settings import current_policy
        from .signin import ldap, sessions  # noqa: F401  (connect their signal receivers)

        # Pure modules that are not handed a policy (validate_source in the ingest form, the Sigstore
        # trust configuration loader, the OpenID Connect client) use the one the settings describe.
        set_default_policy(current_policy)
