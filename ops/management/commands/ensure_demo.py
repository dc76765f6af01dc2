"""Migrate-time setup for `make run`: the demo survey and a demo admin, both idempotent."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_FILE = Path(settings.BASE_DIR) / "surveys" / "demo" / "ddiq-2010.yaml"


class Command(BaseCommand):
    help = "Import the demo survey and create the demo admin if they are missing."

    def handle(self, *args, **options):
        call_command("import_survey", str(DEMO_FILE), stdout=self.stdout, stderr=self.stderr)
        User = get_user_model()
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Demo admin '{username}' exists (password unchanged).")
            return
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        shown = "from DEMO_ADMIN_PASSWORD" if os.environ.get("DEMO_ADMIN_PASSWORD") else password
        # Printed once, when the account is created; it is not stored anywhere else.
        self.stdout.write(self.style.SUCCESS(f"Created demo admin '{username}' with password: {shown}"))
