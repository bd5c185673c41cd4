"""The public Beratung pages: what is offered, the slot picker, booking, the confirmation and
the written question.

Thin views: they read the request, call one service (advice.services) and render. Hostile
parameters never fail a page: the picker drops what is not valid and says so. A case can
only be seen by the person who asked; anyone else's number is "not found".
"""

import re
from datetime import timedelta
from urllib.parse import urlencode

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..exceptions import AdviceError, SlotTaken
from ..forms import MAX_ID, BookingForm, QuestionForm, SlotPickerForm, Weeks
from ..links import before_cutoff
from ..models import AdviceRequest, BookingRules, Format, Slot, Topic, WeeklyAvailability
from ..slots import by_day, free_slots, is_bookable

NUMBER = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}\Z")  # a Terminnummer: services.new_number()
WEEK = timedelta(days=7)


def too_many_message() -> str:
    return _("You have done this several times in a short while. Please try again later.")


def url_with(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def picker_url(topic_slug: str = "", start=None) -> str:
    params = {"topic": topic_slug} if topic_slug else {}
    if start is not None:
        params["start"] = start.isoformat()
    return url_with(reverse("advice:slots"), params)


def own_case(request, number: str, kind: str) -> AdviceRequest:
    """The person's own case of this kind; any other number is "not found"."""
    if not NUMBER.match(number):
        raise Http404
    case = (
        AdviceRequest.objects.select_related("slot", "slot__advisor", "topic", "association")
        .filter(number=number, requester=request.user, kind=kind)
        .first()
    )
    if case is None:
        raise Http404
    return case


def instructions(booking: AdviceRequest) -> str:
    """Where to go, or how the call or video works (as in the confirmation mail)."""
    slot = booking.slot
    return {
        Format.ON_SITE: slot.place,
        Format.PHONE: slot.advisor.phone_instructions,
        Format.VIDEO: slot.advisor.video_instructions,
    }.get(booking.format, "")


# --- What is offered --------------------------------------------------------------------------


def overview(request):
    places = sorted(
        {
            place or location
            for place, location in WeeklyAvailability.objects.filter(
                format=Format.ON_SITE, advisor__active=True
            ).values_list("place", "advisor__location")
        }
        - {""}
    )
    return render(
        request,
        "advice/overview.html",
        {"topics": list(Topic.objects.filter(active=True)), "places": places},
    )


# --- The slot picker --------------------------------------------------------------------------


def week_of_slots(form: SlotPickerForm, *, path: str, without=(), exclude_phone=False) -> dict:
    """The free times of the chosen week grouped by day, the links to the weeks before and
    after (keeping the choices, except the parameters in `without`), and when the week is
    empty the next week that has a free time. Shared by the picker and "move"."""
    weeks, week, topic = form.weeks, form.week, form.chosen_topic

    def slots(start, days):
        found = free_slots(
            topic=topic, format=form.format_code, advisor=form.advisor, start=start, days=days
        )
        return found.exclude(format=Format.PHONE) if exclude_phone else found

    def link(monday) -> str:
        params = form.params(start=monday.isoformat() if monday != weeks.first else None)
        return url_with(path, {k: v for k, v in params.items() if k not in without})

    days = by_day(slots(week, 7))
    later_url = ""
    if not days:
        later = slots(week + WEEK, (weeks.last - week).days + 7).first()
        if later is not None:
            later_day = timezone.localdate(later.starts_at)
            later_url = link(later_day - timedelta(days=later_day.weekday()))
    return {
        "week": week,
        "week_end": week + timedelta(days=6),
        "days": days,
        "later_url": later_url,
        "filtered": bool(form.format_code or form.advisor),
        "unfiltered_url": url_with(path, {} if "topic" in without else {"topic": topic.slug}),
        "previous_url": link(week - WEEK) if week > weeks.first else "",
        "next_url": link(week + WEEK) if week < weeks.last else "",
    }


def slot_picker(request):
    """Topic first; then the free times of one week, grouped by day, as links to book."""
    form = SlotPickerForm(request.GET or None, weeks=Weeks())
    topic = form.chosen_topic
    context = {"form": form, "topic": topic}
    if topic is not None:
        context.update(week_of_slots(form, path=request.path))
        for day in context["days"]:
            for slot in day.slots:
                slot.book_url = url_with(
                    reverse("advice:book", args=[slot.pk]), {"topic": topic.slug}
                )
        context["question_url"] = url_with(reverse("advice:question"), {"topic": topic.slug})
    return render(request, "advice/slot_picker.html", context)


# --- Booking ----------------------------------------------------------------------------------


def _case_form(form_class, request, **kwargs):
    """The form as posted; after "Search" (for an association) it is shown again unchecked,
    with what was typed and the matches, so no error appears for fields not filled yet."""
    if request.method != "POST":
        return form_class(None, **kwargs)
    if "find_association" in request.POST:
        return form_class(
            None,
            initial=request.POST.dict(),
            search=request.POST.get("association_search", ""),
            **kwargs,
        )
    return form_class(request.POST, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def book(request, slot_id):
    topic_slug = request.GET.get("topic", "")[:50]
    slot = (
        Slot.objects.select_related("advisor").filter(pk=slot_id).first()
        if slot_id <= MAX_ID
        else None
    )
    if slot is None:
        messages.info(request, _("This time is no longer offered. Please choose another one."))
        return redirect(picker_url(topic_slug))
    if not is_bookable(slot):
        messages.warning(
            request,
            _("Sorry, this appointment has just been taken. Here are the next free times."),
        )
        return redirect(picker_url(topic_slug, timezone.localdate(slot.starts_at)))
    form = _case_form(BookingForm, request, user=request.user, slot=slot, topic_initial=topic_slug)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if not ratelimit.consume(request, action="advice_booking", user=request.user):
            form.add_error(None, too_many_message())
        else:
            try:
                booking = services.book_slot(
                    user=request.user,
                    slot=slot,
                    topic=data["topic"],
                    concern=data["concern"].strip(),
                    association=data["association"],
                    municipality=data["municipality"],
                    phone=data["phone"],
                )
            except SlotTaken as error:
                next_times = _("Here are the next free times.")
                messages.warning(request, f"{error.message} {next_times}")
                return redirect(picker_url(data["topic"].slug, timezone.localdate(slot.starts_at)))
            except AdviceError as error:
                form.add_error(None, error.message)
            else:
                return redirect("advice:booked", booking.number)
    return render(
        request,
        "advice/book.html",
        {
            "slot": slot,
            "form": form,
            "open_bookings": services.open_bookings(request.user),
            "max_open_bookings": BookingRules.load().max_open_bookings,
            "back_url": picker_url(topic_slug, timezone.localdate(slot.starts_at)),
        },
    )


@login_required
def booked(request, number):
    booking = own_case(request, number, AdviceRequest.Kind.APPOINTMENT)
    return render(
        request,
        "advice/booked.html",
        {
            "booking": booking,
            "instructions": instructions(booking),
            "changeable": booking.cancelled_at is None and before_cutoff(booking),
        },
    )


# --- The written question ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question(request):
    topic_slug = request.GET.get("topic", "")[:50]
    form = _case_form(QuestionForm, request, user=request.user, topic_initial=topic_slug)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if not ratelimit.consume(request, action="advice_question", user=request.user):
            form.add_error(None, too_many_message())
        else:
            case = services.ask_question(
                user=request.user,
                topic=data["topic"],
                concern=data["concern"].strip(),
                association=data["association"],
                municipality=data["municipality"],
            )
            return redirect("advice:question_sent", case.number)
    return render(request, "advice/question.html", {"form": form})


@login_required
def question_sent(request, number):
    case = own_case(request, number, AdviceRequest.Kind.QUESTION)
    return render(request, "advice/question_sent.html", {"case": case})
