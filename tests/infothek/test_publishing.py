"""Publishing: only published items whose date has come are public; scheduled items appear by
themselves when their time comes; drafts and archived items never; `state` says which."""

from datetime import timedelta

import pytest
from django.utils import timezone

from infothek import services
from infothek.models import FundingProgramme, Guide, NewsItem, Question
from tests.infothek.factories import GuideFactory, NewsFactory, ProgrammeFactory, QuestionFactory

pytestmark = pytest.mark.django_db

FACTORIES = [
    pytest.param(GuideFactory, Guide, id="guide"),
    pytest.param(ProgrammeFactory, FundingProgramme, id="programme"),
    pytest.param(NewsFactory, NewsItem, id="news"),
    pytest.param(QuestionFactory, Question, id="question"),
]


@pytest.mark.parametrize(("factory", "model"), FACTORIES)
def test_public_holds_published_items_whose_date_has_passed(factory, model):
    now = timezone.now()
    published = factory(status="published", publish_at=now - timedelta(minutes=1))
    factory(status="published", publish_at=now + timedelta(minutes=1))  # scheduled
    factory(status="draft", publish_at=now - timedelta(days=1))
    factory(status="archived", publish_at=now - timedelta(days=1))
    assert list(model.objects.public()) == [published]


@pytest.mark.parametrize(("factory", "model"), FACTORIES)
def test_a_scheduled_item_appears_when_its_time_comes(factory, model):
    now = timezone.now()
    scheduled = factory(status="published", publish_at=now + timedelta(days=2))
    assert scheduled.state == "scheduled"
    assert not scheduled.is_public()
    assert scheduled not in model.objects.public()
    assert scheduled not in model.objects.public(now=now + timedelta(days=2) - timedelta(seconds=1))
    # At its time (and after) it is public, without anyone doing anything.
    assert scheduled in model.objects.public(now=now + timedelta(days=2))
    assert scheduled in model.objects.public(now=now + timedelta(days=30))
    # The same when its time has really come: the date is moved into the past.
    model.objects.filter(pk=scheduled.pk).update(publish_at=now - timedelta(seconds=1))
    scheduled.refresh_from_db()
    assert scheduled in model.objects.public()
    assert (scheduled.state, scheduled.is_public()) == ("published", True)


@pytest.mark.parametrize(("factory", "model"), FACTORIES)
@pytest.mark.parametrize("status", ["draft", "archived"])
def test_drafts_and_archived_items_are_never_public(factory, model, status):
    now = timezone.now()
    past = factory(status=status, publish_at=now - timedelta(days=400))
    future = factory(status=status, publish_at=now + timedelta(days=1))
    for moment in (now, now + timedelta(days=2), now + timedelta(days=3650)):
        assert not model.objects.public(now=moment).exists()
    assert (past.state, future.state) == (status, status)
    assert not past.is_public()
    assert not future.is_public()


def test_state_values():
    now = timezone.now()
    assert GuideFactory(status="draft").state == "draft"
    assert GuideFactory(status="published", publish_at=now + timedelta(hours=1)).state == (
        "scheduled"
    )
    assert GuideFactory(status="published", publish_at=now - timedelta(hours=1)).state == (
        "published"
    )
    assert GuideFactory(status="archived").state == "archived"
    # A draft with a date ahead is still a draft (only published items are scheduled).
    assert GuideFactory(status="draft", publish_at=now + timedelta(days=1)).state == "draft"


def test_a_new_item_is_a_draft_until_published():
    guide = Guide.objects.create(slug="neu", title="Neu", summary="s", body="b")
    assert guide.state == "draft"
    assert not Guide.objects.public().exists()


def test_the_news_list_is_newest_first():
    now = timezone.now()
    older = NewsFactory(publish_at=now - timedelta(days=10))
    newer = NewsFactory(publish_at=now - timedelta(days=1))
    assert list(NewsItem.objects.public()) == [newer, older]


def test_a_programme_whose_deadline_passed_leaves_the_open_list():
    today = timezone.localdate()
    open_one = ProgrammeFactory(deadline=today)
    rolling = ProgrammeFactory(deadline=None)
    passed = ProgrammeFactory(deadline=today - timedelta(days=1))
    ProgrammeFactory(deadline=today + timedelta(days=5), status="draft")
    assert set(FundingProgramme.objects.open_now()) == {open_one, rolling}
    assert passed in FundingProgramme.objects.public()  # still public, no longer open
    assert set(FundingProgramme.objects.open_now(today=today + timedelta(days=1))) == {rolling}
    # Sorted by the next deadline, rolling ones last.
    assert list(FundingProgramme.objects.open_now()) == [open_one, rolling]


# --- The admin's publishing services ------------------------------------------------------------


def test_publish_now_publishes_from_now_and_leaves_public_items_alone():
    now = timezone.now()
    draft = NewsFactory(status="draft", publish_at=now - timedelta(days=100))
    scheduled = NewsFactory(publish_at=now + timedelta(days=5))
    public = NewsFactory(publish_at=now - timedelta(days=3))
    count = services.publish_now(items=NewsItem.objects.all())
    assert count == 2
    for item in (draft, scheduled, public):
        item.refresh_from_db()
        assert item.state == "published"
    assert draft.publish_at >= now  # news shows the day it was published, not the day written
    assert public.publish_at < now - timedelta(days=2)


def test_archive_and_back_to_draft_count_only_what_changed():
    guides = [GuideFactory(), GuideFactory(status="archived"), GuideFactory(status="draft")]
    assert services.archive(items=Guide.objects.all()) == 2
    assert {g.state for g in Guide.objects.all()} == {"archived"}
    assert services.back_to_draft(items=Guide.objects.filter(pk=guides[0].pk)) == 1
    assert Guide.objects.get(pk=guides[0].pk).state == "draft"
