"""Helpers for the public Qualifizierung page tests: page text, staff of the group, many
courses made cheaply."""

import re
from datetime import timedelta
from html import unescape

from django.contrib.auth.models import Group
from django.utils import timezone

from portal.staff_groups import QUALIFIZIERUNG
from tests.factories import StaffFactory
from trainings import services
from trainings.models import Course, CourseDate


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The main content's text, tags removed, whitespace collapsed."""
    main = html(response).split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def titles(response) -> list[str]:
    """The course titles in the catalogue's result list, in order."""
    found = re.findall(r'portal-result__title"><a [^>]*>(.*?)</a>', html(response), re.S)
    return [unescape(t) for t in found]


def qualifizierung_staff():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=QUALIFIZIERUNG))
    return staff


def bulk_courses(number: int, *, venue, topic, capacity: int = 10, prefix="Massenkurs"):
    """Many published courses quickly: bulk_create, two dates each in bulk, one vector refresh
    (as publish_course leaves them)."""
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    courses = Course.objects.bulk_create(
        Course(
            slug=f"{prefix.lower()}-{n}",
            title=f"{prefix} {n}",
            summary="Ein Kurs für viele.",
            description="Viele Kurse im Kreis.",
            topic=topic,
            format=Course.Format.ON_SITE,
            venue=venue,
            capacity=capacity,
            status=Course.Status.PUBLISHED,
            published_at=timezone.now(),
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, days=7, minutes=180),
        )
        for n in range(number)
    )
    CourseDate.objects.bulk_create(
        CourseDate(
            course=course,
            starts_at=course.starts_at + timedelta(days=7 * k),
            ends_at=course.starts_at + timedelta(days=7 * k, minutes=180),
        )
        for course in courses
        for k in range(2)
    )
    services.refresh_search_vector(course_ids=[c.pk for c in courses])
    return courses
