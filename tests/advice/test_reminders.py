"""The mails around an appointment: the confirmation carries the calendar entry (right hour in
Berlin, also after the switch to winter time) and working links; the reminder the day before
goes out once per appointment, never for a cancelled one, and anew for a moved one."""

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from advice import emails, services
from advice.models import AdviceRequest, Slot
from mailings.models import Email
from tests.advice.factories import topic
from tests.advice.helpers import BERLIN, adviser, book, bookable_monday, slot_at

REMINDER = "emails/advice/reminder"
UTC = ZoneInfo("UTC")


def _day_before(booking) -> datetime:
    """An hour of the local day before the appointment (when the hourly task runs)."""
    day = timezone.localdate(booking.slot.starts_at) - timedelta(days=1)
    return datetime.combine(day, time(8), tzinfo=BERLIN)


def _reminders(booking=None):
    rows = Email.objects.filter(template=REMINDER)
    return rows.filter(key__startswith=f"reminder:advice:{booking.pk}:") if booking else rows


def _calendar(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    _filename, content, mimetype = attachment
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content).walk("VEVENT")[0]


@pytest.fixture
def bernd(db):
    return adviser(name="Bernd Berater", weekdays=(0, 1, 2, 3, 4))


# --- Reminders --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reminder_task_run_twice_sends_one_reminder_per_booking(
    bernd, user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    monday = bookable_monday()
    first = book(user, slot_at(bernd, monday, 9))
    second = book(other_user, slot_at(bernd, monday, 10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=_day_before(first)) == 2
        services.send_reminders(now=_day_before(first) + timedelta(hours=1))
    assert _reminders(first).count() == 1
    assert _reminders(second).count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([user.email, other_user.email])
    assert all("morgen" in m.subject for m in mailoutbox)


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_booking(bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    services.cancel_booking(booking=booking, actor=user)
    assert services.send_reminders(now=_day_before(booking)) == 0
    assert not _reminders().exists()


@pytest.mark.django_db
def test_no_reminder_on_other_days(bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    services.send_reminders(now=_day_before(booking) - timedelta(days=1))
    services.send_reminders(now=_day_before(booking) + timedelta(days=1))
    assert not _reminders().exists()


@pytest.mark.django_db
def test_a_moved_appointment_is_reminded_for_its_new_time(
    bernd, user, django_capture_on_commit_callbacks, mailoutbox
):
    monday = bookable_monday()
    booking = book(user, slot_at(bernd, monday, 9))
    services.send_reminders(now=_day_before(booking))  # the reminder for Monday went out
    new = slot_at(bernd, monday + timedelta(days=2), 11)
    booking = services.reschedule_booking(booking=booking, new_slot=new, actor=user)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders(now=_day_before(booking))
        services.send_reminders(now=_day_before(booking))
    assert _reminders(booking).count() == 2  # one per appointment time
    (message,) = mailoutbox
    assert "11:00" in message.body
    assert f"reminder:advice:{booking.pk}:{new.starts_at.isoformat()}" in set(
        _reminders(booking).values_list("key", flat=True)
    )


# --- The confirmation mail --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_confirmation_mail_has_the_calendar_entry_and_working_links(
    client, bernd, user, django_capture_on_commit_callbacks, mailoutbox
):
    slot = slot_at(bernd, bookable_monday(), 9)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(user, slot)
    (message,) = [m for m in mailoutbox if m.to == [user.email]]
    assert booking.number in message.subject
    assert booking.number in message.body
    event = _calendar(message)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == slot.starts_at.astimezone(BERLIN)
    assert event["DTSTART"].dt.hour == 9
    assert booking.number in str(event["DESCRIPTION"])
    links = dict(re.findall(r"^(Absagen|Verschieben): (\S+)$", message.body, re.M))
    move = client.get(urlparse(links["Verschieben"]).path)
    assert move.status_code == 200
    cancel_path = urlparse(links["Absagen"]).path
    assert client.get(cancel_path).status_code == 200
    client.post(cancel_path)
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [("2026-10-24", 8), ("2026-10-26", 9), ("2027-03-29", 8)],
    ids=["before the October switch", "after the October switch", "after the March switch"],
)
def test_the_calendar_entry_keeps_ten_oclock_across_the_switch(
    bernd, user, django_capture_on_commit_callbacks, mailoutbox, day, utc_hour
):
    """The ICS of a booking on either side of the switch names 10:00 Europe/Berlin and carries
    the zone's rules, so a calendar shows 10:00 (09:00 UTC in winter, 08:00 in summer)."""
    local = datetime.combine(datetime.fromisoformat(day).date(), time(10), tzinfo=BERLIN)
    slot = Slot.objects.create(
        advisor=bernd,
        starts_at=local,
        ends_at=local + timedelta(minutes=45),
        format="on_site",
        place="Kaiserstraße 8",
    )
    booking = AdviceRequest.objects.create(
        number=services.new_number(),
        kind=AdviceRequest.Kind.APPOINTMENT,
        requester=user,
        topic=topic(),
        format="on_site",
        slot=slot,
        concern="x",
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emails.booking_confirmed(booking)
    (message,) = [m for m in mailoutbox if m.to == [user.email]]
    event = _calendar(message)
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Berlin"
    assert (start.dt.hour, start.dt.minute) == (10, 0)
    assert start.dt.astimezone(UTC).hour == utc_hour
    calendar = Calendar.from_ical(message.attachments[0][1])
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"


@pytest.mark.django_db
def test_the_calendar_download_and_the_mail_attachment_agree(client, bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    client.force_login(user)
    download = Calendar.from_ical(
        client.get(reverse("advice:calendar", args=[booking.number])).content
    ).walk("VEVENT")[0]
    mail = Email.objects.get(to=user.email, template="emails/advice/booking_confirmed")
    attached = Calendar.from_ical(mail.attachments[0]["content"]).walk("VEVENT")[0]
    assert str(download["UID"]) == str(attached["UID"])
    assert str(download["UID"]).startswith(f"beratung-{booking.number}@")
    assert download["DTSTART"].dt == attached["DTSTART"].dt == booking.slot.starts_at
