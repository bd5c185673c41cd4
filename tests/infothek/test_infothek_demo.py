"""Demo data of the Infothek: registered for `seed_demo`, the same after a second run, and
realistic — ten guides (one with a table, one with a download), ten funding programmes each
marked as demo with made-up deadlines (some soon, one passed, two rolling), news over the last
months, twelve FAQ entries, and a draft and a scheduled item to show the states."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from infothek import demo
from infothek.models import Download, FundingProgramme, Guide, NewsItem, Question
from infothek.uploads import file_kind
from portal.demo import DemoOptions, demo_data

pytestmark = pytest.mark.django_db

OPTIONS = DemoOptions(password="demo-pass-for-tests", reset_passwords=False)
MODELS = (Guide, FundingProgramme, NewsItem, Question, Download)


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo.load(OPTIONS)


def _snapshot():
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row)
            for row in model.objects.values_list(
                *[
                    f.attname
                    for f in model._meta.concrete_fields
                    if f.attname not in ("updated_at", "created_at", "search_vector")
                ]
            )
        )
        for model in MODELS
    }


def test_the_infothek_demo_is_registered_for_seed_demo():
    registered = {data.name: data for data in demo_data()}
    assert registered["Infothek"].load is demo.load
    # After the advice demo (its topics) and the accounts.
    assert registered["Infothek"].order > registered["Advice"].order


def test_a_second_run_changes_nothing(seeded):
    first = _snapshot()
    lines = demo.load(OPTIONS)
    assert _snapshot() == first
    assert all(line.startswith("0 ") for line in lines)
    counts = {model.__name__: model.objects.count() for model in MODELS}
    assert counts == {
        "Guide": 10,
        "FundingProgramme": 10,
        "NewsItem": 8,
        "Question": 12,
        "Download": 2,
    }


def test_the_counts_hold_what_the_issue_asks(seeded):
    assert Guide.objects.public().count() == 10
    assert FundingProgramme.objects.public().count() == 10
    assert NewsItem.objects.public().count() == 6
    assert Question.objects.public().count() == 12
    assert len({q.topic_id for q in Question.objects.all()}) >= 8  # across the topics


def test_a_draft_and_a_scheduled_item_show_the_states(seeded):
    states = [news.state for news in NewsItem.objects.all()]
    assert states.count("draft") == 1
    assert states.count("scheduled") == 1
    assert states.count("published") == 6


def test_news_spread_over_the_last_months(seeded):
    dates = [news.publish_at for news in NewsItem.objects.public()]
    assert max(dates) - min(dates) > timedelta(days=90)
    assert all(date <= timezone.now() for date in dates)


def test_the_guides_have_a_table_a_download_and_the_topics(seeded):
    guides = Guide.objects.prefetch_related("topics", "downloads")
    assert any("|--" in guide.body or "|:--" in guide.body for guide in guides)
    assert any(guide.downloads.all() for guide in guides)
    assert all(guide.topics.all() for guide in guides)
    pauschalen = Guide.objects.get(slug="uebungsleiter-und-ehrenamtspauschale")
    assert "3.300 €" in pauschalen.body
    assert "960 €" in pauschalen.body
    assert "Stand: Demo, bitte prüfen" in pauschalen.body
    assert "<table>" in pauschalen_html(pauschalen)
    assert Guide.objects.filter(advice_topics__isnull=False).distinct().count() == 10


def pauschalen_html(guide):
    from portal.markdown import render_markdown

    return render_markdown(guide.body)


def test_some_guides_are_due_for_review(seeded):
    assert 1 <= sum(guide.review_due for guide in Guide.objects.all()) < 10


def test_the_downloads_are_valid_pdfs(seeded):
    for download in Download.objects.all():
        with download.file.open("rb") as file:
            content = file.read()
            file.seek(0)
            assert file_kind(file) == "pdf"
        assert content.startswith(b"%PDF-1.4")
        assert content.rstrip().endswith(b"%%EOF")
        assert download.size == len(content)
        assert download.kind == "pdf"


def test_every_programme_says_it_is_a_demo_and_links_the_funder(seeded):
    for programme in FundingProgramme.objects.all():
        assert "Demo-Eintrag: Fristen und Beträge sind ausgedacht" in programme.body.replace(
            "**", ""
        )
        assert urlsplit(programme.official_url).scheme == "https"
        assert programme.topics.exists()
        assert programme.who_may_apply
    funders = {programme.funder_type for programme in FundingProgramme.objects.all()}
    assert {"federal", "state", "county", "foundation", "bank"} <= funders
    assert FundingProgramme.objects.filter(funder__contains="DSEE").count() >= 2


def test_deadlines_some_soon_one_passed_two_rolling(seeded):
    today = timezone.localdate()
    programmes = list(FundingProgramme.objects.all())
    rolling = [p for p in programmes if p.deadline is None]
    passed = [p for p in programmes if p.deadline and p.deadline < today]
    soon = [p for p in programmes if p.deadline and today <= p.deadline <= today + timedelta(42)]
    assert (len(rolling), len(passed)) == (2, 1)
    assert len(soon) >= 3
    assert FundingProgramme.objects.open_now().count() == 9
    # The open list is sorted by the next deadline, rolling ones last.
    deadlines = [p.deadline for p in FundingProgramme.objects.open_now()]
    assert deadlines[-2:] == [None, None]
    assert deadlines[:-2] == sorted(deadlines[:-2])


def test_the_demo_texts_fit_their_fields(seeded):
    for model in MODELS:
        for obj in model.objects.all():
            obj.full_clean()
