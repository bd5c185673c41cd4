"""Working on a case: each change leaves a history entry (who, when, what); closing needs an
outcome; only staff who work on cases are assigned; no-shows only after the appointment."""

from datetime import date, timedelta

import pytest

from advice import services
from advice.exceptions import AdviceError
from advice.models import AdviceRequest, CaseEvent, CaseNote
from portal.staff_groups import BERATUNG, VERNETZUNG
from tests.advice.staff_helpers import a_booking, a_question, move_appointment, staff_in
from tests.network.factories import AssociationFactory

pytestmark = pytest.mark.django_db


def _events(case, *kinds):
    return list(
        case.events.filter(kind__in=kinds)
        .order_by("at", "id")
        .values_list("kind", "actor", "old_value", "new_value")
    )


def test_each_change_of_a_case_is_recorded_with_who_and_what():
    case = a_question()
    staff, colleague = staff_in(BERATUNG), staff_in(BERATUNG, first_name="Kai", last_name="Kollege")
    club = AssociationFactory(name="TSV Testheide")
    services.update_case(
        case=case,
        staff=staff,
        status=AdviceRequest.Status.IN_PROGRESS,
        assignee=colleague,
        due_on=date(2027, 1, 15),
        association=club,
    )
    assert _events(case, "status", "assignee", "due", "association") == [
        ("status", staff.pk, "new", "in_progress"),
        ("assignee", staff.pk, "", "Kai Kollege"),
        ("due", staff.pk, "", "2027-01-15"),
        ("association", staff.pk, "", "TSV Testheide"),
    ]
    case.refresh_from_db()
    assert (case.status, case.assignee, case.due_on, case.association) == (
        "in_progress",
        colleague,
        date(2027, 1, 15),
        club,
    )


def test_an_unchanged_value_leaves_no_history_entry():
    case = a_question()
    staff = staff_in(BERATUNG)
    services.update_case(case=case, staff=staff, status="in_progress")
    services.update_case(case=case, staff=staff, status="in_progress", assignee=None)
    assert len(_events(case, "status", "assignee")) == 1


def test_a_case_is_closed_only_with_an_outcome():
    case = a_question()
    staff = staff_in(BERATUNG)
    with pytest.raises(AdviceError, match="Ergebnis") as refused:
        services.update_case(case=case, staff=staff, status=AdviceRequest.Status.CLOSED)
    assert refused.value.field == "outcome"
    case.refresh_from_db()
    assert case.status == "new"
    services.update_case(case=case, staff=staff, status="closed", outcome="advised")
    assert _events(case, "status", "outcome") == [
        ("status", staff.pk, "new", "closed"),
        ("outcome", staff.pk, "", "advised"),
    ]


def test_the_outcome_of_a_closed_case_cannot_be_emptied():
    case = a_question()
    staff = staff_in(BERATUNG)
    services.update_case(case=case, staff=staff, status="closed", outcome="advised")
    with pytest.raises(AdviceError, match="Ergebnis"):
        services.update_case(case=case, staff=staff, outcome="")


def test_only_staff_who_work_on_cases_can_be_assigned():
    case = a_question()
    staff = staff_in(BERATUNG)
    for outsider in (staff_in(VERNETZUNG), staff_in(BERATUNG, is_active=False), case.requester):
        with pytest.raises(AdviceError, match="zugewiesen") as refused:
            services.update_case(case=case, staff=staff, assignee=outsider)
        assert refused.value.field == "assignee"
    case.refresh_from_db()
    assert case.assignee is None


def test_an_assignee_who_left_the_group_stays_until_someone_changes_it():
    case = a_question()
    staff = staff_in(BERATUNG)
    services.update_case(case=case, staff=staff, assignee=staff)
    staff.groups.clear()
    services.update_case(case=case, staff=staff, status="in_progress")  # no error
    case.refresh_from_db()
    assert case.assignee == staff


def test_a_note_is_written_by_its_author_and_must_say_something():
    case = a_question()
    staff = staff_in(BERATUNG)
    note = services.add_note(case=case, staff=staff, text="  Rückruf vereinbart.  ")
    assert (note.author, note.text) == (staff, "Rückruf vereinbart.")
    with pytest.raises(AdviceError, match="leer"):
        services.add_note(case=case, staff=staff, text=" \n ")
    with pytest.raises(AdviceError, match="zu lang"):
        services.add_note(case=case, staff=staff, text="x" * 5001)
    assert CaseNote.objects.count() == 1


def test_a_no_show_is_marked_only_after_the_appointment():
    booking = a_booking()
    staff = staff_in(BERATUNG)
    with pytest.raises(AdviceError, match="noch nicht stattgefunden"):
        services.mark_no_show(case=booking, staff=staff)
    move_appointment(booking, starts_in=-timedelta(hours=2))
    services.mark_no_show(case=booking, staff=staff)
    booking.refresh_from_db()
    assert (booking.no_show, booking.status, booking.outcome) == (True, "closed", "no_show")
    assert _events(booking, "no_show", "status") == [
        ("no_show", staff.pk, "", ""),
        ("status", staff.pk, "new", "closed"),
    ]
    services.mark_no_show(case=booking, staff=staff)  # twice: nothing more
    assert booking.events.filter(kind=CaseEvent.Kind.NO_SHOW).count() == 1


def test_no_show_is_refused_for_questions_and_cancelled_appointments():
    staff = staff_in(BERATUNG)
    with pytest.raises(AdviceError, match="gebuchter Termin"):
        services.mark_no_show(case=a_question(), staff=staff)
    booking = a_booking()
    services.cancel_booking(booking=booking, actor=booking.requester)
    move_appointment(booking, starts_in=-timedelta(hours=2))
    with pytest.raises(AdviceError, match="gebuchter Termin"):
        services.mark_no_show(case=booking, staff=staff)
