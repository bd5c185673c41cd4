"""The statistics for the funder and the Kreistag: counts only, by topic, month, Amt, format,
kind, status and outcome, in local months, at a cost that does not grow with the cases."""

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advice.models import AdviceRequest
from advice.statistics import case_report, default_period
from tests.advice.factories import topic
from tests.advice.staff_helpers import a_booking, logged_in
from tests.factories import UserFactory
from tests.network.factories import AmtFactory, AssociationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
STATISTICS = "admin:advice_statistics"
_numbers = itertools.count(1)


def _case(created: datetime, **values) -> AdviceRequest:
    """A written question made at `created` (statistics read rows; no service needed)."""
    number = next(_numbers)
    values.setdefault("topic", topic())
    values.setdefault("kind", AdviceRequest.Kind.QUESTION)
    return AdviceRequest.objects.create(
        number=f"ST{number:02d}-{number:04d}"[-9:],
        concern="Vertrauliches 4711",
        created_at=created,
        **values,
    )


def _table(report, title) -> dict[str, int]:
    (table,) = [t for t in report.tables if t.title == title]
    return {row.label: row.count for row in table.rows}


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def test_cases_are_counted_by_topic_format_kind_status_and_outcome():
    day = date(2026, 5, 12)
    _case(_at(day), topic=topic("steuern"))
    _case(_at(day), topic=topic("steuern"), status="closed", outcome="advised")
    booking = a_booking()
    AdviceRequest.objects.filter(pk=booking.pk).update(created_at=_at(day))
    report = case_report(since=date(2026, 5, 1), until=date(2026, 5, 31))
    assert report.total == 3
    topics = _table(report, "Fälle je Thema")
    assert (topics["Steuern & Gemeinnützigkeit"], topics["Vereinsrecht & Satzung"]) == (2, 1)
    assert topics["Kinderschutz"] == 0  # every topic offered, also without cases
    assert _table(report, "Fälle je Format") == {
        "vor Ort": 1,
        "per Telefon": 0,
        "per Video": 0,
        "schriftliche Frage": 2,
    }
    assert _table(report, "Fälle je Art") == {"Termin": 1, "schriftliche Frage": 2}
    assert _table(report, "Fälle je Status")["neu"] == 2
    outcomes = _table(report, "Fälle je Ergebnis")
    assert (outcomes["beraten"], outcomes["noch kein Ergebnis"]) == (1, 2)


def test_months_are_local_months_and_the_default_is_the_last_twelve():
    since, until = default_period(date(2026, 11, 26))
    assert (since, until) == (date(2025, 12, 1), date(2026, 11, 26))
    _case(datetime(2026, 3, 31, 21, 30, tzinfo=ZoneInfo("UTC")))  # 23:30 in Berlin: March
    _case(datetime(2026, 3, 31, 22, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 on 1 April in Berlin
    _case(_at(date(2025, 11, 30)))  # before the twelve months
    months = _table(case_report(since=since, until=until), "Fälle je Monat")
    assert list(months) == [
        "Dezember 2025",
        "Januar 2026",
        "Februar 2026",
        "März 2026",
        "April 2026",
        "Mai 2026",
        "Juni 2026",
        "Juli 2026",
        "August 2026",
        "September 2026",
        "Oktober 2026",
        "November 2026",
    ]
    assert (months["März 2026"], months["April 2026"], sum(months.values())) == (1, 1, 2)


def test_the_amt_is_the_cases_municipalitys_else_the_associations():
    amt = AmtFactory(name="Hüttener Berge")
    village = MunicipalityFactory(name="Ascheffel", amt=amt)
    town = MunicipalityFactory(name="Rendsburg", amt=None)
    day = _at(date(2026, 6, 1))
    _case(day, municipality=village)
    _case(day, association=AssociationFactory(municipality=village))
    _case(day, municipality=town, association=AssociationFactory(municipality=village))
    _case(day)
    amts = _table(case_report(since=date(2026, 6, 1), until=date(2026, 6, 30)), "Fälle je Amt")
    assert amts["Amt Hüttener Berge"] == 2
    assert amts["Rendsburg"] == 1  # a town without an Amt, by its own name
    assert amts["keine Gemeinde bekannt"] == 1
    assert list(amts)[-1] == "keine Gemeinde bekannt"


def test_the_page_shows_counts_for_a_chosen_period_and_no_personal_data(client):
    logged_in(client)
    person = UserFactory(first_name="Henrike", last_name="Hansen", email="henrike@beispiel.de")
    _case(_at(date(2026, 2, 10)), requester=person)
    _case(_at(date(2026, 4, 10)), requester=person)
    response = client.get(reverse(STATISTICS), {"since": "2026-02-01", "until": "2026-02-28"})
    assert response.status_code == 200
    assert response.context["report"].total == 1
    html = response.content.decode()
    for secret in ["Henrike", "Hansen", "henrike@", "4711"]:
        assert secret not in html


@pytest.mark.parametrize(
    "period",
    [
        {"since": "2026-03-01", "until": "2026-02-01"},
        {"since": "gestern"},
        {"until": "1000-01-01"},
        {"since": "1990-01-01", "until": "2026-01-01"},
        {"since": "2026-01-01\x00"},
    ],
)
def test_a_wrong_period_is_a_form_error_never_an_error_page(client, period):
    logged_in(client)
    response = client.get(reverse(STATISTICS), period)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["report"] is None


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse(STATISTICS)).status_code == 200
    return len(context.captured_queries)


def test_the_statistics_cost_the_same_queries_for_10_and_500_cases(client):
    logged_in(client)
    municipalities = [MunicipalityFactory() for _ in range(5)]
    clubs = [AssociationFactory(municipality=m) for m in municipalities]

    def add(count):
        today = timezone.localdate()
        AdviceRequest.objects.bulk_create(
            AdviceRequest(
                number=f"Q{index:03d}-{count:04d}{index % 10}"[:9],
                kind="question",
                topic=topic(["steuern", "vereinsrecht", "kinderschutz"][index % 3]),
                concern="x",
                municipality=municipalities[index % 5] if index % 2 else None,
                association=clubs[index % 5] if index % 3 else None,
                created_at=_at(today.replace(day=1)),
            )
            for index in range(count)
        )

    client.get(reverse(STATISTICS))
    add(10)
    small = _queries(client)
    add(490)
    assert AdviceRequest.objects.count() == 500
    large = _queries(client)
    assert small == large
