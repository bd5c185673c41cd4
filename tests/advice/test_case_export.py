"""The case list as CSV: the reporting columns, no personal data of the requester, and cells a
spreadsheet shows as text, never runs as formulas."""

import codecs
import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advice import services
from advice.models import Topic
from portal.staff_groups import QUALIFIZIERUNG, REDAKTION, VERNETZUNG
from tests.advice.factories import AdvisorFactory
from tests.advice.staff_helpers import a_booking, a_free_slot, a_question, logged_in
from tests.factories import UserFactory
from tests.network.factories import AmtFactory, AssociationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

EXPORT = "admin:advice_export"
HOSTILE = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "\tTab", "\rReturn", "'Zitat"]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="beratungsfaelle-')
    raw = response.content
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_the_export_has_the_reporting_columns_in_german(client):
    logged_in(client)
    amt = AmtFactory(name="Amt Hüttener Berge")
    village = MunicipalityFactory(name="Ascheffel", amt=amt)
    club = AssociationFactory(name="Sportverein Ascheffel", municipality=village)
    booking = a_booking(association=club)
    header, row = _csv(client.get(reverse(EXPORT)))
    assert header == [
        "Terminnummer",
        "Art",
        "Thema",
        "Art der Beratung",
        "Status",
        "Ergebnis",
        "Erstellt",
        "Termin",
        "Berater:in",
        "Amt",
        "Gemeinde",
        "Verein",
    ]
    assert row[0] == booking.number
    assert row[1:6] == ["Termin", "Vereinsrecht & Satzung", "vor Ort", "neu", ""]
    assert row[8:] == [
        booking.slot.advisor.display_name,
        "Amt Hüttener Berge",
        "Ascheffel",
        club.name,
    ]


def test_the_export_holds_no_personal_data_of_the_requester_not_even_for_a_superuser(client):
    logged_in(client, None, is_superuser=True)
    person = UserFactory(
        first_name="Henrike", last_name="Hansen", email="henrike@beispiel.de", phone="0431 999"
    )
    a_booking(user=person, concern="Vertrauliches Anliegen 4711", phone="0431 999")
    a_question(user=person, concern="Noch etwas Vertrauliches 4712")
    text = client.get(reverse(EXPORT)).content.decode("utf-8-sig")
    for secret in ["Henrike", "Hansen", "henrike@", "0431 999", "4711", "4712"]:
        assert secret not in text


def test_cells_that_a_spreadsheet_would_run_are_prefixed_with_an_apostrophe(client):
    logged_in(client)
    for index, hostile in enumerate(HOSTILE):
        topic = Topic.objects.create(slug=f"boese-{index}", name=f"{hostile} {index}")
        advisor = AdvisorFactory(display_name=f"{hostile} Berater {index}", topics=[topic])
        services.book_slot(
            user=UserFactory(),
            slot=a_free_slot(advisor),
            topic=topic,
            concern=hostile,
            association=AssociationFactory(name=f"{hostile} Verein {index}"),
        )
    rows = _csv(client.get(reverse(EXPORT)))[1:]
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for column in (2, 8, 11):  # topic, adviser, association
            assert row[column].startswith("'"), row[column]
            assert row[column][1:].startswith(tuple(h[0] for h in HOSTILE)), row[column]
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_export_button_exports_the_list_as_filtered_and_searched(client):
    staff = logged_in(client)
    mine, other = a_question(), a_question(concern="Fördermittel für das Dach")
    services.update_case(case=mine, staff=staff, assignee=staff)
    rows = _csv(client.get(reverse(EXPORT), {"view": "mine"}))[1:]
    assert [row[0] for row in rows] == [mine.number]
    rows = _csv(client.get(reverse(EXPORT), {"q": "Dach"}))[1:]
    assert [row[0] for row in rows] == [other.number]
    changelist = client.get(reverse("admin:advice_advicerequest_changelist"), {"view": "mine"})
    assert reverse(EXPORT) + "?view=mine" in changelist.content.decode()


def test_an_unknown_filter_on_the_export_goes_back_to_the_list(client):
    logged_in(client)
    response = client.get(reverse(EXPORT), {"amt": "\x00"})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_export_action_exports_the_selected_cases_only(client):
    logged_in(client)
    chosen, _left = a_question(), a_question()
    response = client.post(
        reverse("admin:advice_advicerequest_changelist"),
        {"action": "export_selected", "_selected_action": [chosen.pk]},
    )
    assert [row[0] for row in _csv(response)[1:]] == [chosen.number]


@pytest.mark.parametrize("group", [VERNETZUNG, QUALIFIZIERUNG, REDAKTION])
def test_other_staff_cannot_export_cases(client, group):
    a_question()
    logged_in(client, group)
    assert client.get(reverse(EXPORT)).status_code == 403


def test_the_export_costs_the_same_queries_for_3_and_30_cases(client):
    logged_in(client)
    club = AssociationFactory()

    def add(count):
        for index in range(count):
            a_booking(association=club) if index % 2 else a_question(association=club)

    client.get(reverse(EXPORT))
    add(3)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(EXPORT))
    add(27)
    with CaptureQueriesContext(connection) as large:
        rows = _csv(client.get(reverse(EXPORT)))
    assert len(rows) == 31
    assert len(small.captured_queries) == len(large.captured_queries)
