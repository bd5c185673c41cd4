import factory
from django.utils import timezone

from newsletter.models import Issue, Segment, Subscription


def segment(slug: str = "ehrenamtliche") -> Segment:
    return Segment.objects.get(slug=slug)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscription (pass confirmed_at=None for a pending one)."""

    class Meta:
        model = Subscription
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"leser{n}@beispiel.de")
    created_at = factory.LazyFunction(timezone.now)
    confirmation_sent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
    consent_text_version = "2026-11"
    privacy_notice_version = "2026-11"

    @factory.post_generation
    def segments(self, create, extracted, **kwargs):
        if create:
            self.segments.set(extracted if extracted is not None else [segment()])


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue
        skip_postgeneration_save = True

    subject = factory.Sequence(lambda n: f"Neuigkeiten aus dem Ehrenamt Nr. {n}")
    body = "## Liebe Leserinnen und Leser\n\nDer **Ehrenamtstag** ist am 5. Dezember."

    @factory.post_generation
    def segments(self, create, extracted, **kwargs):
        if create and extracted:
            self.segments.set(extracted)
