"""Bookings, cases and staff of each group, for the tests of the staff side of Beratung."""

from datetime import datetime, time, timedelta
from html.parser import HTMLParser

from django.contrib.auth.models import Group
from django.utils import timezone

from advice import services, slots
from advice.models import AdviceRequest, Slot
from mailings.models import Email
from portal.staff_groups import BERATUNG
from tests.advice.factories import AdvisorFactory, AvailabilityFactory, topic
from tests.factories import StaffFactory, UserFactory
from tests.helpers import log_in_with_second_factor


def staff_in(group_name: str | None, **kwargs):
    staff = StaffFactory(**kwargs)
    if group_name:
        staff.groups.add(Group.objects.get(name=group_name))
    return staff


def logged_in(client, group_name: str | None = BERATUNG, **kwargs):
    staff = staff_in(group_name, **kwargs)
    log_in_with_second_factor(client, staff)
    return staff


def free_slots_of(advisor, *, days_ahead: int = 7, hours: tuple[int, int] = (9, 12)):
    """Cut the adviser's slots on the day `days_ahead` from today; return them by time."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    AvailabilityFactory(
        advisor=advisor,
        weekday=day.weekday(),
        starts_at=time(hours[0]),
        ends_at=time(hours[1]),
    )
    slots.regenerate_slots(advisor=advisor)
    start = datetime.combine(day, time.min, tzinfo=slots.LOCAL)
    return list(
        Slot.objects.filter(
            advisor=advisor, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        ).order_by("starts_at")
    )


def a_free_slot(advisor=None, *, days_ahead: int = 7) -> Slot:
    advisor = advisor or AdvisorFactory(daily_cap=20)
    return free_slots_of(advisor, days_ahead=days_ahead)[0]


def a_booking(*, user=None, slot=None, concern: str = "Unsere Satzung", **kwargs) -> AdviceRequest:
    return services.book_slot(
        user=user or UserFactory(),
        slot=slot or a_free_slot(),
        topic=topic(),
        concern=concern,
        **kwargs,
    )


def a_question(*, user=None, concern: str = "Eine Frage zur Pauschale", **kwargs):
    return services.ask_question(
        user=user or UserFactory(), topic=topic(), concern=concern, **kwargs
    )


def move_appointment(case: AdviceRequest, *, starts_in: timedelta) -> None:
    """Move the case's slot in time (e.g. into the past, or within the cut-off)."""
    starts_at = timezone.now() + starts_in
    Slot.objects.filter(pk=case.slot_id).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(minutes=45)
    )
    case.refresh_from_db()


def mails(template: str) -> list[Email]:
    return list(Email.objects.filter(template=f"emails/advice/{template}").order_by("pk"))


class _FormReader(HTMLParser):
    """What a browser would send for one form of a page, as it stands."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self._select = self._textarea = None
        self._option_value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_data(response, form_id: str | None = None) -> dict:
    """The fields of the page's form (by id), to post back with a few changes."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    data: dict = {}
    for name, value in reader.data:
        if name in data:
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    data.pop("csrfmiddlewaretoken", None)
    return data
