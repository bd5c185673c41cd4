"""The start page's sections below the pillars (portal/registry.py): the Infothek's three
newest news items and next three funding deadlines, fresh on every request (outside the start
page's shared fragment), for a fixed number of queries."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import registry
from tests.infothek.factories import NewsFactory, ProgrammeFactory
from tests.infothek.page_helpers import bulk_news, bulk_programmes, html, titles
from tests.queries import forget_caches

HOME = reverse("home")
TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Site configuration, the three newest news items, the next three deadlines.
HOME_QUERIES = 3


def _section(page: str, title_id: str) -> str:
    start = page.index(f'id="{title_id}"')
    return page[start : page.index("</section>", start)]


@pytest.mark.django_db
def test_the_start_page_shows_the_three_newest_news_items(client):
    now = timezone.now()
    for n in range(4):
        NewsFactory(title=f"Nachricht {n}", publish_at=now - timedelta(days=n + 1))
    NewsFactory(title="Entwurf", status="draft")
    NewsFactory(title="Morgen", publish_at=now + timedelta(days=1))
    page = html(client.get(HOME))
    news = _section(page, "home-news-title")
    assert [t for t in titles_in(news)] == ["Nachricht 0", "Nachricht 1", "Nachricht 2"]
    assert f'href="{reverse("infothek:news")}"' in news


@pytest.mark.django_db
def test_the_start_page_shows_the_next_three_open_deadlines_soonest_first(client):
    today = timezone.localdate()
    for days in (20, 5, 40, 10):
        ProgrammeFactory(title=f"In {days} Tagen", deadline=today + timedelta(days=days))
    ProgrammeFactory(title="Laufend", deadline=None)
    ProgrammeFactory(title="Gestern", deadline=today - timedelta(days=1))
    ProgrammeFactory(title="Entwurf", status="draft", deadline=today + timedelta(days=1))
    ProgrammeFactory(title="Heute", deadline=today)
    page = html(client.get(HOME))
    deadlines = _section(page, "home-deadlines-title")
    assert titles_in(deadlines) == ["Heute", "In 5 Tagen", "In 10 Tagen"]


@pytest.mark.django_db
def test_the_sections_are_fresh_on_every_request_not_kept_in_the_shared_fragment(client):
    assert "home-news-title" not in html(client.get(HOME))  # no news: no section
    NewsFactory(title="Gerade erschienen")
    ProgrammeFactory(title="Frist bald", deadline=timezone.localdate() + timedelta(days=2))
    page = html(client.get(HOME))
    assert "Gerade erschienen" in page
    assert "Frist bald" in page


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_start_page_needs_the_same_queries_for_10_and_500_items(
    client, django_assert_num_queries, number
):
    bulk_news(number)
    bulk_programmes(number)
    client.get(HOME)
    forget_caches()
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    assert len(titles(response)) == 6


@pytest.mark.django_db
def test_another_app_can_add_a_section_below_the_pillars(client, monkeypatch, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]
    monkeypatch.setattr(registry, "_home_sections", dict(registry._home_sections))
    registry.register_home_section(
        registry.HomeSection(
            "dates", "tests/home_section.html", lambda request: {"count": 2}, order=5
        )
    )
    page = html(client.get(HOME))
    assert "2 Termine heute" in page
    assert page.index("portal-pillars") < page.index("2 Termine heute")
    assert [s.name for s in registry.home_sections()][:3] == ["dates", "news", "deadlines"]


def titles_in(fragment: str) -> list[str]:
    import re
    from html import unescape

    found = re.findall(r'portal-result__title"><a [^>]*>(.*?)</a>', fragment, re.S)
    return [unescape(t) for t in found]
