from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Policies and sign-off"

    def ready(self) -> None:
        from audits.signals import release_written
        from reviews.freeze import register_freeze_check

        from .services.evaluation import evaluate_written_release
        from .services.signoff import frozen_reason

        # Every new release is evaluated against the policy in force (audits never imports policies),
        # and a signed-off release's reviews are frozen (reviews never imports policies).
        release_written.connect(evaluate_written_release, dispatch_uid="policies.evaluate")
        register_freeze_check(frozen_reason)
