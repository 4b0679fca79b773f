from django.apps import AppConfig


class SbomConfig(AppConfig):
    name = "sbom"
    verbose_name = "SBOMs"
