"""Deleting an account leaves nothing that names the person; audit history survives."""

import json
from datetime import timedelta
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from mailings.models import Email
from tests.factories import StaffFactory, UserFactory
from tests.helpers import log_in_with_second_factor

DELETE = {"confirm": "on"}


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _sessions_of(user) -> list[str]:
    """Keys of every stored session whose data names the person (logged in or logging in)."""
    store = _session_store()
    found = []
    for row in store.get_model_class().objects.all():
        data = store().decode(row.session_data)
        if str(user.pk) in (
            str(data.get("_auth_user_id")),
            str(data.get("account_authentication_methods_user")),
        ):
            found.append(row.session_key)
    return found


def _log_in(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302


def _log_about(user, staff, text):
    return LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=text,
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Telefon"]}}]',
    )


@pytest.mark.django_db
def test_deleting_the_account_ends_its_sessions_in_every_browser(user, password):
    phone, laptop = Client(), Client()
    _log_in(phone, user, password)
    _log_in(laptop, user, password)
    assert len(_sessions_of(user)) == 2
    laptop.post(reverse("account_delete"), {**DELETE, "password": password})
    assert _sessions_of(user) == []
    assert "_auth_user_id" not in phone.session


@pytest.mark.django_db
def test_a_half_finished_login_is_erased_with_the_person(staff, password):
    """Password entered, second factor pending: the session already names the person."""
    from tests.helpers import activate_totp

    activate_totp(staff)
    pending = Client()
    _log_in(pending, staff, password)
    assert "_auth_user_id" not in pending.session
    assert len(_sessions_of(staff)) == 1
    staff.is_staff = False  # a former staff member without admin history may be erased
    staff.save(update_fields=["is_staff"])
    services.delete_account(user=staff)
    assert _sessions_of(staff) == []


@pytest.mark.django_db
def test_admin_history_about_the_person_is_kept_but_no_longer_names_them(
    client, user, other_user, password
):
    colleague = StaffFactory()
    about_them = _log_about(user, colleague, f"{user.get_full_name()} <{user.email}>")
    about_other = _log_about(other_user, colleague, other_user.get_full_name())
    client.force_login(user)
    client.post(reverse("account_delete"), {**DELETE, "password": password})
    about_them.refresh_from_db()
    assert about_them.object_repr == "–"
    assert user.last_name not in about_them.change_message
    about_other.refresh_from_db()
    assert about_other.object_repr == other_user.get_full_name()


@pytest.mark.django_db
def test_mails_on_behalf_of_a_second_verified_address_are_exported_and_erased(
    client, user, password, django_capture_on_commit_callbacks
):
    second = "zweite-adresse@beispiel.de"
    EmailAddress.objects.create(user=user, email=second, verified=True, primary=False)
    client.post(
        reverse("barrier_report"),
        {"description": "Der Knopf ist zu klein", "email": second},
    )
    client.force_login(user)
    data = json.loads(client.get(reverse("account_export")).content)
    assert [m["reply_to"] for m in data["emails"]] == [second]
    assert "Der Knopf ist zu klein" in data["emails"][0]["text"]  # the report itself
    client.post(reverse("account_delete"), {**DELETE, "password": password})
    report = Email.objects.get()
    assert second not in json.dumps(report.headers)
    assert "Der Knopf ist zu klein" not in report.body_text


@pytest.mark.django_db
def test_export_holds_the_mails_sent_to_me_with_their_text_and_my_sessions(
    client, user, mailoutbox
):
    from tests.mailings.factories import enqueue_report

    enqueue_report("test:to-me", to=user.email, description="Ihre Anfrage ist da")
    client.force_login(user)
    data = json.loads(client.get(reverse("account_export")).content)
    assert "Ihre Anfrage ist da" in data["emails"][0]["text"]
    assert len(data["account"]["sessions"]) == 1


@pytest.mark.django_db
def test_the_periodic_job_clears_expired_sessions_and_those_of_deleted_people(user):
    store = _session_store()
    expired = store()
    expired["_auth_user_id"] = str(user.pk)
    expired.set_expiry(timezone.now() - timedelta(days=1))
    expired.create()
    live = store()
    live["_auth_user_id"] = str(user.pk)
    live.create()
    orphan = store()
    orphan["_auth_user_id"] = "999999"
    orphan.create()
    services.clear_expired_sessions()
    remaining = set(store.get_model_class().objects.values_list("session_key", flat=True))
    assert remaining == {live.session_key}
    assert "accounts.tasks.clear_expired_sessions" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


@pytest.mark.django_db
def test_staff_cannot_delete_themselves_and_their_admin_history_stays(client, password):
    staff = StaffFactory()
    entry = _log_about(UserFactory(), staff, "Eintrag")
    client.force_login(staff)
    response = client.post(reverse("account_delete"), {**DELETE, "password": password})
    assert response.status_code == 403
    assert "deaktiviert" in response.content.decode()
    assert User.objects.filter(pk=staff.pk).exists()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_former_staff_member_with_history_is_not_deleted_by_the_service(password):
    staff = StaffFactory()
    _log_about(UserFactory(), staff, "Eintrag")
    staff.is_staff = False
    staff.save(update_fields=["is_staff"])
    from accounts.exceptions import AuditedAccountError

    with pytest.raises(AuditedAccountError):
        services.delete_account(user=staff)
    assert LogEntry.objects.filter(user=staff).count() == 1


@pytest.mark.django_db
def test_admin_deactivates_staff_instead_of_deleting_them(client):
    admin_user = StaffFactory(is_superuser=True)
    log_in_with_second_factor(client, admin_user)
    leaving = StaffFactory()
    _log_about(UserFactory(), leaving, "Eintrag")
    assert client.get(f"/admin/accounts/user/{leaving.pk}/delete/").status_code == 403
    response = client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [leaving.pk]}
    )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.is_active is False
    assert LogEntry.objects.filter(user=leaving).count() == 1


@pytest.mark.django_db
def test_admin_deleting_a_volunteer_erases_their_data_like_self_deletion(client, user):
    from tests.mailings.factories import enqueue_report

    mail = enqueue_report("test:volunteer", to=user.email)
    admin_user = StaffFactory(is_superuser=True)
    log_in_with_second_factor(client, admin_user)
    response = client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    mail.refresh_from_db()
    assert mail.to != user.email
