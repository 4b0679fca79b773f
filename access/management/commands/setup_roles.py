from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from access.permissions import ROLE_PERMISSIONS


class Command(BaseCommand):
    help = "Create or update the groups auditor, release-manager and admin with exactly their permissions (idempotent)."

    def handle(self, *args, **options):
        for role, names in ROLE_PERMISSIONS.items():
            permissions = []
            for name in names:
                app_label, codename = name.split(".", 1)
                found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
                if found is None:
                    raise CommandError(f"permission {name} does not exist; run migrate first")
                permissions.append(found)
            group, created = Group.objects.get_or_create(name=role)
            group.permissions.set(permissions)
            self.stdout.write(f"{'Created' if created else 'Updated'} role {role!r} with {len(permissions)} permissions.")
