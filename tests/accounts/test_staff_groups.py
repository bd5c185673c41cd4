"""Staff groups carry the model permissions of their work, and admin honours them."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import User
from portal.staff_groups import BERATUNG, QUALIFIZIERUNG, REDAKTION, VERNETZUNG
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor


def _staff_in(group_name):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=group_name))
    return staff


@pytest.mark.django_db
def test_the_four_staff_groups_exist_with_permissions():
    groups = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert {BERATUNG, QUALIFIZIERUNG, VERNETZUNG, REDAKTION} <= set(groups)
    assert {"change_municipality", "view_amt"} <= groups[VERNETZUNG]
    assert {"change_page", "change_siteconfiguration", "change_email"} <= groups[REDAKTION]
    assert "change_page" not in groups[VERNETZUNG]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("group", "allowed", "forbidden"),
    [
        (VERNETZUNG, "/admin/network/municipality/", "/admin/portal/page/"),
        (REDAKTION, "/admin/portal/page/", "/admin/network/municipality/"),
        (REDAKTION, "/admin/mailings/email/", "/admin/accounts/user/"),
        (BERATUNG, "/admin/", "/admin/mailings/email/"),
    ],
)
def test_staff_see_only_what_their_group_allows(client, group, allowed, forbidden):
    log_in_with_second_factor(client, _staff_in(group))
    assert client.get(allowed).status_code == 200
    assert client.get(forbidden).status_code == 403


@pytest.mark.django_db
def test_admin_speaks_german(client):
    log_in_with_second_factor(client, _staff_in(REDAKTION))
    html = client.get("/admin/").content.decode()
    assert "Portaleinstellungen" in html
    assert "Seiten" in html


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_puts_staff_in_groups():
    call_command("seed_demo", password="demo-pass-for-tests", verbosity=0)
    call_command("seed_demo", password="demo-pass-for-tests", verbosity=0)
    assert (
        Group.objects.get(name=VERNETZUNG)
        .user_set.filter(email="vernetzung@demo.kloormokers.de")
        .exists()
    )


@pytest.mark.django_db
def test_seed_demo_refuses_the_public_demo_password_outside_the_embedded_default(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["1", "password", "12345678901"])
def test_seed_demo_refuses_weak_passwords(settings, weak):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="too weak"):
        call_command("seed_demo", password=weak, verbosity=0)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_rerun_says_existing_accounts_keep_their_password_unless_reset():
    from io import StringIO

    call_command("seed_demo", password="erstes-Demo-Passwort-1", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", password="zweites-Demo-Passwort-2", stdout=out)
    assert "kept their password" in out.getvalue()
    lena = User.objects.get(email="leitung@demo.kloormokers.de")
    assert lena.check_password("erstes-Demo-Passwort-1")

    out = StringIO()
    call_command("seed_demo", password="zweites-Demo-Passwort-2", reset_passwords=True, stdout=out)
    assert "got the given password" in out.getvalue()
    lena.refresh_from_db()
    assert lena.check_password("zweites-Demo-Passwort-2")
