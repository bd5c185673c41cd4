"""Demo data for the embedded default and for trying the portal out; safe to run again."""

from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
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
        parser.add_argument("--password", help="Password for the demo accounts.")

    def handle(self, *args, password=None, **options):
        if password is None:
            if not settings.DEBUG:
                raise CommandError("Outside the embedded default, pass --password explicitly.")
            password = DEMO_PASSWORD
        report = import_municipalities(
            municipalities=DATA / "municipalities.csv", amter=DATA / "amter.csv"
        )
        self.stdout.write(
            f"Municipalities: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
        with transaction.atomic():
            for email, first, last, groups, superuser in DEMO_USERS:
                self._user(email, first, last, groups, superuser, password)
        self.stdout.write(f"Demo accounts ready ({len(DEMO_USERS)}).")

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
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        for name in groups or []:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
