"""Helpers for the Infothek page tests: page text, staff of the group Redaktion, many public
items made cheaply (bulk_create and one search-vector update per model)."""

import re
from datetime import timedelta
from html import unescape

from django.contrib.auth.models import Group
from django.contrib.postgres.search import SearchVector
from django.utils import timezone

from infothek.models import FundingProgramme, Guide, NewsItem, Question
from infothek.services import SEARCHED
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory
from tests.infothek.factories import topic


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The main content's text, tags removed, whitespace collapsed."""
    main = html(response).split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def titles(response) -> list[str]:
    """The titles in a result list, in order (marks removed)."""
    found = re.findall(r'portal-result__title"><a [^>]*>(.*?)</a>', html(response), re.S)
    return [unescape(re.sub(r"</?mark>", "", t)) for t in found]


def redaktion_staff():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=REDAKTION))
    return staff


def refresh_vectors(model) -> None:
    """All rows' search vectors in one UPDATE, weighted as services.refresh_search_vector."""
    vector = None
    for field, weight in SEARCHED[model]:
        part = SearchVector(field, weight=weight, config="german")
        vector = part if vector is None else vector + part
    model.objects.update(search_vector=vector)


def _published(n: int) -> dict:
    return {"status": "published", "publish_at": timezone.now() - timedelta(hours=1, minutes=n)}


def bulk_guides(number: int, prefix: str = "Massenratgeber") -> list:
    guides = Guide.objects.bulk_create(
        Guide(
            slug=f"{prefix.lower()}-{n}",
            title=f"{prefix} {n}",
            summary="Ein Ratgeber für viele.",
            body="Der Text des Ratgebers über Vereine.",
            **_published(n),
        )
        for n in range(number)
    )
    Guide.topics.through.objects.bulk_create(
        Guide.topics.through(guide_id=g.pk, topic_id=topic().pk) for g in guides
    )
    refresh_vectors(Guide)
    return guides


def bulk_news(number: int, prefix: str = "Massennachricht") -> list:
    news = NewsItem.objects.bulk_create(
        NewsItem(
            slug=f"{prefix.lower()}-{n}",
            title=f"{prefix} {n}",
            summary="Kurz gesagt.",
            body="Neues über Vereine.",
            **_published(n),
        )
        for n in range(number)
    )
    refresh_vectors(NewsItem)
    return news


def bulk_programmes(number: int, prefix: str = "Massenprogramm") -> list:
    today = timezone.localdate()
    programmes = FundingProgramme.objects.bulk_create(
        FundingProgramme(
            slug=f"{prefix.lower()}-{n}",
            title=f"{prefix} {n}",
            funder="Stiftung",
            funder_type=FundingProgramme.FunderType.FOUNDATION,
            summary="Geld für Vereine.",
            body="Gefördert werden Vereine.",
            who_may_apply="Vereine",
            deadline=today + timedelta(days=10 + n),
            official_url="https://beispiel.de/",
            **_published(n),
        )
        for n in range(number)
    )
    refresh_vectors(FundingProgramme)
    return programmes


def bulk_questions(number: int, prefix: str = "Massenfrage") -> list:
    topics = [topic("versicherung"), topic("datenschutz"), topic("foerderung")]
    questions = Question.objects.bulk_create(
        Question(
            topic=topics[n % len(topics)],
            title=f"{prefix} {n} über Vereine?",
            body="Die **Antwort** für Vereine.",
            order=n % 1000,
            **_published(n),
        )
        for n in range(number)
    )
    refresh_vectors(Question)
    return questions
