"""Demo data for the embedded default and for trying the portal out; safe to run again.

Each app registers what it loads (portal.demo); this command checks the password and runs them.
"""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DemoOptions, demo_data

DEMO_PASSWORD = "kloormokers-demo"  # noqa: S105 - documented demo login, embedded default only


class Command(BaseCommand):
    help = "Load demo data of every app (password kloormokers-demo in the embedded default)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for new demo accounts (required outside the embedded default; "
            "must pass the password rules).",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Also give existing demo accounts this password (a re-run keeps them otherwise).",
        )

    def handle(self, *args, password=None, reset_passwords=False, **options):
        if password is None:
            if not settings.DEBUG:
                raise CommandError("Outside the embedded default, pass --password explicitly.")
            password = DEMO_PASSWORD
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("The password is too weak: " + " ".join(exc.messages)) from exc
        demo_options = DemoOptions(password=password, reset_passwords=reset_passwords)
        for data in demo_data():
            with transaction.atomic():
                lines = data.load(demo_options)
            for line in lines:
                self.stdout.write(f"{data.name}: {line}")
