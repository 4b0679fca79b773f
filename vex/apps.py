from django.apps import AppConfig


class VexConfig(AppConfig):
    name = "vex"
    verbose_name = "VEX and advisories"
