"""Beratung in admin: who sees it, the case list and its views, work on a case through the
services, notes that stay internal, the actions, advisers' times and the booking rules."""

import json
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advice import services, slots
from advice.links import booking_token
from advice.models import AdviceRequest, BookingRules, CaseNote, Slot
from mailings.models import Email
from portal.staff_groups import BERATUNG, QUALIFIZIERUNG, REDAKTION, VERNETZUNG
from tests.advice.factories import AdvisorFactory, AvailabilityFactory, topic
from tests.advice.staff_helpers import (
    a_booking,
    a_free_slot,
    a_question,
    form_data,
    logged_in,
    mails,
    move_appointment,
    staff_in,
)
from tests.factories import UserFactory
from tests.network.factories import AmtFactory, AssociationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

CASES = "admin:advice_advicerequest_changelist"


def _case_url(case, view="change"):
    return reverse(f"admin:advice_advicerequest_{view}", args=[case.pk])


def _listed(response) -> list[str]:
    return [case.number for case in response.context["cl"].result_list]


# --- Who sees what --------------------------------------------------------------------------------


def _every_advice_admin_page():
    booking = a_booking()
    advisor = booking.slot.advisor
    absence = advisor.absences.create(
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=31),
    )
    pages = [
        reverse(CASES),
        _case_url(booking),
        _case_url(booking, "history"),
        reverse("admin:advice_book_for_caller"),
        reverse("admin:advice_statistics"),
        reverse("admin:advice_export"),
        reverse("admin:advice_advisor_changelist"),
        reverse("admin:advice_advisor_change", args=[advisor.pk]),
        reverse("admin:advice_absence_changelist"),
        reverse("admin:advice_absence_change", args=[absence.pk]),
        reverse("admin:advice_slot_changelist"),
        reverse("admin:advice_slot_change", args=[booking.slot_id]),
        reverse("admin:advice_topic_changelist"),
        reverse("admin:advice_topic_change", args=[booking.topic_id]),
        reverse("admin:advice_bookingrules_changelist"),
        reverse("admin:advice_bookingrules_change", args=[1]),
    ]
    return booking, pages


@pytest.mark.parametrize("group", [VERNETZUNG, QUALIFIZIERUNG, REDAKTION, None])
def test_other_staff_see_nothing_of_advice_403_on_every_page(client, group):
    _booking, pages = _every_advice_admin_page()
    logged_in(client, group)
    for page in pages:
        assert client.get(page).status_code == 403, page
    # The app's index page does not exist for them (Django answers 404, naming nothing).
    assert client.get(reverse("admin:app_list", args=["advice"])).status_code == 404
    assert "Beratung" not in client.get(reverse("admin:index")).content.decode()


def test_beratung_reaches_every_advice_page(client):
    _booking, pages = _every_advice_admin_page()
    logged_in(client)
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_anonymous_and_volunteers_are_sent_to_the_login(client):
    _booking, pages = _every_advice_admin_page()
    for page in pages:
        assert client.get(page).status_code == 302, page
    client.force_login(UserFactory())
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert "/login/" in response["Location"]


# --- The case list --------------------------------------------------------------------------------


def test_my_cases_and_open_unassigned_cases_are_views_of_the_list(client):
    staff = logged_in(client)
    mine = a_question()
    services.update_case(case=mine, staff=staff, assignee=staff)
    colleagues = a_question()
    services.update_case(case=colleagues, staff=staff, assignee=staff_in(BERATUNG))
    unassigned = a_question()
    closed = a_question()
    services.update_case(case=closed, staff=staff, status="closed", outcome="advised")
    response = client.get(reverse(CASES) + "?view=mine")
    assert _listed(response) == [mine.number]
    response = client.get(reverse(CASES) + "?view=unassigned")
    assert _listed(response) == [unassigned.number]
    page = client.get(reverse(CASES)).content.decode()
    assert 'href="?view=mine">Meine Fälle</a>' in page
    assert 'href="?view=unassigned">Offen / nicht zugewiesen</a>' in page
    page = client.get(reverse(CASES) + "?view=mine").content.decode()
    assert '<strong aria-current="page">Meine Fälle</strong>' in page


def test_an_open_case_past_its_due_date_is_marked_overdue(client):
    staff = logged_in(client)
    late, done = a_question(), a_question()
    yesterday = timezone.localdate() - timedelta(days=1)
    services.update_case(case=late, staff=staff, due_on=yesterday)
    services.update_case(
        case=done, staff=staff, due_on=yesterday, status="closed", outcome="advised"
    )
    html = client.get(reverse(CASES)).content.decode()
    cells = re.findall(r'<td class="field-due">(.*?)</td>', html)
    assert len(cells) == 2
    assert sum("<strong>" in cell for cell in cells) == 1
    assert _listed(client.get(reverse(CASES) + "?view=overdue")) == [late.number]


def test_the_list_is_searched_by_number_name_address_and_concern(client):
    logged_in(client)
    person = UserFactory(first_name="Henrike", last_name="Hansen", email="henrike@beispiel.de")
    case = a_question(user=person, concern="Schutzkonzept für die Jugendfreizeit")
    a_question(concern="Etwas anderes")
    compact = case.number.replace("-", "").lower()
    for term in [case.number, compact, "Henrike Hansen", "henrike@beispiel", "Jugendfreizeit"]:
        response = client.get(reverse(CASES), {"q": term})
        assert _listed(response) == [case.number], term


def test_the_list_filters_by_amt_of_the_case_or_else_of_its_association(client):
    logged_in(client)
    amt = AmtFactory(name="Amt Hüttener Berge")
    village = MunicipalityFactory(name="Ascheffel", amt=amt)
    town = MunicipalityFactory(name="Eckernförde", amt=None)
    given = a_question(municipality=village)
    via_association = a_question(association=AssociationFactory(municipality=village))
    in_town = a_question(municipality=town)
    unknown = a_question()
    assert sorted(_listed(client.get(reverse(CASES), {"amt": amt.pk}))) == sorted(
        [given.number, via_association.number]
    )
    assert _listed(client.get(reverse(CASES), {"amt": "free"})) == [in_town.number]
    assert _listed(client.get(reverse(CASES), {"amt": "unknown"})) == [unknown.number]


def test_the_list_filters_by_date_ranges_of_appointment_and_creation(client):
    logged_in(client)
    booking = a_booking()
    day = timezone.localdate(booking.slot.starts_at)
    a_question()
    response = client.get(
        reverse(CASES),
        {"slot__starts_at__date__gte": day.isoformat(), "slot__starts_at__date__lte": day},
    )
    assert _listed(response) == [booking.number]
    response = client.get(
        reverse(CASES),
        {"created_at__date__gte": "2000-01-01", "created_at__date__lte": "2000-12-31"},
    )
    assert _listed(response) == []


@pytest.mark.parametrize(
    "query",
    [
        {"created_at__date__gte": "gestern"},
        {"slot__starts_at__date__lte": "2026-13-45"},
        {"amt": "x"},
        {"amt": "1\x00"},
        {"status__exact": "\x00"},
        {"view": "\x00"},
        {"q": "\x00'\"<%"},
    ],
)
def test_hostile_list_parameters_never_cause_an_error_page(client, query):
    logged_in(client)
    a_question()
    response = client.get(reverse(CASES), query)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


def test_the_list_shows_counts_per_filter_choice_on_request(client):
    staff = logged_in(client)
    mine = a_question(municipality=MunicipalityFactory(amt=AmtFactory()))
    services.update_case(case=mine, staff=staff, assignee=staff)
    a_booking()
    response = client.get(reverse(CASES), {"_facets": "True"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meine Fälle (1)" in html
    assert "Heute (2)" in html  # both made today


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_case_list_costs_the_same_queries_for_3_and_30_cases(client):
    staff = logged_in(client)
    club = AssociationFactory()

    def add(count):
        for _ in range(count):
            case = a_booking(association=club) if _ % 2 else a_question(association=club)
            services.update_case(case=case, staff=staff, assignee=staff, due_on=date(2020, 1, 1))

    client.get(reverse(CASES))
    add(3)
    small = _count_queries(client, reverse(CASES))
    add(27)
    large = _count_queries(client, reverse(CASES))
    # Session, user, permissions, the list and its count, the filters' choices (topics,
    # advisers, Ämter): none per row.
    assert small == large


# --- Working on a case through the admin ----------------------------------------------------------


def test_changes_in_the_admin_go_through_the_service_and_into_the_history(client):
    staff = logged_in(client)
    case = a_question()
    data = form_data(client.get(_case_url(case)), "advicerequest_form")
    data.update(status="in_progress", assignee=str(staff.pk), due_on="2027-02-01")
    response = client.post(_case_url(case), data)
    assert response.status_code == 302
    events = list(case.events.exclude(kind="created").values_list("kind", "actor"))
    assert sorted(events) == [("assignee", staff.pk), ("due", staff.pk), ("status", staff.pk)]


def test_closing_in_the_admin_without_an_outcome_is_a_form_error(client):
    logged_in(client)
    case = a_question()
    data = form_data(client.get(_case_url(case)), "advicerequest_form")
    data.update(status="closed", outcome="")
    response = client.post(_case_url(case), data)
    assert response.status_code == 200
    assert "outcome" in response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.status == "new"
    assert not case.events.filter(kind="status").exists()


def test_the_assignee_choices_are_staff_who_work_on_cases(client):
    staff = logged_in(client)
    outsider = staff_in(VERNETZUNG)
    case = a_question()
    form = client.get(_case_url(case)).context["adminform"].form
    choices = set(form.fields["assignee"].queryset)
    assert staff in choices
    assert outsider not in choices
    assert case.requester not in choices


def test_two_colleagues_saving_one_case_keep_each_others_changes(client):
    first = logged_in(client)
    case = a_question()
    page_of_first = form_data(client.get(_case_url(case)), "advicerequest_form")
    page_of_second = dict(page_of_first)
    page_of_first.update(assignee=str(first.pk))
    assert client.post(_case_url(case), page_of_first).status_code == 302
    second = logged_in(client)
    page_of_second.update(status="waiting")
    assert client.post(_case_url(case), page_of_second).status_code == 302
    case.refresh_from_db()
    assert (case.assignee, case.status) == (first, "waiting")
    assert case.events.filter(kind="status").get().actor == second


def test_a_note_is_added_with_its_author_and_never_changed_afterwards(client):
    staff = logged_in(client)
    case = a_question()
    data = form_data(client.get(_case_url(case)), "advicerequest_form")
    data["notes-0-text"] = "Rückruf am Dienstag vereinbart."
    assert client.post(_case_url(case), data).status_code == 302
    note = CaseNote.objects.get(request=case)
    assert (note.author, note.text) == (staff, "Rückruf am Dienstag vereinbart.")
    page = client.get(_case_url(case))
    data = form_data(page, "advicerequest_form")
    assert "notes-0-text" not in data  # the written note is shown, not offered for editing
    data.update({"notes-0-id": str(note.pk), "notes-0-text": "geändert", "notes-0-DELETE": "on"})
    client.post(_case_url(case), data)
    note.refresh_from_db()
    assert note.text == "Rückruf am Dienstag vereinbart."


def test_the_history_shows_who_changed_what(client):
    staff = logged_in(client, first_name="Bernd", last_name="Berater")
    case = a_question()
    services.update_case(case=case, staff=staff, status="waiting")
    html = client.get(_case_url(case)).content.decode()
    history = html[html.index("Verlauf: wer wann was geändert hat") :]
    assert "Bernd Berater" in history
    assert "wartet auf Rückmeldung" in history  # the status by its name, not its code


def test_an_internal_note_is_on_no_page_and_in_no_export_the_volunteer_sees(client):
    staff = staff_in(BERATUNG)
    booking = a_booking(concern="Unsere Satzung")
    person = booking.requester
    question = a_question(user=person)
    secret = "Interner Vermerk 7731: Verein wirkt zahlungsunfähig"
    services.add_note(case=booking, staff=staff, text=secret)
    services.add_note(case=question, staff=staff, text=secret)
    client.force_login(person)
    token = booking_token(booking)
    pages = [
        reverse("advice:overview"),
        reverse("advice:slots"),
        reverse("advice:my_bookings"),
        reverse("advice:booked", args=[booking.number]),
        reverse("advice:question_sent", args=[question.number]),
        reverse("advice:cancel", args=[booking.number]),
        reverse("advice:reschedule", args=[booking.number]),
        reverse("advice:cancel_link", args=[token]),
        reverse("advice:reschedule_link", args=[token]),
        reverse("account_overview"),
        reverse("account_export"),
    ]
    for page in pages:
        response = client.get(page)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "7731" not in body.decode(), page
    export = json.loads(client.get(reverse("account_export")).content)
    assert "7731" not in json.dumps(export, ensure_ascii=False)
    assert not Email.objects.filter(body_text__contains="7731").exists()


# --- Actions --------------------------------------------------------------------------------------


def _act(client, action, cases, **extra):
    return client.post(
        reverse(CASES),
        {"action": action, "_selected_action": [c.pk for c in cases], **extra},
    )


def test_assign_to_me_assigns_through_the_service(client):
    staff = logged_in(client)
    cases = [a_question(), a_question()]
    _act(client, "assign_to_me", cases)
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == staff
        assert case.events.get(kind="assignee").actor == staff


def test_mark_no_show_closes_past_appointments_and_refuses_future_ones(client):
    logged_in(client)
    past, future = a_booking(), a_booking()
    move_appointment(past, starts_in=-timedelta(hours=1))
    response = _act(client, "mark_no_show", [past, future])
    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.no_show, past.outcome) == (True, "no_show")
    assert future.no_show is False
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(future.number in message for message in shown)


def test_cancelling_by_the_office_asks_first_then_cancels_and_mails_both(client):
    staff = logged_in(client)
    booking = a_booking()
    move_appointment(booking, starts_in=timedelta(hours=2))  # past the volunteer's cut-off
    response = _act(client, "cancel_by_office", [booking])
    assert response.status_code == 200
    assert booking.number in response.content.decode()
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    _act(client, "cancel_by_office", [booking], post="yes")
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert booking.events.get(kind="cancelled").actor == staff
    assert [m.to for m in mails("booking_cancelled")] == [booking.requester.email]
    assert len(mails("advisor_cancelled")) == 1
    page = client.get(_case_url(booking)).content.decode()
    assert "<del>" in page  # the cancelled time struck through, not shown as markup
    assert "&lt;del&gt;" not in page


def test_beratung_cannot_delete_cases(client):
    logged_in(client)
    case = a_question()
    response = client.get(reverse(CASES))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert {"assign_to_me", "mark_no_show", "cancel_by_office", "export_selected"} <= set(actions)
    assert client.get(_case_url(case, "delete")).status_code == 403
    assert client.get(reverse("admin:advice_advicerequest_add")).status_code == 403


# --- Advisers, their times and the booking rules --------------------------------------------------


def _advisor_page(client, advisor):
    url = reverse("admin:advice_advisor_change", args=[advisor.pk])
    return url, form_data(client.get(url), "advisor_form")


def test_a_new_weekly_range_shows_up_as_free_slots_at_once(client):
    logged_in(client)
    advisor = AdvisorFactory()
    day = timezone.localdate() + timedelta(days=9)
    url, data = _advisor_page(client, advisor)
    data.update(
        {
            "availability-TOTAL_FORMS": "1",
            "availability-0-weekday": str(day.weekday()),
            "availability-0-starts_at": "14:00",
            "availability-0-ends_at": "16:00",
            "availability-0-format": "phone",
            "availability-0-place": "",
        }
    )
    assert client.post(url, data).status_code == 302
    free = slots.free_slots(topic=topic(), advisor=advisor, start=day, days=1)
    assert [f"{timezone.localtime(s.starts_at):%H:%M}" for s in free] == ["14:00", "15:00"]


def test_deleting_a_weekly_range_removes_its_free_slots_at_once(client):
    logged_in(client)
    advisor = AdvisorFactory()
    day = timezone.localdate() + timedelta(days=9)
    AvailabilityFactory(advisor=advisor, weekday=day.weekday())
    slots.regenerate_slots(advisor=advisor)
    url, data = _advisor_page(client, advisor)
    data["availability-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not advisor.availability.exists()
    assert not Slot.objects.filter(advisor=advisor).exists()


def test_a_new_absence_hides_the_slots_it_covers(client):
    logged_in(client)
    advisor = AdvisorFactory()
    day = timezone.localdate() + timedelta(days=9)
    AvailabilityFactory(advisor=advisor, weekday=day.weekday())
    slots.regenerate_slots(advisor=advisor)
    assert slots.free_slots(topic=topic(), advisor=advisor, start=day, days=1).exists()
    url, data = _advisor_page(client, advisor)
    data.update(
        {
            "absences-TOTAL_FORMS": "1",
            "absences-0-starts_at_0": day.isoformat(),
            "absences-0-starts_at_1": "00:00",
            "absences-0-ends_at_0": (day + timedelta(days=1)).isoformat(),
            "absences-0-ends_at_1": "00:00",
            "absences-0-note": "Fortbildung",
        }
    )
    assert client.post(url, data).status_code == 302
    assert not slots.free_slots(topic=topic(), advisor=advisor, start=day, days=1).exists()


def test_an_absence_ending_before_it_starts_is_a_form_error_not_an_error_page(client):
    logged_in(client)
    advisor = AdvisorFactory()
    url, data = _advisor_page(client, advisor)
    data.update(
        {
            "absences-TOTAL_FORMS": "1",
            "absences-0-starts_at_0": "2027-01-10",
            "absences-0-starts_at_1": "00:00",
            "absences-0-ends_at_0": "2027-01-09",
            "absences-0-ends_at_1": "00:00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not advisor.absences.exists()


def test_deactivating_an_adviser_removes_their_free_slots_and_keeps_booked_ones(client):
    logged_in(client)
    booking = a_booking()
    advisor = booking.slot.advisor
    url, data = _advisor_page(client, advisor)
    data.pop("active", None)
    assert client.post(url, data).status_code == 302
    assert list(Slot.objects.filter(advisor=advisor)) == [booking.slot]


def test_changing_the_booking_rules_recuts_the_free_slots(client):
    logged_in(client)
    advisor = AdvisorFactory()
    day = timezone.localdate() + timedelta(days=9)
    AvailabilityFactory(advisor=advisor, weekday=day.weekday(), starts_at=time(9), ends_at=time(11))
    slots.regenerate_slots(advisor=advisor)
    url = reverse("admin:advice_bookingrules_change", args=[1])
    data = form_data(client.get(url), "bookingrules_form")
    data.update(slot_minutes="60", buffer_minutes="0")
    assert client.post(url, data).status_code == 302
    assert BookingRules.load().slot_minutes == 60
    start = datetime.combine(day, time.min, tzinfo=slots.LOCAL)
    cut = Slot.objects.filter(advisor=advisor, starts_at__gte=start).order_by("starts_at")[:2]
    assert [f"{timezone.localtime(s.starts_at):%H:%M}" for s in cut] == ["09:00", "10:00"]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=60) for s in cut)


def test_the_booking_rules_are_one_row_never_added_or_deleted(client):
    logged_in(client, None, is_superuser=True)
    assert client.get(reverse("admin:advice_bookingrules_add")).status_code == 403
    assert client.get(reverse("admin:advice_bookingrules_delete", args=[1])).status_code == 403


def test_slots_are_listed_read_only_and_filtered_free_or_booked(client):
    logged_in(client, None, is_superuser=True)
    booking = a_booking()
    free = Slot.objects.exclude(pk=booking.slot_id).filter(advisor=booking.slot.advisor)
    url = reverse("admin:advice_slot_changelist")
    assert _slot_ids(client.get(url, {"state": "booked"})) == [booking.slot_id]
    assert set(_slot_ids(client.get(url, {"state": "free"}))) == set(
        free.values_list("pk", flat=True)
    )
    assert booking.number in client.get(url, {"state": "booked"}).content.decode()
    slot_url = reverse("admin:advice_slot_change", args=[booking.slot_id])
    page = client.get(slot_url)
    assert page.context["has_change_permission"] is False
    assert client.get(reverse("admin:advice_slot_add")).status_code == 403
    assert (
        client.get(reverse("admin:advice_slot_delete", args=[booking.slot_id])).status_code == 403
    )


def _slot_ids(response):
    return [slot.pk for slot in response.context["cl"].result_list]


def test_a_case_page_costs_the_same_queries_with_2_and_20_history_entries(client):
    staff = logged_in(client)
    case = a_booking()

    def churn(times):
        for index in range(times):
            services.update_case(case=case, staff=staff, due_on=date(2027, 1, 1 + index))
            services.add_note(case=case, staff=staff, text=f"Vermerk {index}")

    churn(2)
    small = _count_queries(client, _case_url(case))
    churn(18)
    large = _count_queries(client, _case_url(case))
    assert small == large


# --- Booking for a caller -----------------------------------------------------------------------

BOOK = "admin:advice_book_for_caller"


def _book_url(slot, **params):
    query = {"topic": topic().pk, "week": timezone.localdate(slot.starts_at).isoformat()}
    return reverse(BOOK) + "?" + "&".join(f"{k}={v}" for k, v in {**query, **params}.items())


def _caller(chosen, **changes):
    return {
        "slot": str(chosen.pk),
        "email": "hannes.anrufer@beispiel.de",
        "first_name": "Hannes",
        "last_name": "Anrufer",
        "phone": "04331 202 303",
        "concern": "Rief an: Fragen zur Satzungsänderung",
        "association": "",
        "municipality": "",
        **changes,
    }


def test_the_booking_page_lists_the_free_slots_of_the_topic_by_day(client):
    logged_in(client)
    slot = a_free_slot()
    taken = a_booking().slot
    page = client.get(_book_url(slot))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{slot.pk}"' in html
    assert f'value="{taken.pk}"' not in html
    assert slot.advisor.display_name in html


def test_booking_for_a_new_caller_makes_the_account_and_mails_the_confirmation(client):
    staff = logged_in(client)
    slot = a_free_slot()
    response = client.post(_book_url(slot), _caller(slot))
    booking = AdviceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _case_url(booking)
    person = booking.requester
    assert (person.email, person.get_full_name()) == (
        "hannes.anrufer@beispiel.de",
        "Hannes Anrufer",
    )
    assert not person.has_usable_password()
    assert (booking.slot, booking.topic, booking.phone) == (slot, topic(), "04331 202 303")
    assert booking.booked_by_staff
    assert booking.events.get(kind="created").actor == staff
    assert [m.to for m in mails("booking_confirmed")] == [person.email]
    assert [m.to for m in mails("advisor_booked")] == [slot.advisor.user.email]


def test_a_caller_booked_by_the_office_can_set_a_password_with_password_forgotten(client):
    logged_in(client)
    slot = a_free_slot()
    client.post(_book_url(slot), _caller(slot))
    client.logout()
    response = client.post(
        reverse("account_reset_password"), {"email": "hannes.anrufer@beispiel.de"}
    )
    assert response.status_code == 302
    (reset,) = Email.objects.filter(template="account/email/password_reset_key")
    assert reset.to == "hannes.anrufer@beispiel.de"
    link = re.search(r"https?://\S+/password/reset/key/\S+", reset.body_text).group(0)
    form_page = client.get(link.split("testserver", 1)[-1], follow=True)
    data = {"password1": "ein-neues-Passwort-43", "password2": "ein-neues-Passwort-43"}
    client.post(form_page.request["PATH_INFO"], data)
    person = AdviceRequest.objects.get().requester
    person.refresh_from_db()
    assert person.check_password("ein-neues-Passwort-43")


def test_booking_for_a_known_caller_needs_no_name(client):
    logged_in(client)
    person = UserFactory(email="erika@beispiel.de")
    slot = a_free_slot()
    response = client.post(
        _book_url(slot), _caller(slot, email="Erika@Beispiel.de", first_name="", last_name="")
    )
    assert response.status_code == 302
    assert AdviceRequest.objects.get().requester == person


def test_a_new_caller_needs_a_name(client):
    logged_in(client)
    slot = a_free_slot()
    response = client.post(_book_url(slot), _caller(slot, first_name="", last_name=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"first_name", "last_name"}
    assert not AdviceRequest.objects.exists()


def test_a_slot_taken_meanwhile_is_a_message_and_the_page_shows_the_free_ones(client):
    logged_in(client)
    advisor = AdvisorFactory(daily_cap=20)
    slot = a_free_slot(advisor)
    a_booking(slot=slot)  # someone online was quicker
    response = client.post(_book_url(slot), _caller(slot))
    assert response.status_code == 200
    assert "slot" in response.context["form"].errors
    html = response.content.decode()
    assert f'value="{slot.pk}"' not in html
    assert any(day.slots for day in response.context["days"])
    assert AdviceRequest.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "x\x00@beispiel.de"},
        {"email": '"a\x0bb"@beispiel.de'},
        {"first_name": "Hannes\nBcc: x@y.z"},
        {"last_name": "A" * 151},
        {"phone": "=HYPERLINK(1)"},
        {"concern": "x" * 3001},
        {"concern": "Null\x00Byte"},
        {"slot": "999999"},
        {"slot": "abc"},
        {"association": "999999"},
        {"municipality": "\x00"},
    ],
)
def test_hostile_booking_input_is_a_form_error_never_an_error_page(client, changes):
    logged_in(client)
    slot = a_free_slot()
    response = client.post(_book_url(slot), _caller(slot, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AdviceRequest.objects.exists()


@pytest.mark.parametrize(
    "query",
    ["topic=999999", "topic=abc", "topic=1&week=gestern", "topic=1&week=1900-01-01", "format=x"],
)
def test_hostile_search_parameters_never_cause_an_error_page(client, query):
    logged_in(client)
    assert client.get(reverse(BOOK) + "?" + query).status_code == 200


def test_booking_for_callers_needs_the_case_permissions(client):
    logged_in(client, None, is_superuser=False)
    assert client.get(reverse(BOOK)).status_code == 403


# --- The association's page lists its cases ------------------------------------------------------


def _association_page(client, association):
    return client.get(reverse("admin:network_association_change", args=[association.pk]))


def test_the_associations_page_lists_its_cases_for_beratung(client):
    logged_in(client)
    club, other = AssociationFactory(), AssociationFactory()
    ours = [a_question(association=club), a_booking(association=club)]
    theirs = a_question(association=other)
    html = _association_page(client, club).content.decode()
    for case in ours:
        assert case.number in html
        assert _case_url(case) in html
    assert theirs.number not in html


def test_the_associations_page_shows_no_cases_to_staff_without_the_permission(client):
    logged_in(client, VERNETZUNG)
    club = AssociationFactory()
    case = a_question(association=club)
    response = _association_page(client, club)
    assert response.status_code == 200
    assert case.number not in response.content.decode()
    assert 'id="advice-cases"' not in response.content.decode()


def test_the_associations_page_costs_the_same_queries_for_2_and_40_cases(client):
    logged_in(client)
    club = AssociationFactory()
    for _ in range(2):
        a_question(association=club)
    _association_page(client, club)
    small = _count_queries(client, reverse("admin:network_association_change", args=[club.pk]))
    for _ in range(38):
        a_question(association=club)
    response = _association_page(client, club)
    large = _count_queries(client, reverse("admin:network_association_change", args=[club.pk]))
    assert small == large
    assert "?association__id__exact=" in response.content.decode()  # the link to all 40
