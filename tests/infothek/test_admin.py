"""The Infothek in admin: who sees it, states and their filter, the publishing actions, the
search entry kept on save, the review reminders, and the Markdown preview endpoint."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from infothek.models import FundingProgramme, Guide, NewsItem
from portal.models import Page
from portal.staff_groups import BERATUNG, QUALIFIZIERUNG, REDAKTION, VERNETZUNG
from tests.factories import StaffFactory, UserFactory
from tests.helpers import log_in_with_second_factor
from tests.infothek.factories import (
    GuideFactory,
    NewsFactory,
    ProgrammeFactory,
    QuestionFactory,
    topic,
)
from tests.infothek.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

PREVIEW = "admin:portal_markdown_preview"


def staff_in(group_name: str | None, **kwargs):
    staff = StaffFactory(**kwargs)
    if group_name:
        staff.groups.add(Group.objects.get(name=group_name))
    return staff


def logged_in(client, group_name: str | None = REDAKTION):
    staff = staff_in(group_name)
    log_in_with_second_factor(client, staff)
    return staff


def _listed(response) -> list:
    return list(response.context["cl"].result_list)


def _every_infothek_admin_page(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from infothek.admin_forms import DownloadForm

    guide = GuideFactory()
    programme = ProgrammeFactory()
    news = NewsFactory()
    question = QuestionFactory()
    download = DownloadForm(
        data={"title": "Satzung"}, files={"file": upload(pdf_bytes(), "s.pdf")}
    ).save()
    pages = []
    for name, obj in [
        ("guide", guide),
        ("fundingprogramme", programme),
        ("newsitem", news),
        ("question", question),
        ("download", download),
        ("topic", topic()),
    ]:
        pages += [
            reverse(f"admin:infothek_{name}_changelist"),
            reverse(f"admin:infothek_{name}_add"),
            reverse(f"admin:infothek_{name}_change", args=[obj.pk]),
            reverse(f"admin:infothek_{name}_history", args=[obj.pk]),
        ]
    return pages


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("group", [BERATUNG, QUALIFIZIERUNG, VERNETZUNG, None])
def test_other_staff_see_nothing_of_the_infothek_403_on_every_page(
    client, group, tmp_path, settings
):
    pages = _every_infothek_admin_page(tmp_path, settings)
    logged_in(client, group)
    for page in pages:
        assert client.get(page).status_code == 403, page
    # The app's index page does not exist for them (Django answers 404, naming nothing).
    assert client.get(reverse("admin:app_list", args=["infothek"])).status_code == 404


def test_redaktion_reaches_every_infothek_page(client, tmp_path, settings):
    pages = _every_infothek_admin_page(tmp_path, settings)
    logged_in(client)
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert client.get(reverse("admin:app_list", args=["infothek"])).status_code == 200


def test_anonymous_and_volunteers_are_sent_to_the_login(client, tmp_path, settings):
    pages = _every_infothek_admin_page(tmp_path, settings)
    for page in pages[:4]:
        assert client.get(page).status_code == 302, page
    client.force_login(UserFactory())
    for page in pages[:4]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert "/login/" in response["Location"]


def test_redaktion_does_not_see_who_asked_for_reminders(client):
    logged_in(client)
    assert client.get("/admin/infothek/deadlinereminder/").status_code == 404


# --- States -----------------------------------------------------------------------------------


def _one_of_each_state(factory):
    now = timezone.now()
    return {
        "draft": factory(status="draft"),
        "scheduled": factory(status="published", publish_at=now + timedelta(days=3)),
        "published": factory(status="published", publish_at=now - timedelta(days=3)),
        "archived": factory(status="archived"),
    }


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (GuideFactory, "guide"),
        (ProgrammeFactory, "fundingprogramme"),
        (NewsFactory, "newsitem"),
        (QuestionFactory, "question"),
    ],
)
def test_the_state_filter_finds_each_state(client, factory, name):
    logged_in(client)
    items = _one_of_each_state(factory)
    url = reverse(f"admin:infothek_{name}_changelist")
    for state, item in items.items():
        response = client.get(url + f"?state={state}")
        assert [obj.pk for obj in _listed(response)] == [item.pk], state
        assert [obj.state for obj in _listed(response)] == [state]
    everything = client.get(url)
    assert {obj.pk for obj in _listed(everything)} == {item.pk for item in items.values()}


def test_the_list_shows_state_and_publish_date(client):
    logged_in(client)
    _one_of_each_state(GuideFactory)
    response = client.get(reverse("admin:infothek_guide_changelist"))
    page = response.content.decode()
    for css in ("column-state_label", "column-publish_at", "column-reviewed_on"):
        assert css in page
    assert {str(obj.state) for obj in _listed(response)} == {
        "draft",
        "scheduled",
        "published",
        "archived",
    }


def test_an_unknown_state_in_the_address_is_not_an_error(client):
    logged_in(client)
    GuideFactory()
    for value in ("nonsense", "x" * 500, "%00"):
        response = client.get(reverse("admin:infothek_guide_changelist") + f"?state={value}")
        assert response.status_code in (200, 302)


# --- The actions ------------------------------------------------------------------------------


def _act(client, name, action, items):
    return client.post(
        reverse(f"admin:infothek_{name}_changelist"),
        {"action": action, "_selected_action": [item.pk for item in items]},
    )


def test_publish_now_makes_drafts_and_scheduled_items_public_at_once(client):
    logged_in(client)
    items = _one_of_each_state(NewsFactory)
    published_at = items["published"].publish_at
    response = _act(client, "newsitem", "publish_now", items.values())
    assert response.status_code == 302
    for item in items.values():
        item.refresh_from_db()
        assert item.state == "published"
    assert set(NewsItem.objects.public()) == set(items.values())
    # An item that was public already keeps its date.
    assert items["published"].publish_at == published_at
    assert items["draft"].publish_at > published_at


def test_archive_and_back_to_draft_take_items_off_the_site(client):
    logged_in(client)
    first, second = ProgrammeFactory(), ProgrammeFactory()
    _act(client, "fundingprogramme", "archive", [first])
    _act(client, "fundingprogramme", "back_to_draft", [second])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("archived", "draft")
    assert not FundingProgramme.objects.public().exists()


def test_staff_who_may_only_view_have_no_actions(client):
    staff = staff_in(None)
    staff.user_permissions.add(Permission.objects.get(codename="view_guide"))
    log_in_with_second_factor(client, staff)
    guide = GuideFactory(status="draft")
    response = client.get(reverse("admin:infothek_guide_changelist"))
    assert response.status_code == 200
    _act(client, "guide", "publish_now", [guide])
    guide.refresh_from_db()
    assert guide.state == "draft"


# --- Saving keeps the search current ------------------------------------------------------------


def _guide_form(**changes):
    data = {
        "title": "Der Jahresabschluss im Verein",
        "slug": "kassenpruefung",
        "summary": "Wer prüft, was geprüft wird.",
        "body": "## Ablauf\n\nDie Kassenprüfer sehen die Belege durch.",
        "topics": [topic().pk],
        "audience": "boards",
        "title_en": "",
        "summary_en": "",
        "body_en": "",
        "status": "published",
        "publish_at_0": timezone.localdate().strftime("%d.%m.%Y"),
        "publish_at_1": "00:00:00",
        "reviewed_on": timezone.localdate().strftime("%d.%m.%Y"),
    }
    data.update(changes)
    return data


def test_saving_a_guide_fills_its_search_entry(client):
    logged_in(client)
    response = client.post(reverse("admin:infothek_guide_add"), _guide_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    guide = Guide.objects.get(slug="kassenpruefung")
    assert guide.topics.get() == topic()
    assert Guide.objects.filter(search_vector=_words("Jahresabschluss")).get() == guide
    response = client.post(
        reverse("admin:infothek_guide_change", args=[guide.pk]),
        _guide_form(title="Der Kassenbericht"),
    )
    assert response.status_code == 302
    assert not Guide.objects.filter(search_vector=_words("Jahresabschluss")).exists()
    assert Guide.objects.filter(search_vector=_words("Kassenbericht")).get() == guide


def _words(text):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, config="german")


def test_german_text_is_required_english_optional(client):
    logged_in(client)
    response = client.post(reverse("admin:infothek_guide_add"), _guide_form(body=""))
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"body"}


def test_view_on_site_goes_to_the_public_address(client):
    logged_in(client)
    guide = GuideFactory(status="draft")
    question = QuestionFactory()
    page = client.get(reverse("admin:infothek_guide_change", args=[guide.pk])).content.decode()
    assert "viewsitelink" in page
    response = client.get(reverse("admin:view_on_site", args=[_ct(Guide), guide.pk]))
    assert response["Location"].endswith(reverse("infothek:guide", args=[guide.slug]))
    page = client.get(
        reverse("admin:infothek_question_change", args=[question.pk])
    ).content.decode()
    assert f'href="{reverse("infothek:faq")}"' in page


def _ct(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


# --- Review reminders ---------------------------------------------------------------------------


def test_guides_not_reviewed_for_a_year_are_counted_and_filtered(client):
    logged_in(client)
    today = timezone.localdate()
    due = [
        GuideFactory(reviewed_on=today - timedelta(days=365)),
        GuideFactory(reviewed_on=today - timedelta(days=800)),
    ]
    GuideFactory(reviewed_on=today - timedelta(days=364))
    GuideFactory(reviewed_on=today - timedelta(days=900), status="archived")  # not counted
    url = reverse("admin:infothek_guide_changelist")
    response = client.get(url)
    assert response.context["review_due_count"] == 2
    page = response.content.decode()
    assert 'id="review-due"' in page
    assert f'href="{url}?review=due"' in page
    listed = _listed(client.get(url + "?review=due"))
    assert set(listed) - {due[0], due[1]} == {Guide.objects.get(status="archived")}
    assert all(guide.review_due for guide in listed)


def test_the_infothek_admin_index_counts_the_guides_due(client):
    logged_in(client)
    GuideFactory(reviewed_on=timezone.localdate() - timedelta(days=400))
    page = client.get(reverse("admin:app_list", args=["infothek"])).content.decode()
    assert 'id="review-due"' in page
    assert reverse("admin:infothek_guide_changelist") + "?review=due" in page


def test_no_note_when_nothing_is_due(client):
    logged_in(client)
    GuideFactory()
    response = client.get(reverse("admin:infothek_guide_changelist"))
    assert response.context["review_due_count"] == 0
    assert 'id="review-due"' not in response.content.decode()
    page = client.get(reverse("admin:app_list", args=["infothek"])).content.decode()
    assert 'id="review-due"' not in page


def test_mark_as_reviewed_today(client):
    logged_in(client)
    guide = GuideFactory(reviewed_on=timezone.localdate() - timedelta(days=400))
    _act(client, "guide", "mark_reviewed", [guide])
    guide.refresh_from_db()
    assert guide.reviewed_on == timezone.localdate()
    assert not guide.review_due


def test_the_programme_list_shows_how_many_asked_for_a_reminder(client):
    from infothek import services

    logged_in(client)
    programme = ProgrammeFactory()
    for _ in range(3):
        services.remember_deadline(user=UserFactory(), programme=programme)
    response = client.get(reverse("admin:infothek_fundingprogramme_changelist"))
    assert _listed(response)[0].reminders_asked == 3


# --- The Markdown preview -----------------------------------------------------------------------


MARKDOWN_FORMS = [
    ("admin:infothek_guide_add", ["body", "body_en"]),
    ("admin:infothek_fundingprogramme_add", ["body", "body_en"]),
    ("admin:infothek_newsitem_add", ["body", "body_en"]),
    ("admin:infothek_question_add", ["body", "body_en"]),
]


@pytest.mark.parametrize(("url", "fields"), MARKDOWN_FORMS)
def test_every_markdown_field_has_a_preview_area_hidden_without_javascript(client, url, fields):
    logged_in(client)
    page = client.get(reverse(url)).content.decode()
    preview_url = reverse(PREVIEW)
    assert page.count(f'data-markdown-preview="{preview_url}"') == len(fields)
    for field in fields:
        assert f'id="id_{field}_preview"' in page
    assert 'aria-live="polite"' in page
    assert "js/markdown-preview.js" in page
    assert "<script>" not in page.replace("<script src=", "")  # no inline script


def test_the_content_pages_have_the_preview_too(client):
    staff = StaffFactory(is_superuser=True)
    log_in_with_second_factor(client, staff)
    page = Page.objects.get(slug="impressum")
    html = client.get(reverse("admin:portal_page_change", args=[page.pk])).content.decode()
    assert 'id="id_body_preview"' in html
    assert 'id="id_body_en_preview"' in html


def test_the_preview_renders_and_cleans_for_redaktion(client):
    logged_in(client)
    response = client.post(
        reverse(PREVIEW),
        {"text": "# Titel\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) *gut*"},
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h2>Titel</h2>" in html
    assert "<em>gut</em>" in html
    assert "<script" not in html
    assert "href" not in html  # the javascript: link is left as text
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_preview_needs_the_csrf_token(client):
    from django.test import Client

    staff = staff_in(REDAKTION)
    strict = Client(enforce_csrf_checks=True)
    log_in_with_second_factor(strict, staff)
    assert strict.post(reverse(PREVIEW), {"text": "x"}).status_code == 403


def test_the_preview_is_open_to_staff_who_may_change_content_pages(client):
    staff = staff_in(None)
    staff.user_permissions.add(Permission.objects.get(codename="change_page"))
    log_in_with_second_factor(client, staff)
    assert client.post(reverse(PREVIEW), {"text": "Hallo"}).status_code == 200


@pytest.mark.parametrize("group", [BERATUNG, QUALIFIZIERUNG, VERNETZUNG, None])
def test_staff_without_a_markdown_permission_get_403(client, group):
    logged_in(client, group)
    assert client.post(reverse(PREVIEW), {"text": "Hallo"}).status_code == 403


def test_view_permission_alone_is_not_enough(client):
    staff = staff_in(None)
    staff.user_permissions.add(Permission.objects.get(codename="view_guide"))
    log_in_with_second_factor(client, staff)
    assert client.post(reverse(PREVIEW), {"text": "Hallo"}).status_code == 403


def test_anonymous_and_volunteers_are_sent_to_the_login_by_the_preview(client):
    response = client.post(reverse(PREVIEW), {"text": "Hallo"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(UserFactory())
    response = client.post(reverse(PREVIEW), {"text": "Hallo"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_preview_answers_get_with_405(client):
    logged_in(client)
    assert client.get(reverse(PREVIEW)).status_code == 405


def test_an_overlong_or_missing_text_is_a_friendly_answer(client):
    logged_in(client)
    assert client.post(reverse(PREVIEW), {"text": "x" * 100_001}).status_code == 400
    response = client.post(reverse(PREVIEW), {})
    assert (response.status_code, response.json()) == (200, {"html": ""})
