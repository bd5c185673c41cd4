"""Beratung in the export and the account deletion: the person gets their cases; deleting the
account keeps the cases for the statistics without anything that names the person, frees
their future appointments and tells the advisers."""

import json

import pytest
from django.urls import reverse

from accounts.models import User
from advice import services
from advice.models import AdviceRequest, CaseEvent, CaseNote
from mailings.models import Email
from tests.advice.factories import topic
from tests.advice.helpers import adviser, beratung_staff, book, bookable_monday, slot_at
from tests.factories import UserFactory
from tests.network.factories import AssociationFactory, MunicipalityFactory


@pytest.fixture
def bernd(db):
    return adviser(name="Bernd Berater", format="phone")


@pytest.fixture
def vera(db):
    return UserFactory(
        first_name="Vera",
        last_name="Freiwillig",
        email="vera.freiwillig@beispiel.de",
        phone="0151 2345678",
    )


def _export(client, person) -> dict:
    client.force_login(person)
    return json.loads(client.get(reverse("account_export")).content)


@pytest.mark.django_db
def test_the_export_holds_my_cases_with_their_concern_and_nothing_of_others(
    client, bernd, vera, other_user
):
    association = AssociationFactory(name="Heimatverein Westensee")
    place = MunicipalityFactory(name="Westensee")
    booking = book(
        vera,
        slot_at(bernd, bookable_monday(), 9),
        phone="0151 2345678",
        association=association,
        municipality=place,
        concern="Unsere Satzung ist von 1970.",
    )
    moved_to = slot_at(bernd, bookable_monday(), 10)
    services.reschedule_booking(booking=booking, new_slot=moved_to, actor=vera)
    services.ask_question(user=vera, topic=topic("steuern"), concern="Spendenquittung?")
    book(other_user, slot_at(bernd, bookable_monday(), 11), phone="0170 999", concern="Fremd")
    services.add_note(case=booking, staff=beratung_staff(), text="Intern: Vorstand zerstritten")
    data = _export(client, vera)["advice"]
    assert [case["kind"] for case in data] == ["appointment", "question"]
    appointment, question = data
    assert appointment["number"] == booking.number
    assert appointment["concern"] == "Unsere Satzung ist von 1970."
    assert appointment["topic"] == "Vereinsrecht & Satzung"
    assert appointment["format"] == "phone"
    assert appointment["appointment_starts_at"] == moved_to.starts_at.isoformat()
    assert appointment["adviser"] == "Bernd Berater"
    assert appointment["phone"] == "0151 2345678"
    assert appointment["association"] == "Heimatverein Westensee"
    assert appointment["municipality"] == "Westensee"
    assert appointment["status"] == "new"
    assert [e["what"] for e in appointment["appointment_history"]] == ["created", "rescheduled"]
    assert question["concern"] == "Spendenquittung?"
    raw = json.dumps(data, ensure_ascii=False)
    assert "Fremd" not in raw
    assert "Intern" not in raw  # internal notes are never shown to the volunteer


@pytest.mark.django_db
def test_deleting_the_account_keeps_the_cases_without_the_person(
    client, bernd, vera, other_user, password, django_capture_on_commit_callbacks, mailoutbox
):
    staff = beratung_staff()
    association = AssociationFactory(name="Heimatverein Westensee")
    place = MunicipalityFactory(name="Westensee")
    future = book(
        vera,
        slot_at(bernd, bookable_monday(), 9),
        phone="0151 2345678",
        association=association,
        municipality=place,
        concern="Ich bin Vera Freiwillig aus Westensee.",
    )
    question = services.ask_question(user=vera, topic=topic("steuern"), concern="Spenden?")
    services.update_case(case=question, staff=staff, status=AdviceRequest.Status.IN_PROGRESS)
    services.add_note(
        case=future,
        staff=staff,
        text="Frau Freiwillig (vera.freiwillig@beispiel.de, 0151/234 5678) ruft zurück. "
        "Vera kennt den Vorstand; Freiwilligkeit ist Thema.",
    )
    theirs = book(other_user, slot_at(bernd, bookable_monday(), 10), phone="0170 1234567")
    services.add_note(case=theirs, staff=staff, text="Vera Freiwillig empfohlen")
    mailoutbox.clear()

    client.force_login(vera)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    assert response.status_code == 302
    assert not User.objects.filter(pk=vera.pk).exists()

    future.refresh_from_db()
    question.refresh_from_db()
    for case in (future, question):
        assert case.requester is None
        assert case.concern == ""
        assert case.phone == ""
    # The statistics stay: topic, format, time, association, Gemeinde, status.
    assert (future.topic, future.format, future.association, future.municipality) == (
        topic(),
        "phone",
        association,
        place,
    )
    assert question.status == AdviceRequest.Status.IN_PROGRESS
    # The future appointment is cancelled: the time is free, the adviser told, the person not.
    assert future.cancelled_at is not None
    assert [m.to for m in mailoutbox] == [[bernd.user.email]]
    assert Email.objects.filter(to=vera.email).count() == 0
    # Notes and history keep what happened, not who.
    note = CaseNote.objects.get(request=future).text
    assert "Freiwillig (" not in note
    assert "vera.freiwillig@beispiel.de" not in note
    assert "0151/234 5678" not in note
    assert "Vera kennt" not in note
    assert "ruft zurück" in note
    assert "Freiwilligkeit ist Thema" in note  # a longer word is not her name
    for event in CaseEvent.objects.filter(request__in=[future, question]):
        for value in (event.old_value, event.new_value):
            assert "Freiwillig" not in value
            assert "vera" not in value.lower()
        assert event.actor_id != vera.pk
    # Someone else's case is theirs alone.
    theirs.refresh_from_db()
    assert (theirs.requester, theirs.phone) == (other_user, "0170 1234567")
    assert CaseNote.objects.get(request=theirs).text == "Vera Freiwillig empfohlen"


@pytest.mark.django_db
def test_a_person_without_cases_is_erased_without_trouble(client, vera, password):
    client.force_login(vera)
    assert _export(client, vera)["advice"] == []
    client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    assert not User.objects.filter(pk=vera.pk).exists()
