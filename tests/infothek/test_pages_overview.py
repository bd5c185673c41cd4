"""/infothek/: the four sections with the newest or next items, the search box, the feeds; the
main navigation and the start page's Information pillar lead here; every page links the
print stylesheet."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.infothek.factories import GuideFactory, NewsFactory, ProgrammeFactory, QuestionFactory
from tests.infothek.page_helpers import (
    bulk_guides,
    bulk_news,
    bulk_programmes,
    bulk_questions,
    html,
    titles,
)
from tests.queries import forget_caches

OVERVIEW = reverse("infothek:overview")
# Site configuration, three guides, three programmes, three news items, the FAQ's topics.
OVERVIEW_QUERIES = 5


@pytest.mark.django_db
def test_the_overview_shows_the_newest_of_each_section_and_a_search_box(client):
    for n in range(4):
        GuideFactory(title=f"Ratgeber {n}", publish_at=timezone.now() - timedelta(days=n + 1))
    NewsFactory(title="Nachricht")
    ProgrammeFactory(title="Bald", deadline=timezone.localdate() + timedelta(days=3))
    ProgrammeFactory(title="Später", deadline=timezone.localdate() + timedelta(days=30))
    ProgrammeFactory(title="Vorbei", deadline=timezone.localdate() - timedelta(days=1))
    QuestionFactory()
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    shown = titles(response)
    assert shown[:3] == ["Ratgeber 0", "Ratgeber 1", "Ratgeber 2"]  # the newest three
    assert "Ratgeber 3" not in shown
    assert shown.index("Bald") < shown.index("Später")
    assert "Vorbei" not in shown
    assert "Nachricht" in shown
    assert f'action="{reverse("infothek:search")}"' in page
    assert 'role="search"' in page
    assert 'href="/infothek/fragen/#thema-versicherung"' in page
    for feed in ("news_feed", "programme_feed", "deadlines_ics"):
        assert f'href="{reverse(f"infothek:{feed}")}"' in page


@pytest.mark.django_db
def test_an_empty_infothek_still_shows_its_sections(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    for name in ("guides", "programmes", "news", "faq"):
        assert f'href="{reverse(f"infothek:{name}")}"' in html(response)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_overview_needs_the_same_queries_for_10_and_500_items(
    client, django_assert_num_queries, number
):
    bulk_guides(number)
    bulk_news(number)
    bulk_programmes(number)
    bulk_questions(number)
    forget_caches()
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(OVERVIEW)
    assert len(titles(response)) == 9


@pytest.mark.django_db
def test_the_main_navigation_and_the_information_pillar_lead_to_the_infothek(client):
    home = html(client.get(reverse("home")))
    assert home.count(f'href="{OVERVIEW}"') == 2  # navigation and pillar
    page = html(client.get(OVERVIEW))
    assert f'<a class="portal-nav__link" href="{OVERVIEW}" aria-current="page">' in page


@pytest.mark.django_db
def test_the_navigation_marks_the_right_overview_whatever_was_rendered_first(client):
    # Both Beratung and Infothek have a view named "overview": the layout's shared
    # navigation must not hand one's marked link to the other.
    client.get(reverse("advice:overview"))
    page = html(client.get(OVERVIEW))
    assert f'<a class="portal-nav__link" href="{OVERVIEW}" aria-current="page">' in page
    advice = reverse("advice:overview")
    assert f'href="{advice}" aria-current="page"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/impressum/", OVERVIEW, reverse("infothek:faq")])
def test_every_page_links_the_print_stylesheet(client, url):
    page = html(client.get(url))
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page


def test_the_print_stylesheet_hides_navigation_and_writes_links_out(settings):
    from pathlib import Path

    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    for hidden in (".portal-nav", ".portal-skip-link", ".portal-lang", ".portal-footer__nav"):
        assert hidden in css
    assert 'a[href^="http"]::after' in css
    assert 'content: " (" attr(href) ")"' in css
