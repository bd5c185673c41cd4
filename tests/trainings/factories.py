from datetime import timedelta

import factory
from django.utils import timezone

from tests.network.factories import MunicipalityFactory
from trainings import services
from trainings.models import Course, CourseDate, Topic, Venue


def topic(slug: str = "vereinsrecht") -> Topic:
    return Topic.objects.get(slug=slug)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Bürgerhaus {n}")
    street = "Am Markt 1"
    postcode = "24768"
    town = "Rendsburg"
    municipality = factory.SubFactory(MunicipalityFactory)
    step_free = True


class CourseFactory(factory.django.DjangoModelFactory):
    """A published in-person course with one date two weeks ahead, as publish_course leaves
    it (first/last date copied, search vector filled). `dates=[(start, end), …]` for more."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"kurs-{n}")
    title = factory.Sequence(lambda n: f"Kassenführung im Verein {n}")
    summary = "Belege, Kassenbuch und Kassenprüfung – sicher durch das Vereinsjahr."
    description = "Wir üben die Kassenführung an Beispielen aus kleinen Vereinen."
    topic = factory.LazyFunction(lambda: topic("finanzen"))
    format = Course.Format.ON_SITE
    venue = factory.SubFactory(VenueFactory)
    capacity = 10
    status = Course.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def dates(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            start = timezone.now().replace(microsecond=0) + timedelta(days=14)
            extracted = [(start, start + timedelta(hours=3))]
        for start, end in extracted:
            CourseDate.objects.create(course=self, starts_at=start, ends_at=end)
        services.refresh_course_dates(course=self)
        services.refresh_search_vector(course_ids=[self.pk])


def past_course(**kwargs) -> Course:
    """A course that took place last week (attendance can be recorded)."""
    start = timezone.now().replace(microsecond=0) - timedelta(days=7)
    return CourseFactory(dates=[(start, start + timedelta(hours=4))], **kwargs)
