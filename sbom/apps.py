from django.apps import AppConfig


class SbomConfig(AppConfig):
    name = "sbom"
    verbose_name = "SBOMs"

    def ready(self) -> None:
        # Evidence bundles carry the signatures of the documents they contain (audits has no sbom import).
        from audits.services.evidence import register_signature_provider

        from .services.signatures import evidence_signature_files

        register_signature_provider(evidence_signature_files)
