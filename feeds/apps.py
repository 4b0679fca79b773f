from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = "Change feeds and webhooks"

    def ready(self) -> None:
        from audits.signals import release_written
        from jobs.signals import job_failed

        from .services.jobs import record_job_failed
        from .services.releases import record_release_events

        # Inside the ingest's transaction: a release's events (and their deliveries) are written with it.
        release_written.connect(record_release_events, dispatch_uid="feeds.release_events")
        # After a job's row is marked failed (jobs never imports feeds).
        job_failed.connect(record_job_failed, dispatch_uid="feeds.job_failed")
