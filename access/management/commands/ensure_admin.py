import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the admin user if it does not exist (password from PEDIGREE_ADMIN_PASSWORD, or generated and printed)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("PEDIGREE_ADMIN_USER", "admin"))

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Admin user {username!r} already exists; its password is unchanged.")
            return
        password = os.environ.get("PEDIGREE_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if os.environ.get("PEDIGREE_ADMIN_PASSWORD"):
            self.stdout.write(f"Created admin user {username!r} with the password from PEDIGREE_ADMIN_PASSWORD.")
        else:
            self.stdout.write(f"Created admin user {username!r} with password: {password}")
