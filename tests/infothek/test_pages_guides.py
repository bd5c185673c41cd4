"""Ratgeber: /infothek/ratgeber/ (filters in the URL, pagination, count) and the article page
(text, facts, related guides, advice topics, upcoming courses, downloads, English fallback);
who sees drafts; query counts for 10 and 500 guides; hostile parameters."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from infothek.models import Download, Guide
from tests.advice.factories import topic as advice_topic
from tests.factories import StaffFactory, UserFactory
from tests.infothek.factories import GuideFactory, topic
from tests.infothek.page_helpers import bulk_guides, html, redaktion_staff, text, titles
from tests.queries import forget_caches
from tests.trainings.factories import CourseFactory
from tests.trainings.factories import topic as course_topic
from trainings.models import Course

LIST = reverse("infothek:guides")

# Site configuration, the topic choices, the count, the page of guides, their topics.
LIST_QUERIES = 5
# Site configuration, the guide, its topics, related guides, advice topics, courses, downloads.
DETAIL_QUERIES = 7


def _url(guide) -> str:
    return reverse("infothek:guide", args=[guide.slug])


@pytest.fixture
def guides(db):
    return {
        "satzung": GuideFactory(
            title="Die Satzung", topics=[topic("satzung-vereinsrecht")], audience="boards"
        ),
        "versicherung": GuideFactory(
            title="Versichert im Ehrenamt", topics=[topic("versicherung")], audience="volunteers"
        ),
        "gruendung": GuideFactory(
            title="Einen Verein gründen",
            topics=[topic("vereinsgruendung"), topic("satzung-vereinsrecht")],
            audience="both",
        ),
    }


# --- The list ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_public_guides_by_title_with_their_count(client, guides):
    GuideFactory(title="Entwurf", status="draft")
    GuideFactory(title="Geplant", publish_at=timezone.now() + timedelta(days=1))
    GuideFactory(title="Archiviert", status="archived")
    response = client.get(LIST)
    assert response.status_code == 200
    assert html(response).count("<h1") == 1
    assert titles(response) == ["Die Satzung", "Einen Verein gründen", "Versichert im Ehrenamt"]
    assert response.context["count"] == 3
    assert 'aria-current="page"' in html(response)  # the section navigation marks Ratgeber


@pytest.mark.django_db
def test_filters_by_topic_and_audience_live_in_the_url_and_combine(client, guides):
    def names(**params):
        return titles(client.get(LIST, params))

    assert names(topic="satzung-vereinsrecht") == ["Die Satzung", "Einen Verein gründen"]
    # "both" counts for either audience
    assert names(audience="volunteers") == ["Einen Verein gründen", "Versichert im Ehrenamt"]
    assert names(audience="boards", topic="satzung-vereinsrecht") == [
        "Die Satzung",
        "Einen Verein gründen",
    ]
    assert names(audience="volunteers", topic="satzung-vereinsrecht") == ["Einen Verein gründen"]
    page = html(client.get(LIST, {"topic": "versicherung"}))
    assert 'method="get"' in page
    assert re.search(r'<option value="versicherung" selected>', page)


@pytest.mark.django_db
def test_an_empty_filter_result_offers_all_guides(client, guides):
    response = client.get(LIST, {"topic": "kinderschutz"})
    assert titles(response) == []
    assert response.context["count"] == 0
    assert f'href="{LIST}"' in html(response)


@pytest.mark.django_db
def test_twenty_per_page_and_page_links_keep_the_filters(client):
    bulk_guides(45)
    first = client.get(LIST, {"topic": "foerderung"})
    assert len(titles(first)) == 20
    assert first.context["count"] == 45
    links = re.findall(r'class="portal-pagination__link" href="([^"]+)"', html(first))
    assert links
    assert all("topic=foerderung" in link for link in links)
    third = client.get(LIST, {"topic": "foerderung", "page": 3})
    assert len(titles(third)) == 5


# --- The article ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_article_shows_text_facts_and_a_table_in_its_own_scroll_region(client, guides):
    guide = guides["gruendung"]
    Guide.objects.filter(pk=guide.pk).update(
        summary="Sieben Leute und eine Satzung.",
        body=(
            "# Schritte\n\n| Schritt | Wer |\n|---|---|\n| Satzung | Vorstand |\n\n"
            "<script>x</script>"
        ),
        reviewed_on=timezone.localdate().replace(year=2025, month=3, day=14),
    )
    response = client.get(_url(guide))
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    assert "<h2>Schritte</h2>" in page
    assert 'class="portal-table-scroll" tabindex="0" role="region"' in page
    assert "<script>x" not in page
    assert "Sieben Leute und eine Satzung." in page
    assert 'datetime="2025-03-14"' in page
    assert "Verein gründen" in text(response)  # a topic
    assert f'href="{LIST}?topic=vereinsgruendung"' in page
    assert "Vorschau" not in page
    assert "noindex" not in page


@pytest.mark.django_db
def test_related_guides_show_only_public_ones(client, guides):
    guide = guides["gruendung"]
    draft = GuideFactory(title="Unfertiger Ratgeber", status="draft")
    guide.related_guides.add(guides["satzung"], draft)
    page = html(client.get(_url(guide)))
    assert f'href="{_url(guides["satzung"])}"' in page
    assert "Unfertiger Ratgeber" not in page


@pytest.mark.django_db
def test_related_advice_topics_link_to_the_advice_overview(client, guides):
    guide = guides["gruendung"]
    guide.advice_topics.add(advice_topic("vereinsrecht"))
    response = client.get(_url(guide))
    assert "Vereinsrecht &amp; Satzung" in html(response)
    assert f'href="{reverse("advice:overview")}"' in html(response)


@pytest.mark.django_db
def test_upcoming_public_courses_of_the_course_topics_at_most_three(client, guides):
    guide = guides["gruendung"]
    guide.course_topics.add(course_topic("finanzen"))
    soon = timezone.now().replace(microsecond=0)
    starts = [soon + timedelta(days=n + 1) for n in range(4)]
    courses = [
        CourseFactory(title=f"Kurs {n}", dates=[(start, start + timedelta(hours=2))])
        for n, start in enumerate(starts)
    ]
    CourseFactory(title="Kursentwurf", status=Course.Status.DRAFT)
    CourseFactory(
        title="Vergangener Kurs",
        dates=[(soon - timedelta(days=3), soon - timedelta(days=3, hours=-2))],
    )
    page = html(client.get(_url(guide)))
    for course in courses[:3]:
        assert f'href="{course.get_absolute_url()}"' in page
    assert courses[3].get_absolute_url() not in page
    assert "Kursentwurf" not in page
    assert "Vergangener Kurs" not in page


@pytest.mark.django_db
def test_downloads_show_title_type_and_size_and_link_to_the_download(
    client, guides, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    guide = guides["gruendung"]
    file = Download(title="Mustersatzung", kind="pdf", size=125_000)
    file.file.save("satzung.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    guide.downloads.add(file)
    page = text(client.get(_url(guide)))
    assert "Mustersatzung (PDF, 122,1" in page  # KB, German number format
    assert f'href="{reverse("infothek:download", args=[file.pk])}"' in html(client.get(_url(guide)))


@pytest.mark.django_db
def test_english_without_english_text_shows_the_german_with_a_note(client, guides):
    guide = guides["gruendung"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = html(client.get(_url(guide)))
    assert 'class="kern-body--small portal-only-german"' in page
    assert '<div class="portal-prose" lang="de">' in page
    guide.title_en, guide.body_en = "Founding", "English text"
    guide.save()  # as staff do (the rendered text is kept until the item changes)
    page = html(client.get(_url(guide)))
    assert "portal-only-german" not in page
    assert "English text" in page
    assert ">Founding</h1>" in page


# --- Who sees what ----------------------------------------------------------------------------


NOT_PUBLIC = {
    "draft": {"status": "draft"},
    "scheduled": {"publish_at": timezone.now() + timedelta(days=3)},
    "archived": {"status": "archived"},
}


def _viewer(who):
    return {
        "anonymous": lambda: None,
        "volunteer": UserFactory,
        "staff without Redaktion": StaffFactory,
    }[who]()


@pytest.mark.django_db
@pytest.mark.parametrize("state", NOT_PUBLIC)
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "staff without Redaktion"])
def test_a_guide_that_is_not_public_answers_404(client, state, who):
    values = {**NOT_PUBLIC[state]}
    if state == "scheduled":
        values["publish_at"] = timezone.now() + timedelta(days=3)
    guide = GuideFactory(**values)
    viewer = _viewer(who)
    if viewer:
        client.force_login(viewer)
    assert client.get(_url(guide)).status_code == 404
    assert guide.title not in html(client.get(LIST))


@pytest.mark.django_db
@pytest.mark.parametrize("state", NOT_PUBLIC)
def test_redaktion_previews_a_guide_that_is_not_public_with_a_note(client, state):
    values = {**NOT_PUBLIC[state]}
    if state == "scheduled":
        values["publish_at"] = timezone.now() + timedelta(days=3)
    guide = GuideFactory(**values)
    client.force_login(redaktion_staff())
    response = client.get(_url(guide))
    assert response.status_code == 200
    assert response.context["preview"] is True
    assert "kern-alert--warning" in html(response)
    assert '<meta name="robots" content="noindex">' in html(response)
    assert guide.title not in html(client.get(LIST))  # lists stay public-only


@pytest.mark.django_db
def test_an_unknown_guide_answers_404(client):
    assert client.get(reverse("infothek:guide", args=["gibt-es-nicht"])).status_code == 404


# --- Hostile input ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "99999999999999999999999"},
        {"topic": "unknown"},
        {"topic": "<script>"},
        {"audience": "evil"},
        {"topic": ["datenschutz", "versicherung"]},
        {"topic": "versicherung\x00"},
    ],
    ids=str,
)
def test_bad_parameters_are_named_and_left_out_never_a_500(client, guides, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response) or params == {
        "topic": ["datenschutz", "versicherung"]
    }
    assert len(titles(response)) >= 1


@pytest.mark.django_db
def test_a_page_after_the_last_shows_the_last_page(client, guides):
    response = client.get(LIST, {"page": "99999"})
    assert response.context["page"].number == 1
    assert len(titles(response)) == 3


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
@pytest.mark.parametrize("params", [{}, {"topic": "foerderung", "audience": "boards"}], ids=str)
def test_the_list_needs_the_same_queries_for_10_and_500_guides(
    client, django_assert_num_queries, number, params
):
    bulk_guides(number)
    forget_caches()
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, params)
    assert len(titles(response)) == min(number, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
def test_the_article_needs_the_same_queries_with_10_or_500_related_items(
    client, django_assert_num_queries, number, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    guide = GuideFactory()
    others = bulk_guides(number)
    guide.related_guides.add(*others)
    guide.course_topics.add(course_topic("finanzen"))
    guide.advice_topics.add(advice_topic("vereinsrecht"))
    for _ in range(3):
        CourseFactory()
    files = Download.objects.bulk_create(
        Download(title=f"Datei {n}", file=f"infothek/{n}.pdf", kind="pdf", size=10)
        for n in range(number)
    )
    guide.downloads.add(*files)
    forget_caches()
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(_url(guide))
    assert len(response.context["related"]) == number
