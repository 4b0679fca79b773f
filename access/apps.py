from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access control"

    def ready(self) -> None:
        from .api import converters  # noqa: F401  (registers the "id" path converter before any URLconf loads)
