"""The German administration: every section named once and in German, allauth's second factors
included, and a plain page after logging out."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor, visible_text


@pytest.fixture
def administrator(client):
    person = StaffFactory(is_superuser=True)
    log_in_with_second_factor(client, person)
    return person


def _sections(html: str) -> list[str]:
    return re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)


@pytest.mark.django_db
def test_every_admin_section_has_its_own_german_name(client, administrator):
    html = client.get(reverse("admin:index")).content.decode()
    sections = _sections(html)
    assert len(sections) == len(set(sections)), sections
    assert {"Benutzerkonten", "E-Mail-Adressen", "Zwei-Faktor-Authentifizierung"} <= set(sections)
    assert "Konten" not in sections
    text = visible_text(html)
    assert "Zweite Faktoren" in text
    assert not re.search(r"Authenticator|MFA|Accounts", text)


@pytest.mark.django_db
def test_the_list_of_second_factors_speaks_german(client, administrator):
    text = visible_text(client.get("/admin/mfa/authenticator/").content.decode())
    for german in (
        "Zweite Faktoren",
        "Benutzerkonto",
        "Art",
        "eingerichtet am",
        "zuletzt benutzt am",
    ):
        assert german in text, german
    assert "Authentifizierungs-App (TOTP)" in text
    assert not re.search(r"[Aa]uthenticator|Created at|Last used at|\bType\b", text)


@pytest.mark.django_db
def test_the_admin_logout_page_says_plainly_that_one_is_logged_out(client, administrator):
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sie wurden von der Verwaltung abgemeldet." in page
    assert "nette Minuten" not in page
    assert f'href="{reverse("home")}"' in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_german_names_of_allauths_model_need_no_migration():
    """The names are set at run time only; allauth's migrations stay as they are."""
    call_command("makemigrations", "mfa", "account", check=True, dry_run=True, verbosity=0)
