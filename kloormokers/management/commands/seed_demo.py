"""Demo data for the embedded default and for trying the portal out; safe to run again."""

from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.staff_groups import BERATUNG, QUALIFIZIERUNG, REDAKTION, VERNETZUNG
from network.services import import_municipalities

DEMO_PASSWORD = "kloormokers-demo"  # noqa: S105 - documented demo login, embedded default only
DATA = Path(settings.BASE_DIR) / "network" / "data"

DEMO_USERS = [
    # email, first name, last name, staff groups, superuser
    ("leitung@demo.kloormokers.de", "Lena", "Leitung", [], True),
    ("beratung@demo.kloormokers.de", "Bernd", "Berater", [BERATUNG], False),
    ("qualifizierung@demo.kloormokers.de", "Quirin", "Kursmann", [QUALIFIZIERUNG], False),
    ("vernetzung@demo.kloormokers.de", "Vera", "Netz", [VERNETZUNG], False),
    ("redaktion@demo.kloormokers.de", "Rieke", "Redakteurin", [REDAKTION], False),
    ("ehrenamt@demo.kloormokers.de", "Erika", "Ehrenamt", None, False),
    ("verein@demo.kloormokers.de", "Volker", "Vorstand", None, False),
]


class Command(BaseCommand):
    help = (
        "Load municipalities and demo accounts (password kloormokers-demo in the embedded default)."
    )

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
        self.reset_passwords = reset_passwords
        report = import_municipalities(
            municipalities=DATA / "municipalities.csv", amter=DATA / "amter.csv"
        )
        self.stdout.write(
            f"Municipalities: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
        with transaction.atomic():
            created = [
                email
                for email, first, last, groups, superuser in DEMO_USERS
                if self._user(email, first, last, groups, superuser, password)
            ]
        kept = len(DEMO_USERS) - len(created)
        self.stdout.write(f"Demo accounts: {len(created)} created with the given password.")
        if kept:
            what = "got the given password" if reset_passwords else "kept their password"
            hint = "" if reset_passwords else " (use --reset-passwords to change it)"
            self.stdout.write(f"Demo accounts: {kept} existed already and {what}{hint}.")

    def _user(self, email, first, last, groups, superuser, password):
        staff = groups is not None or superuser
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
                "is_superuser": superuser,
            },
        )
        if created or self.reset_passwords:
            user.set_password(password)
            user.save(update_fields=["password"])
        for name in groups or []:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return created
