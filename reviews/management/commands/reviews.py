"""`manage.py reviews RELEASE [--json]`: the release's review totals, for scripts and release gates."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandParser

from audits.management.commands.components import find_release
from audits.models import Release
from reviews.services import review_totals

# THE PLACE TO EXTEND the command (policies, sign-off): each hook adds keys to the totals of a release.
TOTALS_HOOKS: list[Callable[[Release], dict]] = []
# Each option hook adds arguments to the parser (e.g. --require-signed-off).
OPTION_HOOKS: list[Callable[[CommandParser], None]] = []
# Each check hook gets (release, totals, options) and returns an error message to exit non-zero with, or "".
CHECK_HOOKS: list[Callable[[Release, dict, dict], str]] = []


class Command(BaseCommand):
    help = "Print the review totals of a release: divergent, pending, accepted, rejected, waived, carried forward."

    def add_arguments(self, parser):
        parser.add_argument("release", help="release id or commit id prefix")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        for hook in OPTION_HOOKS:
            hook(parser)

    def handle(self, *args, release, **options):
        found = find_release(release)
        totals = {"release_id": found.pk, "commit": found.commit.sha, **review_totals(found)}
        for hook in TOTALS_HOOKS:
            totals.update(hook(found))
        if options["json"]:
            self.stdout.write(json.dumps(totals, sort_keys=True))
        else:
            for key, value in totals.items():
                self.stdout.write(f"{key}: {value}")
        for check in CHECK_HOOKS:
            message = check(found, totals, options)
            if message:
                self.stderr.write(message)
                raise SystemExit(1)
