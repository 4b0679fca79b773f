from django.core.management.base import BaseCommand, CommandError

from ...check import check_bundle, report_lines


class Command(BaseCommand):
    help = "Re-verify an evidence bundle offline: safe names, manifest shape, every file's size and hashes."
    requires_system_checks = []  # reads only the ZIP: no database is needed

    def add_arguments(self, parser):
        parser.add_argument("file", help="the evidence bundle (.zip)")

    def handle(self, *args, file, **options):
        result = check_bundle(file)
        lines = report_lines(result, file)
        if not result.ok:
            for line in lines[:-1]:
                self.stderr.write(line)
            raise CommandError(lines[-1])
        self.stdout.write(lines[0])
