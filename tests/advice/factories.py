from datetime import time

import factory

from advice.models import Advisor, Topic, WeeklyAvailability
from tests.factories import StaffFactory


def topic(slug: str = "vereinsrecht") -> Topic:
    return Topic.objects.get(slug=slug)


class AdvisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisor
        skip_postgeneration_save = True

    user = factory.SubFactory(StaffFactory)
    display_name = factory.Sequence(lambda n: f"Berater:in {n}")
    location = "Kaiserstraße 8, 24768 Rendsburg"
    phone_instructions = "Wir rufen Sie an."
    video_instructions = "Den Link bekommen Sie am Vortag."

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(extracted if extracted is not None else [topic()])


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyAvailability

    advisor = factory.SubFactory(AdvisorFactory)
    weekday = 0
    starts_at = time(9, 0)
    ends_at = time(12, 0)
    format = "on_site"
