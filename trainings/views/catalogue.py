"""The public catalogue: the list of upcoming courses with search and filters, a course's
page, and the calendar files (one course; the feed of all public courses).

Filters and page live in the URL (GET), so a search can be shared and the back button works.
A bad parameter is dropped and named in the error summary; the page never fails on it. A draft
is "not found" for everyone but staff who may see courses (they get a preview, marked so).
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import SiteConfiguration

from ..calendar import course_ics, courses_ics
from ..forms import CourseFilterForm
from ..models import Course, Registration
from ..selectors import course_for_page, feed_courses, for_listing, search_courses

PER_PAGE = 20


def _url(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


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


def with_seat_status(course: Course, now) -> Course:
    """What the seat badge shows: free seats, waiting list, fully booked, or closed."""
    course.seats = course.seat_status()
    course.open = course.registration_open(now)
    return course


def catalogue(request):
    form = CourseFilterForm(request.GET)
    form.is_valid()  # what is not valid is left out and listed in the error summary
    params = form.params()
    path = request.path
    paginator = Paginator(for_listing(search_courses(form.filters())), PER_PAGE)
    number = form.page_number
    if number > paginator.num_pages:
        form.page_error(
            _("There is no page %(number)d: showing page %(last)d, the last one.")
            % {"number": number, "last": paginator.num_pages}
        )
        number = paginator.num_pages
    page = paginator.page(number)
    now = timezone.now()
    results = [with_seat_status(course, now) for course in page.object_list]
    loosen = []
    if not results and params:
        for name, label in form.active_filters():
            count = search_courses(form.filters(without=name)).count()
            if count:
                without = {k: v for k, v in params.items() if k != name}
                loosen.append({"label": label, "count": count, "url": _url(path, without)})
    return render(
        request,
        "trainings/catalogue.html",
        {
            "form": form,
            "params": params,
            "page": page,
            "results": results,
            "count": paginator.count,
            "pagination": _pagination(paginator, page, path, params),
            "loosen": loosen,
            "reset_url": path,
            "topics": form.topics.values(),
        },
    )


def _may_preview(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm("trainings.view_course")


def course(request, slug):
    found = course_for_page(slug)
    if found is None:
        raise Http404
    if found.status == Course.Status.DRAFT and not _may_preview(request.user):
        raise Http404
    now = timezone.now()
    with_seat_status(found, now)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(course=found, user=request.user).first()
    return render(
        request,
        "trainings/course_detail.html",
        {
            "course": found,
            "dates": list(found.dates.all()),
            "speakers": list(found.speakers.all()),
            "venue": found.venue if found.needs_venue else None,
            "registration": registration,
            "active": registration is not None and registration.active,
            "cancellation_deadline": found.cancellation_deadline or found.starts_at,
            "registration_deadline": found.registration_deadline or found.starts_at,
            "draft": found.status == Course.Status.DRAFT,
            "cancelled": found.status == Course.Status.CANCELLED,
        },
    )


def _ics_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def course_calendar(request, slug):
    found = (
        Course.objects.filter(status__in=[Course.Status.PUBLISHED, Course.Status.CANCELLED])
        .select_related("venue")
        .prefetch_related("dates")
        .filter(slug=slug)
        .first()
    )
    if found is None or not found.dates.all():
        raise Http404
    return _ics_response(course_ics(found), f"{found.slug}.ics")


def calendar_feed(request):
    office = SiteConfiguration.load().office_name
    name = _("%(office)s: training courses") % {"office": office}
    response = _ics_response(courses_ics(feed_courses(), name=name), "fortbildungen.ics")
    response["Content-Disposition"] = 'inline; filename="fortbildungen.ics"'
    return response
