"""Demo data of Beratung: a living overview and case list after `seed_demo`, the same again
after a second run, and no mail to anyone."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from advice import slots
from advice.demo import ADVISERS, VOLUNTEER
from advice.models import (
    Absence,
    AdviceRequest,
    Advisor,
    CaseEvent,
    CaseNote,
    Slot,
    Topic,
    WeeklyAvailability,
)
from mailings.models import Email
from portal.staff_groups import BERATUNG

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", password="demo-pass-for-tests", verbosity=0)


def _snapshot() -> dict:
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row)
            for row in model.objects.values_list(
                *[f.attname for f in model._meta.concrete_fields if f.attname != "updated_at"]
            )
        )
        for model in (
            Advisor,
            WeeklyAvailability,
            Absence,
            Slot,
            AdviceRequest,
            CaseEvent,
            CaseNote,
        )
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (the municipalities' import takes a moment)."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        first = _snapshot()
        _seed()
        second = _snapshot()
        yield first, second
        transaction.set_rollback(True)


def test_a_second_seed_changes_nothing(seeded):
    first, second = seeded
    assert first == second
    assert first["AdviceRequest"]


def test_the_demo_sends_no_mail(seeded):
    assert not Email.objects.filter(template__startswith="emails/advice/").exists()


def test_the_demo_advisers_are_beratung_staff_with_a_week_in_every_format(seeded):
    advisers = Advisor.objects.select_related("user")
    assert {a.user.email for a in advisers} == {spec.email for spec in ADVISERS}
    assert "beratung@demo.kloormokers.de" in {a.user.email for a in advisers}
    for advisor in advisers:
        assert advisor.user.is_staff
        assert advisor.user.groups.filter(name=BERATUNG).exists()
        assert advisor.topics.exists()
    ranges = WeeklyAvailability.objects.all()
    assert {r.format for r in ranges} == {"on_site", "phone", "video"}
    places = {r.place or r.advisor.location for r in ranges if r.format == "on_site"}
    assert any("Rendsburg" in place for place in places)
    assert any("Eckernförde" in place for place in places)
    assert Absence.objects.count() == 1


def test_the_demo_offers_free_slots_on_every_topic_the_advisers_cover(seeded):
    for topic in Topic.objects.filter(advisors__isnull=False).distinct():
        assert slots.free_slots(topic=topic, days=28).exists(), topic


def test_the_demo_volunteer_has_an_upcoming_appointment_and_a_written_question(seeded):
    cases = AdviceRequest.objects.filter(requester__email=VOLUNTEER)
    upcoming = cases.filter(
        kind="appointment", cancelled_at__isnull=True, slot__starts_at__gt=timezone.now()
    )
    assert upcoming.count() == 1
    assert cases.filter(kind="question").count() == 1


def test_the_demo_cases_are_in_every_state_some_assigned_and_one_overdue(seeded):
    cases = AdviceRequest.objects.all()
    statuses = set(cases.values_list("status", flat=True))
    assert statuses == {"new", "in_progress", "waiting", "closed"}
    assert cases.filter(assignee__isnull=False).exists()
    assert cases.filter(assignee__isnull=True).exclude(status="closed").exists()
    overdue = cases.exclude(status="closed").filter(due_on__lt=timezone.localdate())
    assert overdue.count() == 1
    assert cases.filter(no_show=True).exists()
    assert cases.filter(cancelled_at__isnull=False).exists()
    assert cases.filter(booked_by_staff=True).exists()
    assert CaseNote.objects.exists()
    # closed cases spread over the past months, for the statistics
    months = {
        timezone.localtime(c.created_at).strftime("%Y-%m") for c in cases.filter(status="closed")
    }
    assert len(months) >= 6


def test_every_demo_case_has_its_history_and_a_consistent_state(seeded):
    for case in AdviceRequest.objects.all():
        assert case.events.filter(kind="created").count() == 1, case.number
        if case.status == "closed":
            assert case.outcome, case.number
        if case.kind == "appointment":
            assert case.slot_id, case.number
            assert case.format == case.slot.format, case.number
    active = AdviceRequest.objects.filter(slot__isnull=False, cancelled_at__isnull=True)
    assert active.values("slot").distinct().count() == active.count()  # one booking per slot


def test_demo_appointments_ahead_respect_the_advisers_absence(seeded):
    for absence in Absence.objects.all():
        booked = AdviceRequest.objects.filter(
            slot__advisor=absence.advisor,
            slot__starts_at__lt=absence.ends_at,
            slot__ends_at__gt=absence.starts_at,
            cancelled_at__isnull=True,
        )
        assert not booked.exists()
        assert absence.starts_at > timezone.now() + timedelta(days=1)


def test_once_the_upcoming_appointments_have_passed_the_next_seed_books_new_ones():
    _seed()
    ahead = AdviceRequest.objects.filter(
        kind="appointment", cancelled_at__isnull=True, slot__starts_at__gt=timezone.now()
    )
    upcoming = list(ahead.values_list("slot", flat=True))
    assert upcoming
    # Time passes: the booked appointments now lie ten weeks (and a few minutes) back.
    shift = timedelta(weeks=10, minutes=7)
    for slot in Slot.objects.filter(pk__in=upcoming):
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at - shift, ends_at=slot.ends_at - shift
        )
    cases = AdviceRequest.objects.count()
    _seed()
    assert AdviceRequest.objects.count() == cases + len(upcoming)
    mine = ahead.filter(requester__email=VOLUNTEER)
    assert mine.count() == 1
