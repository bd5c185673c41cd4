"""Staff create accounts in admin: e-mail plus an initial password, never a 500."""

import pytest
from django.contrib.auth.hashers import check_password

from accounts.models import User
from tests.factories import UserFactory
from tests.helpers import log_in_with_second_factor

ADD_URL = "/admin/accounts/user/add/"
PASSWORD = "Start-Passwort-fuer-Leitung-7"


@pytest.fixture
def admin_client(client, db):
    log_in_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def test_add_page_asks_for_e_mail_and_an_initial_password(admin_client):
    response = admin_client.get(ADD_URL)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields) == ["email", "password1", "password2"]


def test_staff_member_created_in_admin_can_log_in_with_the_initial_password(admin_client):
    response = admin_client.post(
        ADD_URL, {"email": "neu@kreis-rd.de", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    created = User.objects.get(email="neu@kreis-rd.de")
    assert response["Location"] == f"/admin/accounts/user/{created.pk}/change/"
    assert created.has_usable_password()
    assert check_password(PASSWORD, created.password)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "neu@kreis-rd.de", "password1": PASSWORD, "password2": ""}, "password2"),
        ({"email": "neu@kreis-rd.de", "password1": "", "password2": ""}, "password1"),
        ({"email": "neu@kreis-rd.de", "password1": PASSWORD, "password2": "anders"}, "password2"),
        ({"email": "kein-at-zeichen", "password1": PASSWORD, "password2": PASSWORD}, "email"),
    ],
)
def test_add_form_without_a_valid_password_or_address_is_shown_again(admin_client, data, field):
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not User.objects.filter(email=data["email"]).exists()


def test_address_that_differs_only_in_case_is_refused_not_a_500(admin_client):
    UserFactory(email="leitung@kreis-rd.de")
    response = admin_client.post(
        ADD_URL, {"email": "Leitung@kreis-rd.de", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="leitung@kreis-rd.de").count() == 1
