import json

from django.core.management.base import BaseCommand, CommandError

from jobs.choices import JobKind, JobStatus
from jobs.services import run_job_in_process


class Command(BaseCommand):
    help = "Ingest an azldev repository (URL, local path or git bundle) at a ref as a release."

    def add_arguments(self, parser):
        parser.add_argument("source", help="https://, ssh:// or git@host:path URL; local paths and bundles need PEDIGREE_ALLOW_LOCAL_SOURCES=true")
        parser.add_argument("--ref", required=True, help="branch, tag or commit id")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print one JSON summary")

    def handle(self, *args, source, ref, **options):
        job = run_job_in_process(JobKind.INGEST, {"source": source, "ref": ref})
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"ingest failed: {job.error}")
        if options["as_json"]:
            self.stdout.write(json.dumps(job.result, indent=2, sort_keys=True))
        else:
            r = job.result
            verb = "ingested" if r["created"] else "already ingested"
            self.stdout.write(
                f"{verb}: release {r['release_id']} {r['distribution']} {r['version']} at {r['commit'][:12]}: "
                f"{r['components']} components {r['by_headline']}"
            )

