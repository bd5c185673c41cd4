"""The Infothek search on PostgreSQL: German stemming, umlauts, title above text, one search
over guides, programmes, news and FAQ (public only) with filters; the start and empty states;
hostile input; a fixed number of queries whatever the data; the substring fallback."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from infothek import selectors
from tests.infothek.factories import (
    GuideFactory,
    NewsFactory,
    ProgrammeFactory,
    QuestionFactory,
    topic,
)
from tests.infothek.page_helpers import (
    bulk_guides,
    bulk_news,
    bulk_programmes,
    bulk_questions,
    html,
    titles,
)
from tests.queries import forget_caches

SEARCH = reverse("infothek:search")
# Site configuration, the topic choices, one query per kind (guides, programmes, news, FAQ).
SEARCH_QUERIES = 6


def _found(client, **params) -> list[str]:
    return titles(client.get(SEARCH, params))


@pytest.fixture
def content(db):
    return {
        "verein": GuideFactory(
            title="Gründung",
            summary="Vom Stammtisch zum eingetragenen Verein.",
            body="Ein Verein braucht sieben Mitglieder.",
        ),
        "versicherung": GuideFactory(
            title="Haftung im Ehrenamt",
            summary="Wer haftet?",
            body="Die Versicherung des Landes hilft.",
            topics=[topic("versicherung")],
        ),
        "steuern": GuideFactory(
            title="Steuern",
            summary="Freibeträge.",
            body="Die Gemeinnützigkeit erkennt das Finanzamt an.",
            topics=[topic("gemeinnuetzigkeit-steuern")],
        ),
    }


# --- Language: stemming and umlauts ------------------------------------------------------------


@pytest.mark.django_db
def test_a_plural_finds_the_singular(client, content):
    assert _found(client, q="Vereine") == ["Gründung"]
    assert _found(client, q="Versicherungen") == ["Haftung im Ehrenamt"]


@pytest.mark.django_db
def test_umlauts_are_found_written_as_umlauts_or_with_an_e(client, content):
    assert _found(client, q="Gemeinnützigkeit") == ["Steuern"]
    assert _found(client, q="gemeinnützig") == ["Steuern"]
    assert _found(client, q="gemeinnuetzigkeit") == ["Steuern"]


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_match_in_the_text(client):
    GuideFactory(title="Allgemeines", summary="Kurz.", body="Auch zur Satzung ein Wort.")
    GuideFactory(title="Die Satzung", summary="Kurz.", body="Was hinein muss.")
    assert _found(client, q="Satzung") == ["Die Satzung", "Allgemeines"]


@pytest.mark.django_db
def test_websearch_syntax_phrases_and_exclusions_work(client, content):
    assert _found(client, q='"sieben Mitglieder"') == ["Gründung"]
    assert _found(client, q="Verein -Stammtisch") == []


# --- One search over every kind --------------------------------------------------------------


@pytest.fixture
def every_kind(db):
    return {
        "guide": GuideFactory(title="Fördermittel beantragen", topics=[topic("foerderung")]),
        "programme": ProgrammeFactory(title="Fördermittel der Stiftung"),
        "news": NewsFactory(title="Neue Fördermittel", topics=[topic("foerderung")]),
        "faq": QuestionFactory(title="Wo finde ich Fördermittel?", topic=topic("foerderung")),
    }


@pytest.mark.django_db
def test_one_search_finds_guides_programmes_news_and_questions(client, every_kind):
    response = client.get(SEARCH, {"q": "Fördermittel"})
    assert sorted(titles(response)) == sorted(item.title for item in every_kind.values())
    page = html(response)
    assert f'href="{every_kind["guide"].get_absolute_url()}"' in page
    assert f'href="{every_kind["programme"].get_absolute_url()}"' in page
    assert f'href="{every_kind["news"].get_absolute_url()}"' in page
    assert f'href="{reverse("infothek:faq")}#frage-{every_kind["faq"].pk}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["guide", "programme", "news", "faq"])
def test_the_kind_filter_keeps_one_kind(client, every_kind, kind):
    assert _found(client, q="Fördermittel", kind=kind) == [every_kind[kind].title]


@pytest.mark.django_db
def test_the_topic_filter_applies_to_every_kind(client, every_kind):
    ProgrammeFactory(title="Fördermittel für Datenschutz", topics=[topic("datenschutz")])
    found = _found(client, q="Fördermittel", topic="datenschutz")
    assert found == ["Fördermittel für Datenschutz"]
    assert len(_found(client, q="Fördermittel", topic="foerderung")) == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hidden",
    [
        {"status": "draft"},
        {"status": "archived"},
        {"publish_at": None},  # scheduled: set below
    ],
    ids=["draft", "archived", "scheduled"],
)
def test_only_public_items_are_found(client, hidden):
    if hidden.get("publish_at", 1) is None:
        hidden = {"publish_at": timezone.now() + timedelta(days=1)}
    GuideFactory(title="Geheimer Ratgeber", **hidden)
    NewsFactory(title="Geheime Nachricht", **hidden)
    ProgrammeFactory(title="Geheimes Programm", **hidden)
    QuestionFactory(title="Geheime Frage?", **hidden)
    assert _found(client, q="geheim") == []


@pytest.mark.django_db
def test_the_snippet_marks_the_words_and_is_escaped(client):
    GuideFactory(title="Fotos", body="Bilder & Töne <script>alert(1)</script> im **Verein**.")
    page = html(client.get(SEARCH, {"q": "Bilder"}))
    excerpt = page.split('class="portal-result__excerpt">')[1].split("</p>")[0]
    assert "<mark>Bilder</mark> &amp; Töne" in excerpt
    assert "<script" not in excerpt
    assert "**" not in excerpt  # Markdown marks left out


# --- States ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_search_shows_a_start_state_without_searching(client, content):
    response = client.get(SEARCH)
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    assert 'id="start-title"' in page
    assert "?q=Satzung" in page  # an example search
    assert titles(response) == []


@pytest.mark.django_db
def test_nothing_found_suggests_searching_without_filters_and_the_sections(client, content):
    response = client.get(SEARCH, {"q": "Verein", "kind": "news"})
    assert titles(response) == []
    page = html(response)
    assert 'href="/infothek/suche/?q=Verein"' in page
    assert f'href="{reverse("infothek:guides")}"' in page
    assert f'href="{reverse("infothek:faq")}"' in page


@pytest.mark.django_db
def test_results_are_paginated_and_capped_at_a_hundred(client):
    bulk_guides(130, prefix="Vereinsratgeber")
    first = client.get(SEARCH, {"q": "Vereine"})
    assert first.context["count"] == selectors.SEARCH_LIMIT
    assert first.context["capped"] is True
    assert len(titles(first)) == 20
    last = client.get(SEARCH, {"q": "Vereine", "page": 5})
    assert len(titles(last)) == 20
    assert "q=Vereine" in html(first).split('class="portal-pagination"')[1]


# --- Hostile input ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "!!! ??? ... &|!:*()'\"\\"},
        {"q": "<>"},
        {"q": "   "},
        {"q": '"nicht geschlossen'},
        {"q": "-"},
        {"q": "or or or"},
        {"q": "Verein\x00"},
        {"q": "\u202e\ufeff\U0001f600"},
        {"kind": "evil", "q": "Verein"},
        {"topic": "unknown", "q": "Verein"},
        {"topic": "<script>", "q": "Verein"},
        {"page": "abc", "q": "Verein"},
        {"page": "99999", "q": "Verein"},
        {"page": "-5", "q": "Verein"},
        {"kind": ["guide", "evil"], "q": "Verein"},
    ],
    ids=lambda p: str(p)[:40],
)
def test_hostile_input_gives_a_page_never_a_500(client, content, params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert html(response).count("<h1") == 1


@pytest.mark.django_db
def test_a_too_long_search_is_named_and_not_used(client, content):
    response = client.get(SEARCH, {"q": "Verein" * 1000})
    assert 'id="error-summary"' in html(response)
    assert 'id="start-title"' in html(response)


@pytest.mark.django_db
def test_an_unknown_kind_is_named_and_everything_is_searched(client, every_kind):
    response = client.get(SEARCH, {"q": "Fördermittel", "kind": "evil"})
    assert 'id="error-summary"' in html(response)
    assert len(titles(response)) == 4


# --- Queries ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_search_needs_the_same_queries_for_10_and_500_items_of_each_kind(
    client, django_assert_num_queries, number
):
    bulk_guides(number)
    bulk_news(number)
    bulk_programmes(number)
    bulk_questions(number)
    forget_caches()
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(SEARCH, {"q": "Vereine", "page": 2})
    assert len(titles(response)) == 20


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_nothing_found_needs_the_same_queries(client, django_assert_num_queries, number):
    bulk_guides(number)
    forget_caches()
    with django_assert_num_queries(SEARCH_QUERIES):
        client.get(SEARCH, {"q": "Quastenflosser"})


# --- The embedded default (SQLite): substring search ------------------------------------------


@pytest.mark.django_db
def test_without_postgresql_the_search_looks_for_each_word_in_title_summary_and_text(
    client, content, monkeypatch
):
    monkeypatch.setattr(selectors, "is_postgres", lambda: False)
    assert _found(client, q="Stammtisch") == ["Gründung"]
    assert _found(client, q="verein mitglieder") == ["Gründung"]
    GuideFactory(title="Der Verein", body="Kurz.")
    assert _found(client, q="Verein") == ["Der Verein", "Gründung"]  # title matches first
    assert _found(client, q="!!!") == []
