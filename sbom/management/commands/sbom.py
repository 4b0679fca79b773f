"""`manage.py sbom RELEASE --format F [--component NAME] --output FILE`: write a stored SBOM document.

For scripts and the conformance checks: the bytes written are the stored document's (what the
download serves), generated first, synchronously with the same service the job and the downloads
use, when it is missing or was made by another Pedigree version.
"""

from django.core.management.base import BaseCommand, CommandError

from audits.management.commands.components import find_release
from audits.models import Release
from sbom import __version__
from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from sbom.services.generate import SbomError, component_document, generate_release_documents


def stored_document(release: Release, fmt: str, component: str | None) -> SbomDocument:
    """The stored document, generated first when missing or stale."""
    if component is not None:
        if not release.components.filter(name=component).exists():
            raise CommandError(f"release {release.pk} has no component {component!r}")
        return component_document(release, component, fmt)
    found = SbomDocument.objects.release_wide().filter(release=release, format=fmt).first()
    if found is None or found.generator_version != __version__:
        generate_release_documents(release)
        found = SbomDocument.objects.release_wide().get(release=release, format=fmt)
    return found


class Command(BaseCommand):
    help = "Write a release's (or one component's) stored SBOM document, generating it first if needed."

    def add_arguments(self, parser):
        parser.add_argument("release", help="release id or commit id prefix (at least 7 characters)")
        parser.add_argument("--format", required=True, dest="fmt", choices=SbomFormat.values,
                            help="document format")
        parser.add_argument("--component", help="a source package of the release (default: the whole release)")
        parser.add_argument("--output", required=True, help="file to write, or - for standard output")

    def handle(self, *args, release, fmt, component, output, **options):
        found = find_release(release)
        try:
            content = bytes(stored_document(found, fmt, component).content)
        except SbomError as exc:
            raise CommandError(f"the document cannot be generated: {exc}") from exc
        if output == "-":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            with open(output, "wb") as handle:
                handle.write(content)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
        self.stderr.write(f"wrote {len(content)} bytes ({fmt}) to {output}")
