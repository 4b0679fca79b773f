import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.services import reap_stale_jobs


class Command(BaseCommand):
    help = "Fail running jobs whose worker stopped sending heartbeats, so they can be re-run."

    def add_arguments(self, parser):
        parser.add_argument("--stale-after", type=int, default=settings.PEDIGREE_JOB_STALE_SECONDS, help="seconds")

    def handle(self, *args, stale_after: int, **options):
        count = reap_stale_jobs(stale_after=dt.timedelta(seconds=stale_after))
        self.stdout.write(f"{count} stale job(s) marked failed")
