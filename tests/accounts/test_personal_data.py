import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from mailings.models import Email
from mailings.services import ERASED_ADDRESS, enqueue
from tests.queries import assert_queries_do_not_grow
from tests.rows import add_rows_of_every_kind


def _mail(to, key):
    return enqueue(to=to, template="emails/barrier_report", context={"description": "x"}, key=key)


@pytest.mark.django_db
def test_export_contains_my_data_and_nothing_of_others(client, user, other_user):
    _mail(user.email, "test:mine")
    _mail(other_user.email, "test:theirs")
    client.force_login(user)
    response = client.get(reverse("account_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["account"]["last_name"] == user.last_name
    assert [e["to"] for e in data["emails"]] == [user.email]
    raw = response.content.decode()
    assert other_user.email not in raw
    assert other_user.last_name not in raw


@pytest.mark.django_db
def test_delete_account_removes_person_and_anonymises_their_mails(
    client, user, other_user, password
):
    mine = _mail(user.email, "test:mine")
    theirs = _mail(other_user.email, "test:theirs")
    client.force_login(user)
    response = client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    mine.refresh_from_db()
    assert mine.to == ERASED_ADDRESS
    assert mine.body_text == ""
    theirs.refresh_from_db()
    assert theirs.to == other_user.email
    assert User.objects.filter(pk=other_user.pk).exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_delete_with_wrong_password_keeps_everything(client, user):
    client.force_login(user)
    response = client.post(reverse("account_delete"), {"confirm": "on", "password": "falsch"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["account_overview", "account_profile", "account_export", "account_delete"]
)
def test_account_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_profile_change_saves_and_switches_language(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account_profile"),
        {"first_name": "Fiete", "last_name": "Föhr", "phone": "04331 1234", "language": "en"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.language) == ("Fiete", "en")
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_account_overview_needs_the_same_queries_for_3_or_30_rows_of_the_person(client, user):
    client.force_login(user)
    # session, user, site configuration, "Mein Verein" (representations, open claims,
    # proposals: one query each), "Meine Beratungen", "Meine Fortbildungen" and "Meine
    # Fristen" (one each) and the newsletter (one; its segments are a second only for a
    # subscriber); counted
    # with 3 and 30 rows of every kind linked to the person (addresses, mails, sessions, …):
    # a section that costs a query per row of the person fails here
    _small, large = assert_queries_do_not_grow(
        lambda: client.get(reverse("account_overview")),
        add_rows=lambda count: add_rows_of_every_kind(count, person=user),
        queries=10,
    )
    assert user.email in large.content.decode()


@pytest.mark.django_db
def test_an_unverified_address_someone_claims_does_not_expose_or_erase_its_mails(
    client, user, other_user, password
):
    theirs = _mail(other_user.email, "test:theirs")
    EmailAddress.objects.create(user=user, email=other_user.email.upper(), verified=False)
    client.force_login(user)
    data = json.loads(client.get(reverse("account_export")).content)
    assert data["emails"] == []
    client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    theirs.refresh_from_db()
    assert theirs.to == other_user.email


@pytest.mark.django_db
def test_mail_still_queued_for_a_deleted_account_is_cancelled_not_sent(client, user, password):
    queued = _mail(user.email, "test:queued")  # no commit in this test: still queued
    client.force_login(user)
    client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    queued.refresh_from_db()
    assert (queued.status, queued.to) == (Email.Status.CANCELLED, ERASED_ADDRESS)


@pytest.mark.django_db
def test_deleting_is_rate_limited_so_a_stolen_session_cannot_guess_the_password(client, user):
    client.force_login(user)
    for _ in range(10):
        client.post(reverse("account_delete"), {"confirm": "on", "password": "falsch"})
    response = client.post(reverse("account_delete"), {"confirm": "on", "password": "falsch"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_a_barrier_report_the_person_sent_is_in_their_export_and_erased_with_them(
    client, user, password, django_capture_on_commit_callbacks
):
    client.post(
        reverse("barrier_report"),
        {"description": "Kontrast", "email": user.email, "name": user.last_name},
    )
    client.force_login(user)
    data = json.loads(client.get(reverse("account_export")).content)
    assert len(data["emails"]) == 1
    client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    report = Email.objects.get()
    assert report.headers == {}
    assert user.last_name not in report.body_text
