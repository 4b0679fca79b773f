"""`manage.py sync_reviews RELEASE`: (re)create a release's reviews, e.g. for releases ingested before the
reviews app existed; safe to repeat (reviews.services.lifecycle.sync_reviews)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from audits.management.commands.components import find_release
from reviews.services import sync_reviews


class Command(BaseCommand):
    help = "Create the missing reviews of a release and carry decisions forward by fingerprint."

    def add_arguments(self, parser):
        parser.add_argument("release", help="release id or commit id prefix")

    def handle(self, *args, release, **options):
        outcome = sync_reviews(find_release(release))
        self.stdout.write(json.dumps({"created": outcome.created, "carried": outcome.carried, "closed": outcome.closed}))
