from datetime import timedelta

import factory
from django.utils import timezone

from infothek import services
from infothek.models import FundingProgramme, Guide, NewsItem, Question, Topic


def topic(slug: str = "foerderung") -> Topic:
    return Topic.objects.get(slug=slug)


class _Published(factory.django.DjangoModelFactory):
    """Published an hour ago, with its search vector, as staff leave it."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    status = "published"
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and hasattr(self, "topics"):
            self.topics.set(extracted if extracted is not None else [topic()])

    @factory.post_generation
    def search(self, create, extracted, **kwargs):
        if create:
            services.refresh_search_vector(item=self)


class GuideFactory(_Published):
    class Meta:
        model = Guide

    slug = factory.Sequence(lambda n: f"ratgeber-{n}")
    title = factory.Sequence(lambda n: f"Einen Verein gründen, Teil {n}")
    summary = "Von der Idee zur Eintragung ins Vereinsregister."
    body = "## Die Gründungsversammlung\n\nSieben Mitglieder beschließen die Satzung."


class ProgrammeFactory(_Published):
    class Meta:
        model = FundingProgramme

    slug = factory.Sequence(lambda n: f"programm-{n}")
    title = factory.Sequence(lambda n: f"Förderprogramm Ehrenamt {n}")
    funder = "Deutsche Stiftung für Engagement und Ehrenamt"
    funder_type = FundingProgramme.FunderType.FEDERAL
    summary = "Zuschüsse für Vereine im ländlichen Raum."
    body = "Gefördert werden Sachkosten und Honorare."
    who_may_apply = "Gemeinnützige Vereine"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    official_url = "https://www.deutsche-stiftung-engagement-und-ehrenamt.de/"


class NewsFactory(_Published):
    class Meta:
        model = NewsItem

    slug = factory.Sequence(lambda n: f"nachricht-{n}")
    title = factory.Sequence(lambda n: f"Neuigkeit {n}")
    summary = "Kurz gesagt."
    body = "Der Text."


class QuestionFactory(_Published):
    class Meta:
        model = Question

    topic = factory.LazyFunction(lambda: topic("versicherung"))
    title = factory.Sequence(lambda n: f"Bin ich im Ehrenamt versichert? ({n})")
    body = "Meist ja: über die Unfallkasse und die Sammelversicherung des Landes."
