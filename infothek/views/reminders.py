"""Frist merken: asking for a reminder before a programme's deadline, changing or deleting it,
and "Meine Fristen" in Mein Konto.

Only POST changes anything; a GET of the remember address leads back to the programme. A
reminder of someone else is "not found".
"""

from datetime import timedelta

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..exceptions import InfothekError
from ..models import DeadlineReminder, FundingProgramme
from ..programme_forms import ReminderForm

MAX_ID = 2**63 - 1

# How a reminder looks to the person, and the badge's tone.
SENT = pgettext_lazy("reminder status", "sent")
PLANNED = pgettext_lazy("reminder status", "planned")
PASSED = pgettext_lazy("reminder status", "deadline passed")
WITHDRAWN = pgettext_lazy("reminder status", "programme withdrawn")


def reminder_status(reminder: DeadlineReminder, today) -> tuple[str, str]:
    programme = reminder.programme
    if reminder.sent_at:
        return SENT, "success"
    if not programme.is_public():
        return WITHDRAWN, "warning"
    if programme.deadline is None or programme.deadline < today:
        return PASSED, "info"
    return PLANNED, "info"


def too_many_message() -> str:
    return _("You have done this several times in a short while. Please try again later.")


@login_required
@require_http_methods(["GET", "POST"])
def remember(request, slug):
    programme = get_object_or_404(FundingProgramme.objects.public(), slug=slug[:120])
    if request.method != "POST":
        return redirect(programme)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["days_before"][0])
    elif not ratelimit.consume(request, action="infothek_reminder", user=request.user):
        messages.error(request, too_many_message())
    else:
        try:
            reminder = services.remember_deadline(
                user=request.user,
                programme=programme,
                days_before=form.cleaned_data["days_before"],
            )
        except InfothekError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "We will remind you by e-mail %(days)d day before the deadline (%(deadline)s).",
                    "We will remind you by e-mail %(days)d days before the deadline "
                    "(%(deadline)s).",
                    reminder.days_before,
                )
                % {
                    "days": reminder.days_before,
                    "deadline": date_format(programme.deadline, "SHORT_DATE_FORMAT"),
                },
            )
    return redirect(programme)


@login_required
def my_reminders(request):
    today = timezone.localdate()
    reminders = list(
        DeadlineReminder.objects.filter(user=request.user)
        .select_related("programme")
        .order_by("programme__deadline", "programme__title", "pk")
    )
    for reminder in reminders:
        reminder.status, reminder.tone = reminder_status(reminder, today)
        deadline = reminder.programme.deadline
        reminder.remind_on = None
        if deadline and not reminder.sent_at:
            reminder.remind_on = max(deadline - timedelta(days=reminder.days_before), today)
        reminder.linked = reminder.programme.is_public()
    return render(request, "infothek/my_reminders.html", {"reminders": reminders})


@login_required
@require_POST
def forget(request, pk):
    reminder = get_object_or_404(
        DeadlineReminder.objects.select_related("programme"),
        pk=pk if pk <= MAX_ID else 0,
        user=request.user,
    )
    services.forget_deadline(reminder=reminder)
    messages.success(
        request,
        _("The reminder for “%(title)s” is deleted.") % {"title": reminder.programme.title},
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("infothek:my_reminders")
