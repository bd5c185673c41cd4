"""Demo accounts: one per role, so every part of the portal can be tried out."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from portal.demo import DemoData, DemoOptions, register_demo_data
from portal.staff_groups import BERATUNG, QUALIFIZIERUNG, REDAKTION, VERNETZUNG

from .models import User

DEMO_USERS = [
    # email, first name, last name, staff groups (None: not staff), superuser
    ("leitung@demo.kloormokers.de", "Lena", "Leitung", [], True),
    ("beratung@demo.kloormokers.de", "Bernd", "Berater", [BERATUNG], False),
    ("qualifizierung@demo.kloormokers.de", "Quirin", "Kursmann", [QUALIFIZIERUNG], False),
    ("vernetzung@demo.kloormokers.de", "Vera", "Netz", [VERNETZUNG], False),
    ("redaktion@demo.kloormokers.de", "Rieke", "Redakteurin", [REDAKTION], False),
    ("ehrenamt@demo.kloormokers.de", "Erika", "Ehrenamt", None, False),
    ("verein@demo.kloormokers.de", "Volker", "Vorstand", None, False),
]


def load(options: DemoOptions) -> list[str]:
    created = [row[0] for row in DEMO_USERS if _user(*row, options=options)]
    lines = [f"{len(created)} demo accounts created with the given password."]
    kept = len(DEMO_USERS) - len(created)
    if kept:
        what = "got the given password" if options.reset_passwords else "kept their password"
        hint = "" if options.reset_passwords else " (use --reset-passwords to change it)"
        lines.append(f"{kept} demo accounts existed already and {what}{hint}.")
    return lines


def _user(email, first, last, groups, superuser, *, options: DemoOptions) -> bool:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "is_staff": groups is not None or superuser,
            "is_superuser": superuser,
        },
    )
    if created or options.reset_passwords:
        user.set_password(options.password)
        user.save(update_fields=["password"])
    for name in groups or []:
        user.groups.add(Group.objects.get(name=name))
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return created


register_demo_data(DemoData("Accounts", load, order=20))
