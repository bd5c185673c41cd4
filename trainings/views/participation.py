"""Taking part: registering for a course, cancelling or leaving the waiting list, "Meine
Fortbildungen" in Mein Konto, course wishes and feedback through the link in the thank-you
mail (no login needed).

Thin views: they read the request, call one service (trainings.services) and redirect with a
message; a TrainingError becomes a form error or a message. A registration can only be seen
by the person it belongs to; anyone else's number is "not found".
"""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..exceptions import TrainingError
from ..forms import FeedbackForm, RegistrationForm, WishForm
from ..links import registration_for_feedback
from ..models import Course, CourseWish, Registration
from ..selectors import course_for_page, registrations_of

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger number is simply "not found"
MAX_TOKEN_LENGTH = 500  # a real token is well under 100 characters


def too_many_message() -> str:
    return _("You have done this several times in a short while. Please try again later.")


def _add_error(form, error: TrainingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def registered_message(registration: Registration) -> str:
    title = registration.course.localized_title()
    if registration.status == Registration.Status.CONFIRMED:
        return _(
            "Your seat in “%(course)s” is confirmed. We have sent you a confirmation by e-mail."
        ) % {"course": title}
    return _(
        "The course “%(course)s” is fully booked: you are on the waiting list, position "
        "%(position)d. We will write to you as soon as a seat becomes free."
    ) % {"course": title, "position": registration.position}


# --- Registering ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug):
    course = course_for_page(slug)
    if course is None or course.status != Course.Status.PUBLISHED:
        raise Http404
    course_url = course.get_absolute_url()
    existing = Registration.objects.filter(course=course, user=request.user).first()
    if existing is not None and existing.active:
        messages.info(request, _("You are already registered for this course."))
        return redirect(course_url)
    if not course.registration_open():
        messages.info(request, _("Registration for this course is closed."))
        return redirect(course_url)
    if request.method != "POST":
        form = RegistrationForm(None, user=request.user)
    elif "find_association" in request.POST:
        # "Search" for an association: the form again, unchecked, with the matches.
        form = RegistrationForm(
            None,
            user=request.user,
            initial=request.POST.dict(),
            search=request.POST.get("association_search", ""),
        )
    else:
        form = RegistrationForm(request.POST, user=request.user)
    if form.is_bound and form.is_valid():
        if not ratelimit.consume(request, action="training_registration", user=request.user):
            form.add_error(None, too_many_message())
        else:
            try:
                registration = services.register(
                    course=course,
                    user=request.user,
                    association=form.cleaned_data["association"],
                    needs=form.cleaned_data["needs"],
                )
            except TrainingError as error:
                _add_error(form, error)
            else:
                messages.success(request, registered_message(registration))
                return redirect(course_url)
    seats = course.seat_status()
    return render(
        request,
        "trainings/register.html",
        {
            "course": course,
            "dates": list(course.dates.all()),
            "form": form,
            "waitlist": seats["code"] != "free",
            "waiting": course.waitlist_count,
        },
    )


# --- Cancelling -------------------------------------------------------------------------------


def own_registration(request, pk: int) -> Registration:
    """The person's own registration; any other number is "not found"."""
    registration = (
        Registration.objects.select_related("course__venue")
        .prefetch_related("course__dates")
        .filter(pk=pk, user=request.user)
        .first()
        if pk <= MAX_ID
        else None
    )
    if registration is None:
        raise Http404
    return registration


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    registration = own_registration(request, pk)
    course = registration.course
    waitlisted = registration.status == Registration.Status.WAITLISTED
    too_late = registration.status == Registration.Status.CONFIRMED and not (
        course.cancellation_open()
    )
    if request.method == "POST" and registration.active and not too_late:
        try:
            services.cancel_registration(registration=registration)
        except TrainingError as error:
            messages.error(request, error.message)
        else:
            title = course.localized_title()
            if waitlisted:
                text = _("You have left the waiting list for “%(course)s”.")
            else:
                text = _(
                    "Your registration for “%(course)s” is cancelled. We have sent you a "
                    "confirmation by e-mail."
                )
            messages.success(request, text % {"course": title})
        return redirect("trainings:my_trainings")
    return render(
        request,
        "trainings/cancel.html",
        {
            "registration": registration,
            "course": course,
            "dates": list(course.dates.all()),
            "waitlisted": waitlisted,
            "too_late": too_late,
            "cancellation_deadline": course.cancellation_deadline or course.starts_at,
        },
    )


# --- Meine Fortbildungen ----------------------------------------------------------------------


@login_required
def my_trainings(request):
    now = timezone.now()
    upcoming, past, cancelled = [], [], []
    for registration in registrations_of(request.user):
        course = registration.course
        registration.cert = getattr(registration, "certificate", None)
        if registration.status == Registration.Status.CANCELLED:
            cancelled.append(registration)
        elif course.ends_at is not None and course.ends_at > now:
            registration.cancellable = (
                registration.status == Registration.Status.WAITLISTED or course.cancellation_open()
            )
            upcoming.append(registration)
        else:
            past.append(registration)
    far = timezone.now().replace(year=9999)
    upcoming.sort(key=lambda r: r.course.starts_at or far)
    past.sort(key=lambda r: r.course.starts_at or far, reverse=True)
    cancelled.sort(key=lambda r: r.cancelled_at or far, reverse=True)
    return render(
        request,
        "trainings/my_trainings.html",
        {"upcoming": upcoming, "past": past, "cancelled": cancelled},
    )


# --- Course wishes ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def wish(request):
    form = WishForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not ratelimit.consume(request, action="training_wish", user=request.user):
            form.add_error(None, too_many_message())
        else:
            data = form.cleaned_data
            try:
                services.wish_course(
                    user=request.user, topic=data["topic"], text=data["text"], notify=data["notify"]
                )
            except TrainingError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request, _("Thank you! We take your wish into account when we plan courses.")
                )
                return redirect("trainings:wish")
    wishes = list(
        CourseWish.objects.filter(user=request.user, notified_at__isnull=True).select_related(
            "topic"
        )
    )
    return render(request, "trainings/wish.html", {"form": form, "wishes": wishes})


# --- Feedback ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feedback(request, token):
    registration = registration_for_feedback(token) if len(token) <= MAX_TOKEN_LENGTH else None
    if registration is None:
        return render(request, "trainings/feedback_invalid.html", status=410)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.give_feedback(
                registration=registration,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except TrainingError as error:
            _add_error(form, error)
        else:
            return render(
                request, "trainings/feedback_thanks.html", {"course": registration.course}
            )
    return render(
        request,
        "trainings/feedback.html",
        {"form": form, "course": registration.course},
    )
