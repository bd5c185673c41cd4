"""Account pages and mails speak one language each, consistently.

German is the default; English reads like the portal's own English ("Log in", "Sign up",
"Log out", "e-mail address"), not allauth's ("Sign In", "Signup", "Email"). A saved choice of
language also holds for the messages around it: the profile's confirmation, the logout notice.
"""

import datetime
import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.helpers import activate_totp, totp_code, visible_text

# Whole words (case-sensitive) that must not appear in English: allauth's wording.
ENGLISH_INCONSISTENT = [
    "Sign In", "Sign in", "sign in", "Sign-In", "sign-in", "Sign Up", "Signup", "signup",
    "Sign Out", "Sign out", "sign out", "signed in", "signed out", "Log In", "Log Out", "Login",
    "Email", "email", "E-Mail",
]  # fmt: skip
# English words that must not appear on a German page or in a German mail.
ENGLISH_IN_GERMAN = [
    "Sign", "Log in", "Log out", "Login", "Email", "email", "E-mail", "e-mail", "Mail", "Password",
    "Forgot", "Remember", "Confirm", "Activate", "Deactivate", "Recovery", "Authenticator",
    "required", "Submit", "Cancel", "Save", "Token", "Verify", "Verification", "Unverified",
]  # fmt: skip


def offending(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def _client(client, language):
    client.cookies["django_language"] = language
    return client


def _get(client, url, **kwargs):
    response = client.get(url, follow=True, **kwargs)
    assert response.status_code == 200, url
    return response


def _post(client, url, data):
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, url
    return response


def account_pages(client, language, django_capture_on_commit_callbacks):
    """Every account page a person meets (and the messages on them), as visible text."""
    pages = {}

    def keep(name, response):
        assert response.content.decode().count(f'<html lang="{language}"') == 1, name
        pages[name] = visible_text(response.content.decode())

    client = _client(client, language)
    for name in (
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
        "account_inactive",
    ):
        keep(name, _get(client, reverse(name)))
    keep("login failed", _post(client, reverse("account_login"), {"login": "x@beispiel.de"}))
    keep("sign-up errors", _post(client, reverse("account_signup"), {"email": "kein"}))
    with django_capture_on_commit_callbacks(execute=True):
        keep(
            "password reset sent",
            _post(client, reverse("account_reset_password"), {"email": "x@beispiel.de"}),
        )
    keep("confirm link invalid", _get(client, "/konto/confirm-email/abc:def/"))

    unverified = UserFactory(verified=False, language=language)
    address = EmailAddress.objects.create(user=unverified, email=unverified.email, primary=True)
    keep(
        "confirm link",
        _get(client, reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])),
    )
    with django_capture_on_commit_callbacks(execute=True):
        keep(
            "unverified login",
            _post(
                client, reverse("account_login"), {"login": unverified.email, "password": PASSWORD}
            ),
        )
    person = UserFactory(language=language)
    reset_url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    keep("set a new password", _get(client, reset_url))
    keep("reset link invalid", _get(client, "/konto/password/reset/key/1-falsch/"))

    client.cookies.clear()
    client = _client(client, language)
    keep(
        "logged in",
        _post(client, reverse("account_login"), {"login": person.email, "password": PASSWORD}),
    )
    for name in (
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "account_logout",
        "mfa_index",
        "mfa_activate_totp",
    ):
        keep(name, _get(client, reverse(name)))
    keep("logged out", _post(client, reverse("account_logout"), {}))

    staff = StaffFactory(language=language)
    secret = activate_totp(staff)
    RecoveryCodes.activate(staff)
    client = _client(client, language)
    keep(
        "mfa_authenticate",
        _post(client, reverse("account_login"), {"login": staff.email, "password": PASSWORD}),
    )
    keep(
        "logged in with code",
        _post(client, reverse("mfa_authenticate"), {"code": totp_code(secret)}),
    )
    for name in (
        "mfa_index",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
    ):
        keep(f"{name} (with TOTP)", _get(client, reverse(name)))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"), [("en", ENGLISH_INCONSISTENT), ("de", ENGLISH_IN_GERMAN)]
)
def test_every_account_page_uses_one_consistent_language(
    client, language, words, django_capture_on_commit_callbacks
):
    pages = account_pages(client, language, django_capture_on_commit_callbacks)
    assert len(pages) >= 29
    problems = {name: offending(text, words) for name, text in pages.items()}
    assert {name: found for name, found in problems.items() if found} == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"), [("en", ENGLISH_INCONSISTENT), ("de", ENGLISH_IN_GERMAN)]
)
def test_every_account_mail_uses_one_consistent_language(
    client, mailoutbox, language, words, django_capture_on_commit_callbacks
):
    client = _client(client, language)
    taken = UserFactory(language=language)
    signup = {
        "first_name": "Nina",
        "last_name": "Neu",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "privacy_consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {**signup, "email": "neu@beispiel.de"})
        client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        client.post(reverse("account_signup"), {**signup, "email": taken.email})
        client.post(reverse("account_reset_password"), {"email": taken.email})
        client.post(reverse("account_reset_password"), {"email": "niemand@beispiel.de"})
    assert len(mailoutbox) == 4  # confirmation, "already exists", reset link, "unknown account"
    problems = {  # the words, not the portal's own addresses (/konto/signup/)
        message.subject: offending(
            re.sub(r"https?://\S+", "", f"{message.subject}\n{message.body}"), words
        )
        for message in mailoutbox
    }
    assert {subject: found for subject, found in problems.items() if found} == {}


def test_the_check_finds_allauths_wording():
    """Negative control: the word lists catch what allauth says on its own."""
    assert offending("Sign In | Email | Remember Me", ENGLISH_INCONSISTENT) == ["Sign In", "Email"]
    assert offending("an e-mail address | E-mail address | Log in", ENGLISH_INCONSISTENT) == []
    assert offending("Wir senden Ihnen eine Mail", ENGLISH_IN_GERMAN) == ["Mail"]
    assert offending("Bestätigungs-E-Mail erneut senden", ENGLISH_IN_GERMAN) == []


@pytest.mark.django_db
def test_without_the_english_overrides_allauths_words_come_back(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Negative control: the overrides in locale_overrides/en are what makes English consistent."""
    from django.utils.translation import trans_real

    settings.LOCALE_PATHS = [settings.BASE_DIR / "locale", tmp_path]
    trans_real._translations.clear()
    try:
        page = visible_text(_get(_client(client, "en"), reverse("account_login")).content.decode())
    finally:
        trans_real._translations.clear()
    assert "Sign In" in offending(page, ENGLISH_INCONSISTENT)


# --- the language of messages ---------------------------------------------------------


def _html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_saving_english_in_the_profile_confirms_in_english_on_an_english_page(client, user):
    client.force_login(user)  # a German person, no language cookie yet
    response = client.post(
        reverse("account_profile"),
        {"first_name": "Fiete", "last_name": "Föhr", "phone": "", "language": "en"},
        follow=True,
    )
    assert _html_lang(response) == "en"
    page = response.content.decode()
    assert "Your details have been saved." in page
    assert "Ihre Angaben wurden gespeichert." not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "notice", "other"),
    [("en", "You have logged out.", "Sie haben sich abgemeldet."),
     ("de", "Sie haben sich abgemeldet.", "You have logged out.")],
)  # fmt: skip
def test_the_logout_notice_and_the_page_after_it_speak_the_profiles_language(
    client, language, notice, other
):
    person = UserFactory(language=language)
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("account_logout"), follow=True)
    assert "_auth_user_id" not in client.session
    assert _html_lang(response) == language
    page = response.content.decode()
    assert notice in page
    assert other not in page


# --- dates ------------------------------------------------------------------------------


def _render(template: str, **context) -> str:
    return Template(template).render(Context(context))


def test_english_dates_are_day_month_year():
    day = datetime.date(2026, 11, 26)
    moment = datetime.datetime(2026, 11, 26, 14, 30)  # noqa: DTZ001 - a wall-clock time
    with translation.override("en"):
        assert _render("{{ d|date }}", d=day) == "26 November 2026"
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=day) == "26/11/2026"
        assert _render("{{ m|date:'DATETIME_FORMAT' }}", m=moment) == "26 November 2026, 14:30"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
        assert formats.number_format(1234.5, decimal_pos=1, force_grouping=True) == "1,234.5"
    with translation.override("de"):
        assert _render("{{ d|date }}", d=day) == "26. November 2026"
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=day) == "26.11.2026"


def test_english_date_fields_read_day_first():
    from django import forms

    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("03/04/2026") == datetime.date(2026, 4, 3)
        assert field.clean("2026-04-03") == datetime.date(2026, 4, 3)


@pytest.mark.django_db
def test_an_english_person_logging_in_on_a_german_page_is_greeted_in_english(client):
    person = UserFactory(language="en")
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": PASSWORD}, follow=True
    )
    assert _html_lang(response) == "en"
    page = response.content.decode()
    assert f"You are logged in as {person.get_full_name()}." in page
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_a_language_chosen_with_the_switch_before_login_wins_over_the_profile(client):
    person = UserFactory(language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": PASSWORD}, follow=True
    )
    assert _html_lang(response) == "de"
    assert f"Erfolgreich als {person.get_full_name()} angemeldet." in response.content.decode()
