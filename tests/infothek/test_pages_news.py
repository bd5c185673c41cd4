"""Neuigkeiten: the list (newest first, paginated) and the item page with its date; drafts;
query counts for 10 and 500 items; hostile parameters."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import StaffFactory, UserFactory
from tests.infothek.factories import NewsFactory
from tests.infothek.page_helpers import bulk_news, html, redaktion_staff, titles
from tests.queries import forget_caches

LIST = reverse("infothek:news")
LIST_QUERIES = 3  # site configuration, the count, the page of news
DETAIL_QUERIES = 3  # site configuration, the item, its topics


def _url(item) -> str:
    return reverse("infothek:news_item", args=[item.slug])


@pytest.mark.django_db
def test_the_list_shows_public_news_newest_first_with_dates(client):
    now = timezone.now()
    NewsFactory(title="Älter", publish_at=now - timedelta(days=5))
    NewsFactory(title="Neuer", publish_at=now - timedelta(days=1))
    NewsFactory(title="Entwurf", status="draft")
    NewsFactory(title="Geplant", publish_at=now + timedelta(days=1))
    response = client.get(LIST)
    assert response.status_code == 200
    assert html(response).count("<h1") == 1
    assert titles(response) == ["Neuer", "Älter"]
    assert f'datetime="{(now - timedelta(days=1)).date():%Y-%m-%d}"' in html(response)
    assert reverse("infothek:news_feed") in html(response)


@pytest.mark.django_db
def test_the_list_is_paginated(client):
    bulk_news(25)
    first = client.get(LIST)
    assert len(titles(first)) == 20
    assert titles(first)[0] == "Massennachricht 0"  # the newest
    assert len(titles(client.get(LIST, {"page": 2}))) == 5
    assert re.search(r'href="/infothek/neuigkeiten/\?page=2"', html(first))


@pytest.mark.django_db
def test_the_item_shows_date_summary_and_rendered_text(client):
    item = NewsFactory(summary="Die Kurzfassung.", body="**Wichtig:** [Link](https://beispiel.de)")
    response = client.get(_url(item))
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    assert "Die Kurzfassung." in page
    assert "<strong>Wichtig:</strong>" in page
    assert "portal-link--external" in page
    assert f'datetime="{timezone.localtime(item.publish_at):%Y-%m-%d}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "scheduled", "archived"])
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "staff without Redaktion"])
def test_news_that_is_not_public_answers_404(client, state, who):
    item = _not_public(state)
    viewer = {"anonymous": None, "volunteer": UserFactory, "staff without Redaktion": StaffFactory}[
        who
    ]
    if viewer:
        client.force_login(viewer())
    assert client.get(_url(item)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "scheduled", "archived"])
def test_redaktion_previews_news_that_is_not_public(client, state):
    item = _not_public(state)
    client.force_login(redaktion_staff())
    response = client.get(_url(item))
    assert response.status_code == 200
    assert response.context["preview"] is True
    assert "kern-alert--warning" in html(response)
    assert item.title not in html(client.get(LIST))


def _not_public(state):
    if state == "scheduled":
        return NewsFactory(publish_at=timezone.now() + timedelta(days=2))
    return NewsFactory(status=state)


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "99999"}, {"page": "0"}], ids=str)
def test_bad_page_numbers_give_a_page(client, params):
    NewsFactory()
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response)
    assert len(titles(response)) == 1


@pytest.mark.django_db
def test_an_unknown_item_answers_404(client):
    assert client.get(reverse("infothek:news_item", args=["gibt-es-nicht"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_list_needs_the_same_queries_for_10_and_500_items(
    client, django_assert_num_queries, number
):
    bulk_news(number)
    forget_caches()
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert len(titles(response)) == min(number, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_item_needs_the_same_queries_whatever_the_number_of_news(
    client, django_assert_num_queries, number
):
    bulk_news(number)
    item = NewsFactory()
    forget_caches()
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(_url(item)).status_code == 200


@pytest.mark.django_db
def test_an_edited_text_shows_at_once_though_the_rendered_text_is_kept(client):
    item = NewsFactory(body="Erste Fassung.")
    assert "Erste Fassung." in html(client.get(_url(item)))
    item.body = "Zweite Fassung."
    item.save()
    page = html(client.get(_url(item)))
    assert "Zweite Fassung." in page
    assert "Erste Fassung." not in page
