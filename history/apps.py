from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = "History of a distribution"

    def ready(self) -> None:
        from jobs.choices import JobKind
        from jobs.registry import register_job_kind

        from . import tasks
        from .services.events import record_snapshot_events
        from .services.ingest import clean_history_params
        from .signals import snapshot_written

        # `manage.py ingest --history` and the job API start it through the registry (audits never imports history).
        register_job_kind(JobKind.HISTORY, tasks.run_history_job, takes_release=False, param_fields=("source", "ref"),
                          optional_fields=("since", "from"), clean_params=clean_history_params)
        # Inside each snapshot's transaction: its component events (and their webhook deliveries) are written with it.
        snapshot_written.connect(record_snapshot_events, dispatch_uid="history.snapshot_events")
