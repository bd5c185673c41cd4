"""The Beratung admin's pages of their own: book for a caller, the statistics, the CSV export.

Each is reached through AdviceRequestAdmin.get_urls (admin login, second factor) and checks
the advice permission itself: staff of other groups get 403.
"""

import io
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from network.models import Association, Municipality
from portal.addresses import EmailAddressField
from portal.period import PeriodForm

from . import case_export, services
from .exceptions import AdviceError, SlotTaken
from .models import AdviceRequest, BookingRules, Format, Slot, Topic
from .slots import by_day, free_slots
from .statistics import case_report

NO_CONTROL_CHARACTERS = RegexValidator(
    r"[\x00-\x1f\x7f\u2028\u2029]",
    inverse_match=True,
    message=_("Please leave out line breaks and control characters."),
)
PHONE = RegexValidator(
    r"^\+?[0-9][0-9 ()/-]{3,38}$",
    message=_("Enter a phone number of digits, spaces, + ( ) / or -."),
)
DAYS_SHOWN = 7


def _context(request, model_admin, title, **values):
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "has_view_permission": model_admin.has_view_permission(request),
        **values,
    }


# --- Book for a caller ----------------------------------------------------------------------------


class SlotSearchForm(forms.Form):
    """Which free slots to show (in the address, so the week can be paged)."""

    topic = forms.ModelChoiceField(
        label=_("topic"), queryset=Topic.objects.filter(active=True), empty_label=None
    )
    format = forms.ChoiceField(
        label=_("format"), choices=[("", _("any format")), *Format.choices], required=False
    )
    week = forms.DateField(
        label=_("from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_week(self):
        week = self.cleaned_data.get("week")
        today = timezone.localdate()
        if week and not today - timedelta(days=1) <= week <= today + timedelta(weeks=60):
            raise forms.ValidationError(gettext("Please choose a day in the coming weeks."))
        return week


class CallerBookingForm(forms.Form):
    slot = forms.ModelChoiceField(
        label=_("appointment"),
        queryset=Slot.objects.all(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose an appointment.")},
    )
    email = EmailAddressField(
        label=_("e-mail address"),
        help_text=_(
            "The account with this address gets the booking; without one, an account is made "
            "(without a password: the person sets one with “Forgot your password?”)."
        ),
    )
    first_name = forms.CharField(
        label=_("first name"),
        max_length=150,
        required=False,
        validators=[NO_CONTROL_CHARACTERS],
        help_text=_("Needed for a new account only."),
    )
    last_name = forms.CharField(
        label=_("last name"),
        max_length=150,
        required=False,
        validators=[NO_CONTROL_CHARACTERS],
        help_text=_("Needed for a new account only."),
    )
    phone = forms.CharField(
        label=_("phone for the appointment"),
        max_length=40,
        required=False,
        validators=[PHONE],
    )
    concern = forms.CharField(
        label=_("concern"),
        max_length=AdviceRequest._meta.get_field("concern").max_length,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
    )
    association = forms.ModelChoiceField(
        label=_("association"),
        queryset=Association.objects.all(),
        required=False,
        help_text=_("Type a few letters of the name."),
    )
    municipality = forms.ModelChoiceField(
        label=_("municipality (for the statistics)"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        association = self.fields["association"]
        association.widget = AutocompleteSelect(
            AdviceRequest._meta.get_field("association"), admin_site
        )
        association.widget.choices = association.choices

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and not User.objects.filter(email__iexact=email).exists():
            for name in ("first_name", "last_name"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, gettext("Please give the name for the new account."))
        return cleaned


def book_for_caller(request, model_admin):
    """Someone phoned: choose a topic and a free slot, note the concern, book (same mails)."""
    if not model_admin.can_book_for_callers(request):
        raise PermissionDenied
    search = SlotSearchForm(request.GET or None)
    topic = fmt = None
    start = None
    free = []
    if search.is_bound and search.is_valid():
        topic, fmt = search.cleaned_data["topic"], search.cleaned_data["format"]
        start = search.cleaned_data["week"]
        free = list(free_slots(topic=topic, format=fmt, start=start, days=DAYS_SHOWN))
    form = CallerBookingForm(
        request.POST if request.method == "POST" else None, admin_site=model_admin.admin_site
    )
    if request.method == "POST" and topic is not None and form.is_valid():
        data = form.cleaned_data
        created = not User.objects.filter(email__iexact=data["email"]).exists()
        try:
            booking = services.book_on_behalf(
                staff=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                slot=data["slot"],
                topic=topic,
                concern=data["concern"],
                phone=data["phone"],
                association=data["association"],
                municipality=data["municipality"],
            )
        except AdviceError as error:
            field = error.field if error.field in form.fields else "slot"
            form.add_error(field, error.message)
            if isinstance(error, SlotTaken):
                free = list(free_slots(topic=topic, format=fmt, start=start, days=DAYS_SHOWN))
        else:
            messages.success(
                request,
                gettext("Booked: %(number)s on %(when)s. The confirmation went to %(email)s.")
                % {
                    "number": booking.number,
                    "when": f"{timezone.localtime(booking.slot.starts_at):%d.%m.%Y %H:%M}",
                    "email": booking.requester.email,
                },
            )
            if created:
                messages.info(
                    request,
                    gettext(
                        "A new account was made without a password; the person can set one "
                        "with “Forgot your password?” on the login page."
                    ),
                )
            return redirect("admin:advice_advicerequest_change", booking.pk)
    elif request.method == "POST" and topic is None:
        messages.error(request, gettext("Please choose a topic first."))
    notice = timedelta(hours=BookingRules.load().notice_hours)
    first_day = start or timezone.localdate(timezone.now() + notice)
    return TemplateResponse(
        request,
        "admin/advice/book_for_caller.html",
        _context(
            request,
            model_admin,
            gettext("Book an appointment for a caller"),
            search=search,
            form=form,
            media=model_admin.media + form.media,
            topic=topic,
            days=by_day(free),
            first_day=first_day,
            last_day=first_day + timedelta(days=DAYS_SHOWN - 1),
            selected_slot=str(form["slot"].value() or ""),
            week_links=_week_links(topic, fmt, first_day),
        ),
    )


def _week_links(topic, fmt, first_day: date) -> dict:
    """The week before (not before today) and after, with the same topic and format."""
    if topic is None:
        return {}
    today = timezone.localdate()
    params = {"topic": topic.pk, "format": fmt or ""}
    links = {
        "next": "?"
        + urlencode({**params, "week": (first_day + timedelta(days=DAYS_SHOWN)).isoformat()})
    }
    if first_day > today:
        previous_day = max(first_day - timedelta(days=DAYS_SHOWN), today)
        links["previous"] = "?" + urlencode({**params, "week": previous_day.isoformat()})
    return links


# --- Statistics -----------------------------------------------------------------------------------


def statistics(request, model_admin):
    """Counts only, for the reports to the funder and the Kreistag."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    report = None
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data if form.is_bound else {}
        report = case_report(since=period.get("since"), until=period.get("until"))
    return TemplateResponse(
        request,
        "admin/advice/statistics.html",
        _context(request, model_admin, gettext("Advice in numbers"), form=form, report=report),
    )


# --- CSV export -----------------------------------------------------------------------------------


def csv_response(queryset) -> HttpResponse:
    stream = io.StringIO()
    case_export.write_csv(queryset, stream)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"beratungsfaelle-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def export_list(request, model_admin):
    """The case list as it is filtered and searched on the page, as CSV."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        changelist_url = reverse("admin:advice_advicerequest_changelist")
        return HttpResponseRedirect(f"{changelist_url}?e=1")
    return csv_response(changelist.get_queryset(request))
