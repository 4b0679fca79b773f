import json

from django.core.management.base import BaseCommand, CommandError

from audits.models import Release
from jobs.choices import JobKind, JobStatus
from jobs.services import run_job_in_process


class Command(BaseCommand):
    help = (
        "Compare every component's rendered spec of a release with its Fedora dist-git spec plus the declared "
        "overlays and build options, and store a verdict per component."
    )

    def add_arguments(self, parser):
        parser.add_argument("release", type=int, help="the release id (as in /releases/<id>/)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print one JSON summary")

    def handle(self, *args, release, **options):
        found = Release.objects.filter(pk=release).first()
        if found is None:
            raise CommandError(f"release {release} does not exist")
        job = run_job_in_process(JobKind.UPSTREAM, {"release_id": found.pk}, release=found)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"upstream verification failed: {job.error}")
        if options["as_json"]:
            self.stdout.write(json.dumps(job.result, indent=2, sort_keys=True))
        else:
            r = job.result
            counts = ", ".join(f"{n} {verdict}" for verdict, n in r["by_verdict"].items()) or "nothing to verify"
            self.stdout.write(f"release {found.pk}: {r['components']} components verified: {counts}")
