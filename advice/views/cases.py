"""A person's own appointments and questions: "Meine Beratungen" in Mein Konto, cancelling
and moving there or through the signed links in the booking mails (no login needed), and
the calendar file.

A link opened by GET never changes anything (mail scanners follow links): it shows the
appointment and a button; only the POST cancels or moves. A link that is no longer valid
(used, moved, cancelled, past the cut-off, forged) shows one friendly page with the office's
phone number and answers 404, the same whatever the reason, so a guessed token learns
nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from .. import services
from ..emails import calendar_attachment
from ..exceptions import AdviceError, SlotTaken
from ..forms import NewTimeForm, SlotPickerForm, Weeks
from ..links import before_cutoff, booking_for_token
from ..models import AdviceRequest, Format, Slot
from .booking import instructions, own_case, week_of_slots

MAX_TOKEN_LENGTH = 500  # a real token is about 60 characters

# How a case looks to the person who asked (not the office's workflow words).
APPOINTMENT_CONFIRMED = pgettext_lazy("advice status", "confirmed")
APPOINTMENT_CANCELLED = pgettext_lazy("advice status", "cancelled")
APPOINTMENT_HELD = pgettext_lazy("advice status", "took place")
APPOINTMENT_MISSED = pgettext_lazy("advice status", "missed")
QUESTION_STATUS = {
    AdviceRequest.Status.NEW: (pgettext_lazy("advice status", "received"), "info"),
    AdviceRequest.Status.IN_PROGRESS: (pgettext_lazy("advice status", "being answered"), "info"),
    AdviceRequest.Status.WAITING: (
        pgettext_lazy("advice status", "waiting for your reply"),
        "warning",
    ),
    AdviceRequest.Status.CLOSED: (pgettext_lazy("advice status", "answered"), "success"),
}


def person_status(case: AdviceRequest, now) -> tuple[str, str]:
    """The status in the person's words, and the badge's tone."""
    if case.kind == AdviceRequest.Kind.QUESTION:
        return QUESTION_STATUS.get(case.status, QUESTION_STATUS[AdviceRequest.Status.NEW])
    if case.cancelled_at:
        return APPOINTMENT_CANCELLED, "danger"
    if case.no_show:
        return APPOINTMENT_MISSED, "warning"
    if case.slot.starts_at > now:
        return APPOINTMENT_CONFIRMED, "success"
    return APPOINTMENT_HELD, "info"


# --- Meine Beratungen -------------------------------------------------------------------------


@login_required
def my_bookings(request):
    now = timezone.now()
    cases = list(
        AdviceRequest.objects.filter(requester=request.user)
        .select_related("slot", "slot__advisor", "topic")
        .order_by("-created_at")
    )
    upcoming, past, questions = [], [], []
    for case in cases:
        case.person_status, case.status_tone = person_status(case, now)
        if case.kind == AdviceRequest.Kind.QUESTION:
            questions.append(case)
        elif case.cancelled_at is None and case.slot.starts_at > now:
            case.changeable = before_cutoff(case)
            upcoming.append(case)
        else:
            past.append(case)
    upcoming.sort(key=lambda c: c.slot.starts_at)
    past.sort(key=lambda c: c.slot.starts_at, reverse=True)
    return render(
        request,
        "advice/my_bookings.html",
        {"upcoming": upcoming, "past": past, "questions": questions},
    )


@login_required
def calendar_file(request, number):
    booking = own_case(request, number, AdviceRequest.Kind.APPOINTMENT)
    attachment = calendar_attachment(booking)
    response = HttpResponse(attachment.content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{booking.number}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Cancelling -------------------------------------------------------------------------------


def _too_late(request, booking: AdviceRequest, status: int = 200):
    return render(request, "advice/too_late.html", {"booking": booking}, status=status)


def _cancel_page(request, booking, *, move_url: str, actor, done_url: str):
    if request.method == "POST":
        try:
            services.cancel_booking(booking=booking, actor=actor)
        except AdviceError as error:
            messages.error(request, error.message)
        else:
            local = timezone.localtime(booking.slot.starts_at)
            messages.success(
                request,
                _(
                    "Your appointment on %(date)s at %(time)s is cancelled. We have sent you a "
                    "confirmation by e-mail."
                )
                % {"date": f"{local:%d.%m.%Y}", "time": f"{local:%H:%M}"},
            )
        return redirect(done_url)
    return render(
        request,
        "advice/cancel.html",
        {
            "booking": booking,
            "instructions": instructions(booking),
            "action_url": request.path,
            "move_url": move_url,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, number):
    booking = own_case(request, number, AdviceRequest.Kind.APPOINTMENT)
    if booking.cancelled_at or not before_cutoff(booking):
        return _too_late(request, booking)
    return _cancel_page(
        request,
        booking,
        move_url=reverse("advice:reschedule", args=[booking.number]),
        actor=request.user,
        done_url=reverse("advice:my_bookings"),
    )


def _link_booking(token: str) -> AdviceRequest | None:
    return booking_for_token(token) if len(token) <= MAX_TOKEN_LENGTH else None


def _dead_link(request):
    return render(request, "advice/link_invalid.html", status=404)


def _done_url(request) -> str:
    return reverse("advice:my_bookings" if request.user.is_authenticated else "advice:overview")


@require_http_methods(["GET", "POST"])
def cancel_link(request, token):
    booking = _link_booking(token)
    if booking is None:
        return _dead_link(request)
    return _cancel_page(
        request,
        booking,
        move_url=reverse("advice:reschedule_link", args=[token]),
        actor=booking.requester,
        done_url=_done_url(request),
    )


# --- Moving -----------------------------------------------------------------------------------


def _move_page(request, booking, *, actor, done_url: str):
    """The free times of the same topic, a week at a time (the picker's choices in the URL);
    choosing one and pressing the button moves the appointment."""
    query = request.GET.copy()
    query["topic"] = booking.topic.slug
    if request.method == "POST":
        query["start"] = request.POST.get("start", "")
    picker = SlotPickerForm(query, weeks=Weeks())
    form = NewTimeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        new_slot = Slot.objects.filter(pk=form.cleaned_data["slot"]).first()
        if new_slot is None or (new_slot.format == Format.PHONE and not booking.phone):
            form.add_error("slot", _("Please choose one of the times shown."))
        else:
            try:
                moved = services.reschedule_booking(booking=booking, new_slot=new_slot, actor=actor)
            except SlotTaken as error:
                another = _("Please choose another time.")
                form.add_error("slot", f"{error.message} {another}")
            except AdviceError as error:
                form.add_error(None, error.message)
            else:
                local = timezone.localtime(moved.slot.starts_at)
                messages.success(
                    request,
                    _(
                        "Your appointment is moved to %(date)s at %(time)s. We have sent you "
                        "the new calendar entry by e-mail."
                    )
                    % {"date": f"{local:%d.%m.%Y}", "time": f"{local:%H:%M}"},
                )
                return redirect(done_url)
    context = week_of_slots(
        picker, path=request.path, without=("topic",), exclude_phone=not booking.phone
    )
    return render(
        request,
        "advice/reschedule.html",
        {
            **context,
            "booking": booking,
            "instructions": instructions(booking),
            "picker": picker,
            "form": form,
            "chosen": str(form.data.get("slot", "")) if form.is_bound else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, number):
    booking = own_case(request, number, AdviceRequest.Kind.APPOINTMENT)
    if booking.cancelled_at or not before_cutoff(booking):
        return _too_late(request, booking)
    return _move_page(request, booking, actor=request.user, done_url=reverse("advice:my_bookings"))


@require_http_methods(["GET", "POST"])
def reschedule_link(request, token):
    booking = _link_booking(token)
    if booking is None:
        return _dead_link(request)
    return _move_page(request, booking, actor=booking.requester, done_url=_done_url(request))
