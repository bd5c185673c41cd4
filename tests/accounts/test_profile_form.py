"""The profile form: names stay required as at sign-up, a phone number is one you can dial."""

import pytest
from django.urls import reverse

VALID = {"first_name": "Fiete", "last_name": "Föhr", "phone": "", "language": "de"}


def _save(client, user, **changes):
    client.force_login(user)
    return client.post(reverse("account_profile"), {**VALID, **changes})


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("value", ["", "   "])
def test_a_name_cannot_be_cleared(client, user, field, value):
    before = getattr(user, field)
    response = _save(client, user, **{field: value})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    user.refresh_from_db()
    assert getattr(user, field) == before


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_300_character_name_is_a_form_error_not_a_database_error(client, user, field):
    response = _save(client, user, **{field: "x" * 300})
    assert response.status_code == 200
    assert "höchstens 150 Zeichen" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["Fiete\nBcc: x@example.org", "Fi\x0bete", "Fi\u2028ete", "Fi\x00"]
)
def test_a_name_with_line_breaks_or_control_characters_is_refused(client, user, value):
    response = _save(client, user, first_name=value)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    user.refresh_from_db()
    assert user.first_name != value


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phone", ["04331 202-0", "+49 (0)4331 / 202-0", "0171-1234567", "+494331202"]
)
def test_usual_ways_of_writing_a_phone_number_are_accepted(client, user, phone):
    response = _save(client, user, phone=phone)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == phone


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phone",
    [
        "ruf mich an",
        "0431 ext. 5",
        "1234",  # too few digits to dial
        "04331+202",  # "+" only at the start
        "<script>alert(1)</script>",
        "04331\n202",
        "０４３３１ ２０２",  # full-width digits
        "=HYPERLINK(1)",
    ],
)
def test_a_phone_number_that_cannot_be_dialled_is_refused_with_a_clear_message(client, user, phone):
    response = _save(client, user, phone=phone)
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert "Telefonnummer" in page
    user.refresh_from_db()
    assert user.phone == ""


@pytest.mark.django_db
def test_the_phone_number_stays_optional(client, user):
    assert _save(client, user, phone="").status_code == 302


@pytest.mark.django_db
def test_a_phone_number_longer_than_the_column_is_a_form_error(client, user):
    response = _save(client, user, phone="1" * 41)
    assert response.status_code == 200
    assert "höchstens 40 Zeichen" in response.content.decode()
    user.refresh_from_db()
    assert user.phone == ""
