"""Reading the catalogue: upcoming public courses with filters and search, one course's page,
a person's registrations.

On PostgreSQL the search is German full-text search on the stored, GIN-indexed
`search_vector` (services.refresh_search_vector; stemming: "Vereine" finds "Verein"), with
the web search syntax people know ("Kasse -Steuer", "\"erste hilfe\""). The embedded SQLite
default does a plain substring search.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchQuery
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from network.models import Amt, Municipality
from network.selectors import is_postgres

from .models import Course, CourseDate, Registration, Topic

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class CourseFilters:
    """What the person asked for; every field is optional and combinable."""

    q: str = ""
    topic: Topic | None = None
    date_from: date | None = None
    date_to: date | None = None
    amt: Amt | None = None
    municipality: Municipality | None = None
    format: str = ""
    free: bool = False
    seats: bool = False


def _words(q: str) -> list[str]:
    return [w for w in re.split(r"\W+", q.lower()) if w][:8]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def upcoming_courses() -> QuerySet:
    """Published courses that have not begun yet, soonest first."""
    return Course.objects.public().filter(starts_at__gt=timezone.now())


def search_courses(filters: CourseFilters) -> QuerySet:
    """Upcoming public courses matching the filters, soonest first, each with its seat counts
    (`confirmed_count`, `waitlist_count`), topic and venue with its municipality."""
    queryset = upcoming_courses().defer("search_vector", "description", "description_en")
    if filters.topic:
        queryset = queryset.filter(topic=filters.topic)
    if filters.date_from:
        queryset = queryset.filter(starts_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(starts_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.amt:
        queryset = queryset.filter(venue__municipality__amt=filters.amt)
    if filters.municipality:
        queryset = queryset.filter(venue__municipality=filters.municipality)
    if filters.format:
        queryset = queryset.filter(format=filters.format)
    if filters.free:
        queryset = queryset.filter(fee=0)
    q = "".join(c for c in filters.q if c.isprintable()).strip()[:MAX_QUERY_LENGTH]
    if q:
        if is_postgres():
            query = SearchQuery(q, config="german", search_type="websearch")
            queryset = queryset.filter(search_vector=query)
        else:
            for word in _words(q):
                queryset = queryset.filter(
                    Q(title__icontains=word)
                    | Q(summary__icontains=word)
                    | Q(description__icontains=word)
                )
    queryset = queryset.with_seats()
    if filters.seats:
        queryset = queryset.filter(confirmed_count__lt=F("capacity"))
    return queryset.select_related("topic", "venue__municipality").order_by("starts_at", "title")


def for_listing(queryset: QuerySet) -> QuerySet:
    """What a result shows, in one more query: the dates of each course."""
    return queryset.prefetch_related(
        Prefetch("dates", queryset=CourseDate.objects.order_by("starts_at"))
    )


def course_for_page(slug: str) -> Course | None:
    """One course with everything its page shows (topic, venue with its place, dates,
    speakers) and its seat counts; None if there is no such course."""
    return (
        Course.objects.with_seats()
        .select_related("topic", "venue__municipality__amt")
        .prefetch_related(
            Prefetch("dates", queryset=CourseDate.objects.order_by("starts_at")), "speakers"
        )
        .filter(slug=slug)
        .first()
    )


def feed_courses() -> QuerySet:
    """The ICS feed: every upcoming public course with its dates and venue (three queries)."""
    return (
        upcoming_courses()
        .select_related("venue")
        .prefetch_related(Prefetch("dates", queryset=CourseDate.objects.order_by("starts_at")))
        .order_by("starts_at", "title")
    )


def registrations_of(user) -> QuerySet:
    """A person's registrations with their course, its dates and venue, and the certificate."""
    return (
        Registration.objects.filter(user=user)
        .select_related("course__venue", "course__topic", "certificate")
        .prefetch_related(
            Prefetch("course__dates", queryset=CourseDate.objects.order_by("starts_at"))
        )
    )
