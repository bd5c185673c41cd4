"""The FAQ: grouped by topic, each question a native disclosure with its Markdown answer;
public questions only; query count for 10 and 500 questions."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.infothek.factories import QuestionFactory, topic
from tests.infothek.page_helpers import bulk_questions, html
from tests.queries import forget_caches

FAQ = reverse("infothek:faq")
FAQ_QUERIES = 2  # site configuration, the questions with their topics


@pytest.mark.django_db
def test_questions_are_grouped_by_topic_as_native_disclosures(client):
    insurance = QuestionFactory(title="Bin ich versichert?", body="Meist **ja**.")
    privacy = QuestionFactory(topic=topic("datenschutz"), title="Darf ich Fotos zeigen?")
    response = client.get(FAQ)
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    # Topics in their order (Versicherungsschutz before Datenschutz), each a section.
    assert page.index('id="thema-versicherung"') < page.index('id="thema-datenschutz"')
    assert re.search(
        rf'<details class="portal-faq__item" id="frage-{insurance.pk}">\s*'
        r'<summary class="portal-faq__question">Bin ich versichert\?</summary>',
        page,
    )
    assert "Meist <strong>ja</strong>." in page
    assert f'id="frage-{privacy.pk}"' in page
    assert 'href="#thema-datenschutz"' in page


@pytest.mark.django_db
def test_only_public_questions_are_shown(client):
    QuestionFactory(title="Öffentliche Frage?")
    QuestionFactory(title="Entwurfsfrage?", status="draft")
    QuestionFactory(title="Archivfrage?", status="archived")
    QuestionFactory(title="Geplante Frage?", publish_at=timezone.now() + timedelta(days=1))
    page = html(client.get(FAQ))
    assert "Öffentliche Frage?" in page
    for hidden in ("Entwurfsfrage?", "Archivfrage?", "Geplante Frage?"):
        assert hidden not in page


@pytest.mark.django_db
def test_an_answer_is_sanitised(client):
    QuestionFactory(body="<script>alert(1)</script> [x](javascript:alert(1))")
    page = html(client.get(FAQ))
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page


@pytest.mark.django_db
def test_an_empty_faq_says_so(client):
    response = client.get(FAQ)
    assert response.status_code == 200
    assert "<details" not in html(response)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_faq_needs_the_same_queries_for_10_and_500_questions(
    client, django_assert_num_queries, number
):
    bulk_questions(number)
    forget_caches()
    with django_assert_num_queries(FAQ_QUERIES):
        response = client.get(FAQ)
    assert html(response).count("<details") == number
