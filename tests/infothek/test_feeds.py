"""The feeds: Atom for news and for open funding programmes, and the calendar (ICS) of the
funding deadlines. Each is parsed back; only public items appear; the queries do not grow."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar

from infothek.models import FundingProgramme, NewsItem
from portal.links import absolute_url
from tests.infothek.factories import NewsFactory, ProgrammeFactory, topic

ATOM = "{http://www.w3.org/2005/Atom}"
NEWS_FEED = reverse("infothek:news_feed")
PROGRAMME_FEED = reverse("infothek:programme_feed")
ICS = reverse("infothek:deadlines_ics")


def _atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314  our own feed, not untrusted input
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    return root


def _entries(root) -> list[dict]:
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        entries.append(
            {
                "title": entry.findtext(f"{ATOM}title"),
                "link": entry.find(f"{ATOM}link").get("href"),
                "summary": entry.findtext(f"{ATOM}summary"),
                "published": entry.findtext(f"{ATOM}published"),
                "updated": entry.findtext(f"{ATOM}updated"),
                "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
            }
        )
    return entries


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _today():
    return timezone.localdate()


# --- News ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_news_feed_has_the_20_newest_public_items(client):
    now = timezone.now()
    for n in range(22):
        NewsFactory(title=f"Nachricht {n:02d}", publish_at=now - timedelta(days=n + 1))
    NewsFactory(title="Entwurf", status=NewsItem.Status.DRAFT)
    NewsFactory(title="Archiviert", status=NewsItem.Status.ARCHIVED)
    NewsFactory(title="Geplant", publish_at=now + timedelta(hours=2))
    root = _atom(client.get(NEWS_FEED))
    entries = _entries(root)
    assert [e["title"] for e in entries] == [f"Nachricht {n:02d}" for n in range(20)]
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href").endswith(reverse("infothek:news"))


@pytest.mark.django_db
def test_a_news_entry_links_its_page_with_summary_date_and_topics(client):
    published = timezone.now() - timedelta(days=2)
    item = NewsFactory(
        title="Ehrenamtspreis 2027",
        summary="Jetzt bewerben <b>bis März</b>.",
        publish_at=published,
        topics=[topic("engagement-gewinnen")],
    )
    (entry,) = _entries(_atom(client.get(NEWS_FEED)))
    assert entry["link"].endswith(item.get_absolute_url())
    assert entry["summary"] == "Jetzt bewerben <b>bis März</b>."  # text, escaped in the XML
    assert entry["published"].startswith(published.strftime("%Y-%m-%d"))
    assert entry["updated"] == entry["published"]
    assert entry["categories"] == [topic("engagement-gewinnen").name]


@pytest.mark.django_db
def test_an_empty_news_feed_is_still_valid(client):
    assert _entries(_atom(client.get(NEWS_FEED))) == []


# --- Funding programmes ----------------------------------------------------------------------


@pytest.fixture
def programmes(db):
    today = _today()
    return {
        "dated": ProgrammeFactory(
            title="Mit Frist",
            funder="Land Schleswig-Holstein",
            deadline=date(today.year + 1, 3, 31),
        ),
        "today": ProgrammeFactory(title="Heute", deadline=today),
        "rolling": ProgrammeFactory(title="Laufend", deadline=None),
        "passed": ProgrammeFactory(title="Vorbei", deadline=today - timedelta(days=1)),
        "draft": ProgrammeFactory(title="Entwurf", status=FundingProgramme.Status.DRAFT),
        "archived": ProgrammeFactory(title="Archiviert", status=FundingProgramme.Status.ARCHIVED),
        "scheduled": ProgrammeFactory(
            title="Geplant", publish_at=timezone.now() + timedelta(days=1)
        ),
    }


@pytest.mark.django_db
def test_the_programme_feed_has_the_open_public_programmes_by_deadline(client, programmes):
    entries = _entries(_atom(client.get(PROGRAMME_FEED)))
    assert [e["title"] for e in entries] == ["Heute", "Mit Frist", "Laufend"]
    dated = entries[1]
    assert dated["link"].endswith(programmes["dated"].get_absolute_url())
    assert "Land Schleswig-Holstein" in dated["summary"]
    assert f"{programmes['dated'].deadline:%d.%m.%Y}" in dated["summary"]
    assert "Zuschüsse für Vereine im ländlichen Raum." in dated["summary"]


# --- The calendar of deadlines ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_has_one_all_day_event_per_open_deadline(client, programmes):
    calendar = _calendar(client.get(ICS))
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    with translation.override("de"):  # "Frist: <title>" once the catalogue has it
        assert set(events) == {
            _("Deadline: %(title)s") % {"title": title} for title in ("Mit Frist", "Heute")
        }
    dated = next(e for name, e in events.items() if name.endswith("Mit Frist"))
    assert dated.decoded("dtstart") == programmes["dated"].deadline  # a date: all day
    assert type(dated.decoded("dtstart")) is date
    assert dated.decoded("dtend") == programmes["dated"].deadline + timedelta(days=1)
    assert str(dated["url"]) == absolute_url(programmes["dated"].get_absolute_url())
    assert "Land Schleswig-Holstein" in str(dated["description"])


@pytest.mark.django_db
def test_the_uid_of_a_programme_stays_the_same(client, programmes):
    def uids():
        calendar = _calendar(client.get(ICS))
        return {str(e["summary"]): str(e["uid"]) for e in calendar.walk("VEVENT")}

    before = uids()
    programme = programmes["dated"]
    programme.deadline += timedelta(days=7)
    programme.save()
    after = uids()
    assert before == after
    assert len(set(after.values())) == 2
    assert all(f"-{programme.pk}@" not in uid for name, uid in after.items() if "Heute" in name)


@pytest.mark.django_db
def test_an_empty_calendar_is_still_valid(client):
    assert _calendar(client.get(ICS)).walk("VEVENT") == []


# --- Query counts ----------------------------------------------------------------------------


def _bulk(number: int):
    today = _today()
    now = timezone.now()
    programmes = FundingProgramme.objects.bulk_create(
        FundingProgramme(
            slug=f"bulk-{n}",
            title=f"Programm {n}",
            funder="Stiftung",
            funder_type="foundation",
            summary="Kurz.",
            body="Text.",
            who_may_apply="Vereine",
            deadline=None if n % 5 == 0 else today + timedelta(days=n % 90 - 3),
            official_url="https://beispiel.de/",
            status="draft" if n % 11 == 0 else "published",
            publish_at=now - timedelta(hours=1),
        )
        for n in range(number)
    )
    news = NewsItem.objects.bulk_create(
        NewsItem(
            slug=f"news-{n}",
            title=f"Nachricht {n}",
            summary="Kurz.",
            body="Text.",
            status="published",
            publish_at=now - timedelta(hours=n + 1),
        )
        for n in range(number)
    )
    funding = topic()
    FundingProgramme.topics.through.objects.bulk_create(
        FundingProgramme.topics.through(fundingprogramme_id=p.pk, topic_id=funding.pk)
        for p in programmes
    )
    NewsItem.topics.through.objects.bulk_create(
        NewsItem.topics.through(newsitem_id=n.pk, topic_id=funding.pk) for n in news
    )


# site configuration (office name), the items, their topics (prefetch)
FEED_QUERIES = 3
# site configuration, the programmes
ICS_QUERIES = 2


@pytest.mark.django_db
@pytest.mark.parametrize("number", [10, 500])
@pytest.mark.parametrize(
    ("url", "queries"),
    [(NEWS_FEED, FEED_QUERIES), (PROGRAMME_FEED, FEED_QUERIES), (ICS, ICS_QUERIES)],
    ids=["news", "programmes", "ics"],
)
def test_each_feed_needs_the_same_queries_for_10_and_500_items(
    client, django_assert_num_queries, number, url, queries
):
    _bulk(number)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert b"/bulk-" in response.content or b"/news-" in response.content
