"""Förderprogramme: the list with its filters in the URL, and one programme's page.

The list shows what is open now unless the person asks for closed ones too (open=0); a
programme whose deadline passed leaves the open list by itself (FundingProgramme.open_now).
Filters and page live in the URL (GET), so a search can be shared and works without
JavaScript. A bad parameter is dropped and named in the error summary; never a 500.
"""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Case, F, When
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import DeadlineReminder, FundingProgramme
from ..programme_forms import ProgrammeFilterForm, ReminderForm

PER_PAGE = 20
VIEW_PERMISSION = "infothek.view_fundingprogramme"


def _url(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def euros(amount: Decimal) -> str:
    """5.000 € in German (cents only where there are any)."""
    cents = 0 if amount == amount.to_integral_value() else 2
    return _("€%(amount)s") % {
        "amount": number_format(amount, decimal_pos=cents, force_grouping=True)
    }


def amount_range(programme: FundingProgramme) -> str:
    """ "bis 5.000 €", "500 € bis 5.000 €", "ab 500 €", or nothing."""
    low, high = programme.amount_min, programme.amount_max
    if low and high:
        if low == high:
            return euros(high)
        return _("%(min)s to %(max)s") % {"min": euros(low), "max": euros(high)}
    if high:
        return _("up to %(max)s") % {"max": euros(high)}
    if low:
        return _("from %(min)s") % {"min": euros(low)}
    return ""


def _decorate(programme: FundingProgramme, today) -> FundingProgramme:
    programme.display_title = programme.localized("title")
    programme.display_summary = programme.localized("summary")
    programme.amount_text = amount_range(programme)
    programme.expired = programme.deadline is not None and programme.deadline < today
    return programme


def filtered(form: ProgrammeFilterForm, *, without: str = "", closed_too=None, today=None):
    """The public programmes the valid filters ask for (one of them left out on request),
    sorted by the next deadline: rolling ones after dated ones; with closed ones shown, those
    come last, the latest first."""
    today = today or timezone.localdate()
    closed_too = not form.open_only if closed_too is None else closed_too
    programmes = (
        FundingProgramme.objects.public()
        if closed_too
        else FundingProgramme.objects.open_now(today)
    )
    if form.topic_obj is not None and without != "topic":
        programmes = programmes.filter(topics=form.topic_obj)
    if form.within_weeks and without != "within":
        programmes = programmes.filter(
            deadline__gte=today, deadline__lte=today + timedelta(weeks=form.within_weeks)
        )
    if form.funder_type and without != "funder":
        programmes = programmes.filter(funder_type=form.funder_type)
    if closed_too:
        programmes = programmes.annotate(
            upcoming=Case(When(deadline__gte=today, then=F("deadline"))),
            passed=Case(When(deadline__lt=today, then=F("deadline"))),
        ).order_by(F("passed").desc(nulls_first=True), F("upcoming").asc(nulls_last=True), "title")
    return programmes


def _pagination(paginator, page, path: str, params: dict) -> dict | None:
    """Links to the pages around the current one, the first and last, previous and next;
    every link keeps the filters. None when everything fits on one page."""
    if paginator.num_pages < 2:
        return None

    def url(number: int) -> str:
        return _url(path, {**params, "page": number} if number > 1 else params)

    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"gap": True})
        else:
            items.append({"number": number, "url": url(number), "current": number == page.number})
    return {
        "items": items,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


def programme_list(request):
    form = ProgrammeFilterForm(request.GET)
    form.is_valid()  # what is not valid is left out and listed in the error summary
    today = timezone.localdate()
    params = form.params()
    paginator = Paginator(filtered(form, today=today).prefetch_related("topics"), PER_PAGE)
    number = form.page_number
    if number > paginator.num_pages:
        form.page_error(
            _("There is no page %(number)d: showing page %(last)d, the last one.")
            % {"number": number, "last": paginator.num_pages}
        )
        number = paginator.num_pages
    page = paginator.page(number)
    results = [_decorate(programme, today) for programme in page.object_list]
    loosen = []
    if not results:
        for name, label in form.active_filters():
            count = filtered(form, without=name, today=today).count()
            if count:
                without = {k: v for k, v in params.items() if k != name}
                loosen.append({"label": label, "count": count, "url": _url(request.path, without)})
        # A deadline within the next weeks is never a closed one: no need to count those.
        if form.open_only and not form.within_weeks:
            closed = filtered(form, closed_too=True, today=today).count()
            if closed:
                loosen.append(
                    {
                        "label": _("including closed ones"),
                        "count": closed,
                        "url": _url(request.path, {**params, "open": "0"}),
                    }
                )
    return render(
        request,
        "infothek/programme_list.html",
        {
            "form": form,
            "params": params,
            "page": page,
            "results": results,
            "count": paginator.count,
            "pagination": _pagination(paginator, page, request.path, params),
            "loosen": loosen,
            "reset_url": request.path,
            "open_only": form.open_only,
        },
    )


def may_preview(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm(VIEW_PERMISSION)


def programme_detail(request, slug):
    programme = FundingProgramme.objects.prefetch_related("topics").filter(slug=slug[:120]).first()
    if programme is None or (not programme.is_public() and not may_preview(request.user)):
        raise Http404
    today = timezone.localdate()
    _decorate(programme, today)
    programme.display_body = programme.localized("body")
    rememberable = programme.is_open(today) and not programme.rolling
    reminder = None
    if request.user.is_authenticated and rememberable:
        reminder = DeadlineReminder.objects.filter(user=request.user, programme=programme).first()
    form = None
    if rememberable and request.user.is_authenticated:
        form = ReminderForm(initial={"days_before": reminder.days_before if reminder else 14})
    return render(
        request,
        "infothek/programme_detail.html",
        {
            "programme": programme,
            "topics": list(programme.topics.all()),
            "preview": not programme.is_public(),
            "rememberable": rememberable,
            "reminder": reminder,
            "reminder_on": (
                programme.deadline - timedelta(days=reminder.days_before) if reminder else None
            ),
            "form": form,
        },
    )
