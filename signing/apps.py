from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = "Signatures"

    def ready(self) -> None:
        from evidence.services.providers import register_signature_provider
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind
        from policies.services.signers import register_attestation_signer

        from . import tasks
        from .services.attestations import sign_statement
        from .services.policy import evidence_policy_files
        from .services.signatures import evidence_signature_files

        # Evidence bundles carry the signatures of the documents they contain and whose signature counts
        # (evidence never imports signing).
        register_signature_provider(evidence_signature_files)
        register_signature_provider(evidence_policy_files)
        register_attestation_signer(sign_statement)  # release sign-offs (policies never imports signing)
        register_job_kind(JobKind.SIGN, tasks.sign_release_job)
        register_job_kind(JobKind.VERIFY, tasks.verify_signatures_job)
