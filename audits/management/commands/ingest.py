import json

from django.core.management.base import BaseCommand, CommandError

from jobs.choices import JobKind, JobStatus
from jobs.registry import JobParamsError, job_type
from jobs.services import run_job_in_process


class Command(BaseCommand):
    help = ("Ingest an azldev repository (URL, local path or git bundle) at a ref as a release; with --history, "
            "every commit of the ref's first-parent history not ingested yet, as history snapshots.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="https://, ssh:// or git@host:path URL; local paths and bundles need PEDIGREE_ALLOW_LOCAL_SOURCES=true")
        parser.add_argument("--ref", required=True, help="branch, tag or commit id")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print one JSON summary")
        parser.add_argument("--history", action="store_true",
                            help="ingest the first-parent history (a snapshot per commit) and materialise the head as a release")
        start = parser.add_mutually_exclusive_group()
        start.add_argument("--since", help="with --history, on a distribution's first run: start at the first commit on or after this date")
        start.add_argument("--from", dest="from_commit", help="with --history, on a distribution's first run: start at this commit")

    def handle(self, *args, source, ref, **options):
        if not options["history"]:
            if options["since"] or options["from_commit"]:
                raise CommandError("--since and --from need --history")
            return self._release(source, ref, options["as_json"])
        # The history app registers the `history` job kind: audits reaches it through the jobs registry only.
        params = {"source": source, "ref": ref, "since": options["since"] or "", "from": options["from_commit"] or ""}
        try:
            kind = job_type(JobKind.HISTORY)
            params = kind.clean_params(params) if kind.clean_params else params
        except LookupError:
            raise CommandError("history ingests are not available: the history app is not installed") from None
        except JobParamsError as exc:
            raise CommandError(str(exc)) from None
        job = run_job_in_process(JobKind.HISTORY, params)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"history ingest failed: {job.error}")
        r = job.result
        if options["as_json"]:
            self.stdout.write(json.dumps(r, indent=2, sort_keys=True))
            return
        release = f"; head released as release {r['release_id']}" if r.get("release_id") else ""
        self.stdout.write(
            f"history of {r['distribution']} at {r['head'][:12]}: {r['added']} commits added ({r['failed']} with errors), "
            f"{r['skipped']} already ingested, {r['snapshots']} snapshots in all{release}"
        )

    def _release(self, source, ref, as_json):
        job = run_job_in_process(JobKind.INGEST, {"source": source, "ref": ref})
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"ingest failed: {job.error}")
        if as_json:
            self.stdout.write(json.dumps(job.result, indent=2, sort_keys=True))
        else:
            r = job.result
            verb = "ingested" if r["created"] else "already ingested"
            self.stdout.write(
                f"{verb}: release {r['release_id']} {r['distribution']} {r['version']} at {r['commit'][:12]}: "
                f"{r['components']} components {r['by_headline']}"
            )
