from django.core.management.base import BaseCommand, CommandError

from audits.gitsource import GitSourceError
from history.models import WatchedSource
from history.services.watch import add_watch, poll


class Command(BaseCommand):
    help = "Watch remote refs: celery beat polls each on its interval and ingests new commits as history."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="watch a branch or tag of a repository")
        add.add_argument("source")
        add.add_argument("--ref", required=True)
        add.add_argument("--interval", type=int, default=15, help="minutes between polls (default: %(default)s)")
        actions.add_parser("list", help="the watched refs, with their last check")
        remove = actions.add_parser("remove", help="stop watching (by id)")
        remove.add_argument("id", type=int)
        check = actions.add_parser("poll", help="poll one watch now (by id), whatever its interval")
        check.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        if action == "add":
            try:
                watch = add_watch(options["source"], options["ref"], interval_minutes=options["interval"])
            except (GitSourceError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"watching {watch.source} {watch.ref} every {watch.interval_minutes} min (id {watch.pk})")
        elif action == "list":
            for w in WatchedSource.objects.all():
                checked = f"checked {w.last_checked_at:%Y-%m-%d %H:%M}" if w.last_checked_at else "never checked"
                state = "" if w.enabled else " (disabled)"
                error = f" error: {w.last_error}" if w.last_error else ""
                self.stdout.write(f"{w.pk}\t{w.source}\t{w.ref}\tevery {w.interval_minutes} min{state}\t{checked}"
                                  f"\t{w.last_sha[:12] or '-'}{error}")
        else:
            watch = WatchedSource.objects.filter(pk=options["id"]).first()
            if watch is None:
                raise CommandError(f"no watch {options['id']}")
            if action == "remove":
                watch.delete()
                self.stdout.write(f"no longer watching {watch.source} {watch.ref}")
                return
            job = poll(watch)
            watch.refresh_from_db()
            self.stdout.write(f"queued history job {job.pk}" if job else
                              f"nothing to do: {watch.last_error or 'the ref has not moved'}")
