"""Beratung rules: booking, cancelling and moving appointments, written questions, and the
work on cases. Each is one transaction; mails are queued in it.

Locks are always taken in the same order — the person, then advisers by primary key, then
the case — so two operations never wait for each other in a circle. One booking per slot is
a database constraint besides the locks.
"""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from . import emails
from .exceptions import AdviceError, SlotTaken
from .links import before_cutoff
from .models import AdviceRequest, Advisor, BookingRules, CaseEvent, CaseNote, Slot, Topic
from .slots import is_bookable

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # read over the phone: no 0/O, 1/I


def new_number() -> str:
    """A short reference number (Terminnummer) like 7K3Q-2MPA."""
    raw = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _event(case, actor, kind, old="", new=""):
    CaseEvent.objects.create(
        request=case, actor=actor, kind=kind, old_value=str(old)[:200], new_value=str(new)[:200]
    )


def open_bookings(user) -> int:
    """The person's future appointments that are not cancelled."""
    return AdviceRequest.objects.filter(
        requester=user,
        kind=AdviceRequest.Kind.APPOINTMENT,
        cancelled_at__isnull=True,
        slot__starts_at__gt=timezone.now(),
    ).count()


def book_slot(
    *,
    user,
    slot: Slot,
    topic: Topic,
    concern: str,
    association=None,
    municipality=None,
    phone: str = "",
    booked_by=None,
) -> AdviceRequest:
    """Book one slot for one person: one booking per slot, the adviser's daily cap and the
    person's limit of open bookings hold whatever the concurrency."""
    rules = BookingRules.load()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).get()
        Advisor.objects.select_for_update().filter(pk=slot.advisor_id).get()
        slot = Slot.objects.select_related("advisor").get(pk=slot.pk)
        if not slot.advisor.topics.filter(pk=topic.pk).exists():
            raise AdviceError(_("This adviser does not offer advice on this topic."))
        if not is_bookable(slot):
            raise SlotTaken(_("Sorry, this appointment has just been taken."))
        if open_bookings(user) >= rules.max_open_bookings:
            raise AdviceError(
                _(
                    "You already have %(count)d open appointments. Please cancel one or wait "
                    "until it has taken place before booking another."
                )
                % {"count": rules.max_open_bookings}
            )
        booking = _create_case(
            kind=AdviceRequest.Kind.APPOINTMENT,
            requester=user,
            topic=topic,
            format=slot.format,
            slot=slot,
            concern=concern,
            association=association,
            municipality=municipality,
            phone=phone,
            consent_at=timezone.now(),
            booked_by_staff=booked_by is not None,
        )
        _event(booking, booked_by or user, CaseEvent.Kind.CREATED, new=_slot_text(slot))
        emails.booking_confirmed(booking)
    return booking


def _create_case(**values) -> AdviceRequest:
    """Insert the case under a fresh reference number; a clash on the slot means it was taken
    (the database constraint, should the locks ever be bypassed)."""
    slot = values.get("slot")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return AdviceRequest.objects.create(number=new_number(), **values)
        except IntegrityError as exc:
            taken = AdviceRequest.objects.filter(slot=slot, cancelled_at__isnull=True)
            if slot is not None and taken.exists():
                raise SlotTaken(_("Sorry, this appointment has just been taken.")) from exc
            # Otherwise two cases drew the same reference number: draw again.
    raise AdviceError(_("Please try again."))


def _slot_text(slot: Slot) -> str:
    local = timezone.localtime(slot.starts_at)
    return f"{local:%d.%m.%Y %H:%M} ({slot.advisor.display_name}, {slot.get_format_display()})"


def ask_question(*, user, topic: Topic, concern: str, association=None, municipality=None):
    """A written question becomes a case; the person gets an acknowledgement."""
    with transaction.atomic():
        case = _create_case(
            kind=AdviceRequest.Kind.QUESTION,
            requester=user,
            topic=topic,
            concern=concern,
            association=association,
            municipality=municipality,
            consent_at=timezone.now(),
        )
        _event(case, user, CaseEvent.Kind.CREATED)
        emails.question_received(case)
    return case


def _locked_booking(booking: AdviceRequest) -> AdviceRequest:
    # Only the case row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins that select_related makes for the optional slot and requester.
    return (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("slot", "slot__advisor", "topic", "requester")
        .get(pk=booking.pk)
    )


def cancel_booking(*, booking: AdviceRequest, actor=None, by_office: bool = False):
    """Cancel an appointment: the slot is free again at once. The volunteer may cancel until
    the cut-off; the office at any time before the appointment."""
    with transaction.atomic():
        booking = _locked_booking(booking)
        if booking.kind != AdviceRequest.Kind.APPOINTMENT or booking.cancelled_at:
            raise AdviceError(_("This appointment has already been cancelled."))
        if booking.slot.starts_at <= timezone.now():
            raise AdviceError(_("This appointment has already taken place."))
        if not by_office and not before_cutoff(booking):
            raise AdviceError(
                _("It is too late to cancel online. Please call us so we can find a solution.")
            )
        booking.cancelled_at = timezone.now()
        old_status = booking.status
        booking.status = AdviceRequest.Status.CLOSED
        booking.outcome = AdviceRequest.Outcome.CANCELLED
        booking.save(update_fields=["cancelled_at", "status", "outcome", "updated_at"])
        _event(booking, actor, CaseEvent.Kind.CANCELLED, old=_slot_text(booking.slot))
        if old_status != booking.status:
            _event(booking, actor, CaseEvent.Kind.STATUS, old=old_status, new=booking.status)
        emails.booking_cancelled(booking, by_office=by_office)
    return booking


def reschedule_booking(
    *, booking: AdviceRequest, new_slot: Slot, actor=None, by_office: bool = False
):
    """Move an appointment to another free slot of the same topic; the old slot is freed."""
    with transaction.atomic():
        if booking.requester_id:
            User.objects.select_for_update().filter(pk=booking.requester_id).get()
        advisor_ids = sorted({booking.slot.advisor_id, new_slot.advisor_id})
        list(Advisor.objects.select_for_update().filter(pk__in=advisor_ids).order_by("pk"))
        booking = _locked_booking(booking)
        new_slot = Slot.objects.select_related("advisor").get(pk=new_slot.pk)
        if booking.kind != AdviceRequest.Kind.APPOINTMENT or booking.cancelled_at:
            raise AdviceError(_("This appointment has been cancelled and cannot be moved."))
        if not by_office and not before_cutoff(booking):
            raise AdviceError(_("It is too late to move the appointment online. Please call us."))
        if new_slot.pk == booking.slot_id:
            return booking
        if not new_slot.advisor.topics.filter(pk=booking.topic_id).exists():
            raise AdviceError(_("This adviser does not offer advice on this topic."))
        if not is_bookable(new_slot):
            raise SlotTaken(_("Sorry, this appointment has just been taken."))
        previous = booking.slot
        booking.slot, booking.format = new_slot, new_slot.format
        try:
            with transaction.atomic():
                booking.save(update_fields=["slot", "format", "updated_at"])
        except IntegrityError as exc:
            raise SlotTaken(_("Sorry, this appointment has just been taken.")) from exc
        _event(
            booking,
            actor,
            CaseEvent.Kind.RESCHEDULED,
            old=_slot_text(previous),
            new=_slot_text(new_slot),
        )
        emails.booking_rescheduled(booking, previous_start=previous.starts_at)
    return booking


def book_on_behalf(
    *,
    staff,
    email: str,
    first_name: str,
    last_name: str,
    slot: Slot,
    topic: Topic,
    concern: str,
    phone: str = "",
    association=None,
    municipality=None,
) -> AdviceRequest:
    """Someone phoned: the office books for them. Their account is found by address or made
    (without a password: they can set one with "password forgotten")."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and not user.is_active:
            raise AdviceError(
                _("The account with this address is deactivated; nothing was booked."),
                field="email",
            )
        if user is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        email=email, first_name=first_name, last_name=last_name, phone=phone
                    )
                    EmailAddress.objects.create(
                        user=user, email=user.email, primary=True, verified=False
                    )
            except IntegrityError:  # a colleague booked for the same new caller a moment ago
                user = User.objects.get(email__iexact=email)
        return book_slot(
            user=user,
            slot=slot,
            topic=topic,
            concern=concern,
            association=association,
            municipality=municipality,
            phone=phone,
            booked_by=staff,
        )


# --- Working on cases (staff) ---------------------------------------------------------------------

CASE_PERMISSION = "advice.change_advicerequest"


def works_on_cases(user) -> bool:
    """Active staff who may change cases (group Beratung, or the permission given otherwise)."""
    return bool(user and user.is_active and user.is_staff and user.has_perm(CASE_PERMISSION))


def check_case_change(*, case: AdviceRequest, status: str, outcome: str, assignee) -> None:
    """The rules of a case's state, for the service and for forms that want to say it early:
    a closed case has an outcome, and the assignee works on cases."""
    if status == AdviceRequest.Status.CLOSED and not outcome:
        raise AdviceError(_("Please choose an outcome before closing the case."), field="outcome")
    if assignee is not None and assignee != case.assignee and not works_on_cases(assignee):
        raise AdviceError(
            _("Cases can only be assigned to staff who work on advice cases."), field="assignee"
        )


def update_case(
    *,
    case: AdviceRequest,
    staff,
    status: str | None = None,
    outcome: str | None = None,
    assignee=...,
    due_on=...,
    association=...,
) -> AdviceRequest:
    """Change status, outcome, assignee, due date or association; each change is recorded.
    A case is closed only with an outcome; only staff who work on cases can be assigned."""
    with transaction.atomic():
        case = AdviceRequest.objects.select_for_update().get(pk=case.pk)
        check_case_change(
            case=case,
            status=case.status if status is None else status,
            outcome=case.outcome if outcome is None else outcome,
            assignee=case.assignee if assignee is ... else assignee,
        )
        changes = {}
        if status is not None and status != case.status:
            changes["status"] = (CaseEvent.Kind.STATUS, case.status, status)
        if outcome is not None and outcome != case.outcome:
            changes["outcome"] = (CaseEvent.Kind.OUTCOME, case.outcome, outcome)
        if assignee is not ... and assignee != case.assignee:
            changes["assignee"] = (CaseEvent.Kind.ASSIGNEE, case.assignee or "", assignee or "")
        if due_on is not ... and due_on != case.due_on:
            changes["due_on"] = (CaseEvent.Kind.DUE, case.due_on or "", due_on or "")
        if association is not ... and association != case.association:
            changes["association"] = (
                CaseEvent.Kind.ASSOCIATION,
                case.association or "",
                association or "",
            )
        new_values = {
            "status": status,
            "outcome": outcome,
            "assignee": assignee,
            "due_on": due_on,
            "association": association,
        }
        for field, (kind, old, new) in changes.items():
            setattr(case, field, new_values[field])
            _event(case, staff, kind, old=old, new=new)
        if changes:
            case.save(update_fields=[*changes, "updated_at"])
    return case


NOTE_MAX_LENGTH = CaseNote._meta.get_field("text").max_length


def add_note(*, case: AdviceRequest, staff, text: str) -> CaseNote:
    """An internal note by a member of staff; never shown to the volunteer."""
    text = text.strip()
    if not text:
        raise AdviceError(_("The note is empty."))
    if len(text) > NOTE_MAX_LENGTH:
        raise AdviceError(
            _("The note is too long (at most %(max)d characters).") % {"max": NOTE_MAX_LENGTH}
        )
    return CaseNote.objects.create(request=case, author=staff, text=text)


def mark_no_show(*, case: AdviceRequest, staff) -> AdviceRequest:
    """The volunteer did not come: recorded, and the case closed with that outcome."""
    with transaction.atomic():
        case = (
            AdviceRequest.objects.select_for_update(of=("self",))
            .select_related("slot")
            .get(pk=case.pk)
        )
        if case.kind != AdviceRequest.Kind.APPOINTMENT or case.cancelled_at:
            raise AdviceError(_("Only a booked appointment can be marked as missed."))
        if case.slot.starts_at > timezone.now():
            raise AdviceError(_("The appointment has not taken place yet."))
        if case.no_show:
            return case
        case.no_show = True
        old_status = case.status
        case.status, case.outcome = AdviceRequest.Status.CLOSED, AdviceRequest.Outcome.NO_SHOW
        case.save(update_fields=["no_show", "status", "outcome", "updated_at"])
        _event(case, staff, CaseEvent.Kind.NO_SHOW)
        if old_status != case.status:
            _event(case, staff, CaseEvent.Kind.STATUS, old=old_status, new=case.status)
    return case


def send_reminders(*, now=None) -> int:
    """Hourly: a reminder for every appointment tomorrow (local day) that is not cancelled.
    The outbox key makes a second run send nothing twice."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    due = AdviceRequest.objects.filter(
        Q(kind=AdviceRequest.Kind.APPOINTMENT) & Q(cancelled_at__isnull=True),
        slot__starts_at__date=tomorrow,
    ).select_related("slot", "slot__advisor", "topic", "requester")
    count = 0
    for booking in due:
        with transaction.atomic():
            emails.reminder(booking)
        count += 1
    return count
