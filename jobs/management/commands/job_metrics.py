import json

from django.core.management.base import BaseCommand

from jobs.monitoring import job_metrics


class Command(BaseCommand):
    help = "Print broker queue depths and the age of the oldest queued and running jobs (for monitoring)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object, for scripts")

    def handle(self, *args, as_json: bool = False, **options):
        metrics = job_metrics()
        if as_json:
            self.stdout.write(json.dumps(metrics.as_dict()))
            return
        for depth in metrics.queues:
            shown = depth.messages if depth.messages is not None else f"unknown ({depth.error})"
            self.stdout.write(f"queue {depth.queue}: {shown} message(s) waiting")
        self.stdout.write("jobs: " + ", ".join(f"{n} {status}" for status, n in metrics.jobs_by_status.items()))
        for label, value in (("oldest queued job", metrics.oldest_queued_seconds),
                             ("oldest running job", metrics.oldest_running_seconds),
                             ("stalest heartbeat", metrics.stalest_heartbeat_seconds)):
            self.stdout.write(f"{label}: {'none' if value is None else f'{value:.0f} s'}")

