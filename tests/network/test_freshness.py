"""The freshness loop: representatives are asked once a year, the link confirms once, entries
left unconfirmed are hidden after the grace period and come back when confirmed, and the
office hears of them in one mail a day."""

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.utils import timezone

from kloormokers.celery import app as celery_app
from mailings.models import Email
from network import services, tasks
from network.models import Association
from tests.factories import UserFactory
from tests.network.factories import AssociationFactory, RepresentativeFactory

INTERVAL = timedelta(days=settings.NETWORK_CONFIRMATION_INTERVAL_DAYS)
GRACE = timedelta(days=settings.NETWORK_CONFIRMATION_GRACE_DAYS)


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _due(**values) -> Association:
    """A published entry last confirmed a year and a day ago."""
    return AssociationFactory(
        last_confirmed_at=timezone.now() - INTERVAL - timedelta(days=1), **values
    )


def _asked(entry) -> list[Email]:
    return list(Email.objects.filter(key__startswith=f"network:freshness:{entry.pk}:"))


def _token(mail: Email) -> str:
    return re.search(r"/vereine/aktuell/([^/\s]+)/", mail.body_text).group(1)


def _at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- Asking -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_twice_asks_each_representative_once():
    entry = _due()
    first, second = (
        RepresentativeFactory(association=entry),
        RepresentativeFactory(association=entry),
    )
    assert services.request_confirmations() == 1
    assert services.request_confirmations() == 0
    mails = _asked(entry)
    assert sorted(m.recipient_user_id for m in mails) == sorted([first.user_id, second.user_id])
    assert all(m.sensitive for m in mails)  # a one-click link: hidden in admin, text dropped
    entry.refresh_from_db()
    assert entry.confirmation_requested_at is not None


@pytest.mark.django_db
def test_only_published_entries_not_confirmed_for_a_year_are_asked():
    recent = AssociationFactory(last_confirmed_at=timezone.now() - INTERVAL + timedelta(days=1))
    hidden = _due(status=Association.Status.HIDDEN, hidden_reason="staff")
    proposal = _due(status=Association.Status.PROPOSED)
    new_never_confirmed = AssociationFactory(last_confirmed_at=None)
    for entry in (recent, hidden, proposal, new_never_confirmed):
        RepresentativeFactory(association=entry)
    assert services.request_confirmations() == 0
    assert not Email.objects.filter(key__startswith="network:freshness:").exists()


@pytest.mark.django_db
def test_an_entry_never_confirmed_is_asked_a_year_after_it_was_created():
    # Imported or entered by the office: without this, it would never be asked at all.
    entry = AssociationFactory(
        last_confirmed_at=None, created_at=timezone.now() - INTERVAL - timedelta(days=1)
    )
    RepresentativeFactory(association=entry)
    assert services.request_confirmations() == 1
    assert len(_asked(entry)) == 1


# --- The link ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_link_confirms_once_and_then_no_more():
    entry = _due()
    representative = RepresentativeFactory(association=entry).user
    services.request_confirmations()
    token = _token(_asked(entry)[0])
    assert services.association_for_confirmation(token) == entry
    services.confirm_current(association=entry, user=representative)
    entry.refresh_from_db()
    assert entry.confirmation_requested_at is None
    assert timezone.now() - entry.last_confirmed_at < timedelta(minutes=1)
    assert services.association_for_confirmation(token) is None  # used
    change = entry.history.get(field="confirmed")
    assert (change.changed_by, change.source) == (representative, "representative")


@pytest.mark.django_db
def test_the_link_expires(monkeypatch):
    entry = _due()
    RepresentativeFactory(association=entry)
    services.request_confirmations()
    token = _token(_asked(entry)[0])
    later = signing.time.time() + settings.NETWORK_CONFIRMATION_LINK_DAYS * 86400 + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert services.association_for_confirmation(token) is None


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "x", "a" * 500, "eyJhIjoxfQ:1:abc", "../../admin"])
def test_a_forged_or_broken_link_finds_nothing(token):
    _due()
    assert services.association_for_confirmation(token) is None


@pytest.mark.django_db
def test_a_link_for_another_purpose_does_not_confirm():
    entry = _due()
    forged = signing.dumps({"a": entry.pk, "c": ""}, salt="network.something-else", compress=True)
    assert services.association_for_confirmation(forged) is None


# --- Hiding what stays unconfirmed ------------------------------------------------------------


@pytest.mark.django_db
def test_an_entry_unconfirmed_after_the_grace_period_is_hidden_and_comes_back_when_confirmed():
    entry = _due()
    representative = RepresentativeFactory(association=entry).user
    waiting = _due()
    Association.objects.filter(pk=entry.pk).update(
        confirmation_requested_at=timezone.now() - GRACE - timedelta(hours=1)
    )
    Association.objects.filter(pk=waiting.pk).update(
        confirmation_requested_at=timezone.now() - GRACE + timedelta(hours=1)
    )
    hidden = services.hide_stale_entries()
    assert [a.pk for a in hidden] == [entry.pk]
    entry.refresh_from_db()
    assert (entry.status, entry.hidden_reason) == ("hidden", "stale")
    assert entry.history.get(field="status").source == "system"
    waiting.refresh_from_db()
    assert waiting.status == "published"

    services.confirm_current(association=entry, user=representative)
    entry.refresh_from_db()
    assert (entry.status, entry.hidden_reason) == ("published", "")
    assert services.hide_stale_entries() == []


@pytest.mark.django_db
def test_confirming_does_not_bring_back_an_entry_the_office_hid(staff):
    entry = AssociationFactory()
    services.hide(association=entry, staff=staff)
    services.confirm_current(association=entry)
    entry.refresh_from_db()
    assert (entry.status, entry.hidden_reason) == ("hidden", "staff")


@pytest.mark.django_db
def test_an_entry_nobody_represents_is_asked_silently_and_hidden_after_the_grace():
    # Nobody can answer, so after the grace period it leaves the public list and the office
    # (told in the digest) confirms it in admin or finds a representative.
    entry = _due()
    assert services.request_confirmations() == 1
    assert _asked(entry) == []
    Association.objects.filter(pk=entry.pk).update(
        confirmation_requested_at=timezone.now() - GRACE - timedelta(hours=1)
    )
    assert [a.pk for a in services.hide_stale_entries()] == [entry.pk]


# --- The office's digest ----------------------------------------------------------------------


def _digests() -> dict[str, Email]:
    return {m.key: m for m in Email.objects.filter(key__startswith="network:stale:")}


def _stale(name: str, asked_before: datetime) -> Association:
    return AssociationFactory(
        name=name,
        last_confirmed_at=asked_before - INTERVAL,
        confirmation_requested_at=asked_before - GRACE - timedelta(hours=1),
    )


@pytest.mark.django_db
def test_the_office_gets_one_digest_a_day_with_everything_hidden_that_day(monkeypatch):
    zone = timezone.get_current_timezone()
    morning = datetime(2026, 3, 10, 6, 0, tzinfo=zone)
    _stale("Schützenverein Hohn", morning)
    _at(monkeypatch, morning)
    assert len(services.hide_stale_entries()) == 1
    assert _digests() == {}  # today's digest waits for the runs still to come today

    evening = datetime(2026, 3, 10, 18, 0, tzinfo=zone)
    _stale("Landfrauen Elsdorf", evening)
    _at(monkeypatch, evening)
    assert len(services.hide_stale_entries()) == 1

    for hour in (0, 6, 12):  # the next day's runs
        _at(monkeypatch, datetime(2026, 3, 11, hour, 0, tzinfo=zone))
        services.hide_stale_entries()
    digests = _digests()
    assert list(digests) == ["network:stale:2026-03-10"]
    text = digests["network:stale:2026-03-10"].body_text
    assert "Schützenverein Hohn" in text
    assert "Landfrauen Elsdorf" in text
    assert digests["network:stale:2026-03-10"].to == services.emails.SiteConfiguration.load().email


@pytest.mark.django_db
def test_a_digest_missed_while_beat_was_down_is_sent_later(monkeypatch):
    zone = timezone.get_current_timezone()
    day = datetime(2026, 3, 10, 6, 0, tzinfo=zone)
    _stale("Chor Nortorf", day)
    _at(monkeypatch, day)
    services.hide_stale_entries()
    _at(monkeypatch, day + timedelta(days=4))
    services.hide_stale_entries()
    assert list(_digests()) == ["network:stale:2026-03-10"]


# --- Beat -------------------------------------------------------------------------------------


def test_beat_runs_both_tasks_and_they_exist():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("network.tasks.request_confirmations", "network.tasks.hide_stale_entries"):
        assert name in schedule
        assert name in celery_app.tasks


@pytest.mark.django_db
def test_the_tasks_run_the_services():
    entry = _due()
    RepresentativeFactory(association=entry, user=UserFactory())
    tasks.request_confirmations.delay()
    assert len(_asked(entry)) == 1
    Association.objects.filter(pk=entry.pk).update(
        confirmation_requested_at=timezone.now() - GRACE - timedelta(hours=1)
    )
    tasks.hide_stale_entries.delay()
    entry.refresh_from_db()
    assert entry.hidden_reason == "stale"
