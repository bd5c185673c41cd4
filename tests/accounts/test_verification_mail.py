"""The "confirm your address" page says only what is true, and can send the mail again.

allauth sends at most one verification mail per address in three minutes ("confirm_email":
"1/3m/key"); before, a second attempt within that time sent nothing yet said it had.
"""

import re
import time

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.helpers import first_link

SENT = "Wir haben Ihnen eine E-Mail mit einem Bestätigungslink geschickt."
HELD_BACK = "Wir haben Ihnen vor Kurzem eine E-Mail mit einem Bestätigungslink geschickt."
RESEND = "Bestätigungs-E-Mail erneut senden"
PAGE = reverse("account_email_verification_sent")


def _sign_up(client, email):
    data = {
        "email": email,
        "first_name": "Nina",
        "last_name": "Neu",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "privacy_consent": "on",
    }
    response = client.post(reverse("account_signup"), data, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    return response


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def _words(response) -> str:
    """The page's main text, without the address and the CSRF token (which differ)."""
    text = re.sub(r"<[^>]+>", " ", _main(response))
    return " ".join(re.sub(r"\S+@beispiel\.de", "ADDRESS", text).split())


@pytest.fixture
def three_minutes_later(monkeypatch):
    def advance():
        later = time.time() + 181
        monkeypatch.setattr(time, "time", lambda: later)

    return advance


@pytest.mark.django_db
def test_sign_up_says_the_mail_was_sent_and_offers_to_send_it_again(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = _main(_sign_up(client, "neu@beispiel.de"))
    assert len(mailoutbox) == 1
    assert SENT in page
    assert HELD_BACK not in page
    assert RESEND in page
    assert f'<form class="portal-form" method="post" action="{PAGE}"' in page


@pytest.mark.django_db
def test_logging_in_unconfirmed_right_after_sign_up_says_no_new_mail_was_sent_and_when(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "neu@beispiel.de")
        response = client.post(
            reverse("account_login"),
            {"login": "neu@beispiel.de", "password": PASSWORD},
            follow=True,
        )
    assert len(mailoutbox) == 1  # the limit held the second mail back
    page = _main(response)
    assert HELD_BACK in page
    assert "Eine neue E-Mail können Sie in 3 Minuten anfordern." in page
    assert SENT not in page
    assert "Bestätigungs-E-Mail wurde an" not in response.content.decode()  # allauth's notice
    assert RESEND in page  # where an unconfirmed person lands after login


@pytest.mark.django_db
def test_the_button_within_three_minutes_sends_nothing_and_says_when(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "neu@beispiel.de")
        response = client.post(PAGE, follow=True)
    assert len(mailoutbox) == 1
    assert "Eine neue E-Mail können Sie in 3 Minuten anfordern." in _main(response)


@pytest.mark.django_db
def test_the_button_after_three_minutes_sends_a_new_working_link(
    client, mailoutbox, django_capture_on_commit_callbacks, three_minutes_later
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "neu@beispiel.de")
        three_minutes_later()
        response = client.post(PAGE, follow=True)
    assert len(mailoutbox) == 2
    page = response.content.decode()
    assert "Wir haben Ihnen eine neue E-Mail geschickt." in page
    assert SENT in _main(response)
    link = first_link(mailoutbox[1].body)
    client.post(link)
    assert User.objects.get(email="neu@beispiel.de").emailaddress_set.get().verified


@pytest.mark.django_db
def test_an_address_that_has_an_account_gets_the_same_pages_and_as_many_mails(
    client, mailoutbox, django_capture_on_commit_callbacks, three_minutes_later
):
    """No enumeration: sign-up and the button look the same whether or not the address is
    taken (a taken one gets allauth's "account already exists" mail instead)."""
    UserFactory(email="vergeben@beispiel.de")
    pages = {}
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("vergeben@beispiel.de", "frei@beispiel.de"):
            client.cookies.clear()
            first = _words(_sign_up(client, email))
            held_back = _words(client.post(PAGE, follow=True))
            pages[email] = (first, held_back)
    assert pages["vergeben@beispiel.de"] == pages["frei@beispiel.de"]
    assert sorted(m.to[0] for m in mailoutbox) == ["frei@beispiel.de", "vergeben@beispiel.de"]
    assert "Konto existiert bereits" in next(
        m.subject for m in mailoutbox if m.to == ["vergeben@beispiel.de"]
    )


@pytest.mark.django_db
def test_the_button_without_a_sign_up_or_login_in_this_browser_asks_to_log_in(client, mailoutbox):
    response = client.post(PAGE)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert mailoutbox == []
    page = _main(client.get(PAGE))
    assert RESEND not in page
    assert SENT not in page  # it does not know, so it does not claim
    assert HELD_BACK not in page


@pytest.mark.django_db
def test_the_button_after_the_address_was_confirmed_elsewhere_asks_to_log_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(verified=False)
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.create(user=person, email=person.email, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    address.verified = True
    address.save()
    response = client.post(PAGE, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "Ihre E-Mail-Adresse ist bestätigt. Bitte melden Sie sich an." in (
        response.content.decode()
    )
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_sign_up_losing_the_race_for_an_address_is_treated_like_a_taken_address(
    client, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """The database refuses the second account (the form's check ran before the first was
    saved): the person gets the "account already exists" mail and the usual page."""
    from allauth.account.internal.flows import manage_email

    UserFactory(email="renn@beispiel.de")
    monkeypatch.setattr(manage_email, "email_already_exists", lambda email, **kw: (email, False))
    with django_capture_on_commit_callbacks(execute=True):
        page = _main(_sign_up(client, "renn@beispiel.de"))
    assert User.objects.filter(email__iexact="renn@beispiel.de").count() == 1
    assert [m.subject for m in mailoutbox] == ["Konto existiert bereits"]
    assert SENT in page
    assert RESEND in page
