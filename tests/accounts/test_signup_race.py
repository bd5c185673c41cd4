import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.race import run_together


def _sign_up(email):
    def post():
        return (
            Client()
            .post(
                reverse("account_signup"),
                {
                    "email": email,
                    "first_name": "Rieke",
                    "last_name": "Rennen",
                    "password1": "ein-sicheres-Passwort-42",
                    "password2": "ein-sicheres-Passwort-42",
                    "privacy_consent": "on",
                },
            )
            .status_code
        )

    return post


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_racing_sign_ups_with_one_address_make_one_account_and_no_error_page():
    statuses, errors = run_together(
        _sign_up("renn@beispiel.de"), _sign_up("RENN@beispiel.de"), _sign_up("renn@beispiel.de")
    )
    assert errors == []
    assert statuses == [302, 302, 302]
    assert User.objects.filter(email__iexact="renn@beispiel.de").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_without_the_guard_the_race_ends_in_an_error(monkeypatch):
    """Shows the test above exercises the race: a plain save lets IntegrityError escape."""
    from allauth.account.adapter import DefaultAccountAdapter

    from accounts.adapter import AccountAdapter

    monkeypatch.setattr(AccountAdapter, "save_user", DefaultAccountAdapter.save_user)
    _statuses, errors = run_together(
        _sign_up("renn@beispiel.de"), _sign_up("RENN@beispiel.de"), _sign_up("renn@beispiel.de")
    )
    assert any(type(e).__name__ == "IntegrityError" for e in errors)
    assert User.objects.filter(email__iexact="renn@beispiel.de").count() == 1
