from django.core.management.base import BaseCommand, CommandError

from audits.exports import COMPONENT_COLUMNS, component_rows, write_csv
from audits.models import Component, Release


def find_release(identifier: str) -> Release:
    """A release by id or by (a prefix of at least 7 characters of) its commit id."""
    if identifier.isdigit():
        release = Release.objects.filter(pk=int(identifier)).first()
    elif len(identifier) >= 7:
        matches = list(Release.objects.filter(commit__sha__startswith=identifier.lower())[:2])
        if len(matches) > 1:
            raise CommandError(f"commit prefix {identifier!r} matches more than one release")
        release = matches[0] if matches else None
    else:
        release = None
    if release is None:
        raise CommandError(f"no release {identifier!r} (give a release id or at least 7 characters of its commit)")
    return release


class Command(BaseCommand):
    help = "List the components of a release (CSV for scripts and auditors)."

    def add_arguments(self, parser):
        parser.add_argument("release", help="release id or commit id prefix")
        parser.add_argument("--csv", action="store_true", help="write CSV (the only format for now)")

    def handle(self, *args, release, **options):
        found = find_release(release)
        components = (
            Component.objects.filter(release=found)
            .for_export()
            .prefetch_related("reasons")
            .order_by("name")
        )
        write_csv(self.stdout, COMPONENT_COLUMNS, component_rows(components))
