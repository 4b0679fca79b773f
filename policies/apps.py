from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Policies and sign-off"

    def ready(self) -> None:
        from audits.signals import release_written
        from reviews.freeze import register_freeze_check
        from reviews.queue_filters import QueueFilter, register_queue_filter
        from reviews.management.commands import reviews as reviews_command

        from . import cli
        from .services.evaluation import evaluate_written_release, queue_rule_choices, queue_rule_components
        from .services.signoff import frozen_reason

        # Every new release is evaluated against the policy in force (audits never imports policies),
        # and a signed-off release's reviews are frozen (reviews never imports policies).
        release_written.connect(evaluate_written_release, dispatch_uid="policies.evaluate")
        register_freeze_check(frozen_reason)
        # `manage.py reviews` reports the policy violations and gates on the sign-off.
        reviews_command.TOTALS_HOOKS.append(cli.policy_totals)
        reviews_command.OPTION_HOOKS.append(cli.add_options)
        reviews_command.CHECK_HOOKS.append(cli.require_signed_off)
        # The review queue filters by policy rule: the components with a finding of that rule (waived or not).
        register_queue_filter(QueueFilter("rule", "Policy rule", queue_rule_choices, queue_rule_components))
