"""Engagement gesucht: representatives post, change and end opportunities; volunteers find them
with search and filters in the URL and send "Interesse melden" (mail through the outbox,
rate-limited per person)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import Association, Interest, Opportunity
from tests.factories import UserFactory
from tests.network.factories import (
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    RepresentativeFactory,
    category,
)
from tests.network.selfservice import club, mails, tolerate_missing_admin_pages

LIST = reverse("network:opportunities")


@pytest.fixture(autouse=True)
def _fast(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    tolerate_missing_admin_pages(monkeypatch)


@pytest.fixture
def association(db):
    return club(name="DRK Ortsverein Hohn")


@pytest.fixture
def representative(association):
    return RepresentativeFactory(association=association).user


def _form(owner, **changes):
    data = {
        "title": "Fahrdienst zum Blutspenden",
        "description": "Sie fahren Spenderinnen und Spender zum Termin.",
        "commitment": "regular",
        "hours_per_month": "4",
        "place": "Dorfgemeinschaftshaus",
        "municipality": str(owner.municipality_id),
        "category": str(category("soziales").pk),
        "starts_on": "",
        "ends_on": "",
    }
    data.update(changes)
    return data


def _titles(response) -> list[str]:
    return [o.title for o in response.context["page"].object_list]


# --- Representatives post, change, end ---------------------------------------------------------


@pytest.mark.django_db
def test_a_representative_posts_an_opportunity_and_it_is_listed(
    client, association, representative
):
    client.force_login(representative)
    response = client.post(
        reverse("network:opportunity_create", args=[association.slug]), _form(association)
    )
    opportunity = Opportunity.objects.get()
    assert response["Location"] == reverse("network:opportunity_edit", args=[opportunity.pk])
    assert opportunity.association == association
    assert opportunity.created_by == representative
    assert opportunity.hours_per_month == 4
    assert _titles(client.get(LIST)) == ["Fahrdienst zum Blutspenden"]
    assert _titles(client.get(LIST, {"q": "Blutspende"})) == ["Fahrdienst zum Blutspenden"]


@pytest.mark.django_db
def test_the_form_suggests_the_associations_municipality(client, association, representative):
    client.force_login(representative)
    page = client.get(reverse("network:opportunity_create", args=[association.slug]))
    assert page.context["form"]["municipality"].value() == association.municipality_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": "2099-05-02", "ends_on": "2099-05-01"}, "nicht vor dem Beginn"),
        ({"ends_on": "2001-01-01"}, "nicht in der Vergangenheit"),
        ({"title": ""}, "Dieses Feld ist zwingend erforderlich"),
        ({"title": "x" * 151}, "höchstens 150 Zeichen"),
        ({"hours_per_month": "201"}, "kleiner oder gleich 200"),
        ({"commitment": "immer"}, "gültige Auswahl"),
        ({"municipality": "99999999999999999999999"}, "gültige Auswahl"),
        ({"starts_on": "31.02.2099"}, "gültiges Datum"),
    ],
)
def test_a_wrong_opportunity_is_refused_with_a_message(
    client, association, representative, changes, message
):
    client.force_login(representative)
    response = client.post(
        reverse("network:opportunity_create", args=[association.slug]),
        _form(association, **changes),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert message in page
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_posting_another_association_or_author_has_no_effect(
    client, association, representative, other_user
):
    elsewhere = club(name="Fremder Verein")
    client.force_login(representative)
    client.post(
        reverse("network:opportunity_create", args=[association.slug]),
        _form(association, association=str(elsewhere.pk), created_by=str(other_user.pk)),
    )
    opportunity = Opportunity.objects.get()
    assert opportunity.association == association
    assert opportunity.created_by == representative
    client.post(
        reverse("network:opportunity_edit", args=[opportunity.pk]),
        _form(association, title="Neu", association=str(elsewhere.pk)),
    )
    opportunity.refresh_from_db()
    assert opportunity.title == "Neu"
    assert opportunity.association == association


@pytest.mark.django_db
def test_a_representative_edits_and_ends_an_opportunity(client, association, representative):
    opportunity = OpportunityFactory(association=association, title="Kuchen backen")
    client.force_login(representative)
    url = reverse("network:opportunity_edit", args=[opportunity.pk])
    client.post(url, _form(association, title="Kuchen backen für das Sommerfest"))
    opportunity.refresh_from_db()
    assert opportunity.title == "Kuchen backen für das Sommerfest"
    assert _titles(client.get(LIST, {"q": "Sommerfest"})) == [opportunity.title]
    response = client.post(url, {"end": "1"})
    assert response["Location"] == reverse("network:edit", args=[association.slug])
    opportunity.refresh_from_db()
    assert opportunity.ends_on == timezone.localdate()
    # Ended today: still open today, gone tomorrow.
    Opportunity.objects.update(ends_on=timezone.localdate() - timedelta(days=1))
    assert _titles(client.get(LIST)) == []
    edit_page = client.get(url).content.decode()
    assert "ist beendet" in edit_page


@pytest.mark.django_db
def test_the_opportunity_of_another_association_is_not_found_for_editing(client, association):
    opportunity = OpportunityFactory(association=association)
    intruder = RepresentativeFactory().user
    client.force_login(intruder)
    url = reverse("network:opportunity_edit", args=[opportunity.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form(association, title="Gekapert")).status_code == 404
    assert client.post(url, {"end": "1"}).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.title != "Gekapert"
    assert opportunity.ends_on is None
    create = reverse("network:opportunity_create", args=[association.slug])
    assert client.post(create, _form(association)).status_code == 404
    assert Opportunity.objects.count() == 1


# --- The public list ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_open_opportunities_of_published_associations_are_listed_and_shown(client):
    today = timezone.localdate()
    shown = OpportunityFactory(title="Offen", ends_on=today)
    expired = OpportunityFactory(title="Vorbei", ends_on=today - timedelta(days=1))
    hidden = OpportunityFactory(
        title="Verein ausgeblendet", association=club(status=Association.Status.HIDDEN)
    )
    proposed = OpportunityFactory(
        title="Verein vorgeschlagen", association=club(status=Association.Status.PROPOSED)
    )
    assert _titles(client.get(LIST)) == ["Offen"]
    assert client.get(reverse("network:opportunity", args=[shown.pk])).status_code == 200
    for gone in (expired, hidden, proposed):
        assert client.get(reverse("network:opportunity", args=[gone.pk])).status_code == 404
        assert client.get(reverse("network:interest", args=[gone.pk])).status_code in (302, 404)
    assert client.get(reverse("network:opportunity", args=[2**70])).status_code == 404


@pytest.mark.django_db
def test_filters_combine_and_live_in_the_url(client):
    hohn = MunicipalityFactory(name="Hohn", amt__name="Hohner Harde")
    nortorf = MunicipalityFactory(name="Nortorf", amt__name="Nortorfer Land")
    sport, social = category("sport"), category("soziales")
    OpportunityFactory(
        title="Trainer:in Kinderturnen",
        municipality=hohn,
        category=sport,
        commitment="regular",
    )
    OpportunityFactory(
        title="Hausaufgabenhilfe online",
        municipality=nortorf,
        category=social,
        commitment="regular",
        remote=True,
    )
    OpportunityFactory(
        title="Helfer:in Sommerfest", municipality=hohn, category=social, commitment="one-off"
    )
    assert _titles(client.get(LIST, {"municipality": hohn.pk, "category": "soziales"})) == [
        "Helfer:in Sommerfest"
    ]
    assert _titles(client.get(LIST, {"amt": nortorf.amt.pk})) == ["Hausaufgabenhilfe online"]
    assert _titles(client.get(LIST, {"remote": "on"})) == ["Hausaufgabenhilfe online"]
    assert sorted(_titles(client.get(LIST, {"commitment": "regular"}))) == [
        "Hausaufgabenhilfe online",
        "Trainer:in Kinderturnen",
    ]
    assert _titles(client.get(LIST, {"q": "Kinderturnen", "municipality": hohn.pk})) == [
        "Trainer:in Kinderturnen"
    ]
    page = client.get(LIST, {"municipality": hohn.pk, "category": "soziales"})
    html = page.content.decode()
    assert "1 Angebot gefunden" in html
    assert f'<option value="{hohn.pk}" selected>Hohn</option>' in html


@pytest.mark.django_db
def test_an_empty_result_suggests_what_to_loosen(client):
    OpportunityFactory(title="Trainer:in Kinderturnen", category=category("sport"))
    response = client.get(LIST, {"q": "Kinderturnen", "category": "kirche", "page": "2"})
    html = response.content.decode()
    assert "0 Angebote gefunden" in html
    assert "Kein offenes Angebot passt zu Ihrer Suche." in html
    assert 'href="?q=Kinderturnen">in allen Kategorien</a>' in html
    assert 'href="?category=kirche">ohne die Suchwörter</a>' in html
    assert _titles(client.get(LIST, {"q": "Kinderturnen"})) == ["Trainer:in Kinderturnen"]


@pytest.mark.django_db
def test_the_list_is_paginated_with_the_filters_kept(client):
    for number in range(23):
        OpportunityFactory(title=f"Aufgabe {number:02}", commitment="one-off")
    first = client.get(LIST, {"commitment": "one-off"})
    assert len(_titles(first)) == 20
    assert "23 Angebote gefunden" in first.content.decode()
    assert "?commitment=one-off&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"commitment": "one-off", "page": "2"})
    assert len(_titles(second)) == 3
    assert "Seite 2 von 2" in second.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"category": "<script>alert(1)</script>"},
        {"municipality": "abc"},
        {"municipality": "9" * 40},
        {"amt": "-1"},
        {"commitment": "immer"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"q": "x" * 5000},
        {"q": "a & | ! ( ) : * 'b"},
        {"q": "\x00"},
        {"remote": "vielleicht"},
    ],
)
def test_hostile_filters_are_ignored_without_an_error(client, query):
    OpportunityFactory(title="Trainer:in Kinderturnen")
    response = client.get(LIST, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" not in html
    assert "<script>alert" not in html


def _make(count: int) -> None:
    municipality = MunicipalityFactory(name="Jevenstedt")
    associations = [AssociationFactory(municipality=municipality) for _ in range(min(count, 20))]
    for number in range(count):
        OpportunityFactory(
            association=associations[number % len(associations)],
            municipality=municipality,
            category=category("sport"),
            title=f"Übungsleitung {number}",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_the_list_keeps_its_query_count_whatever_the_number_of_opportunities(
    client, count, django_assert_num_queries
):
    """The chosen category, the count, one page of rows (association, municipality and
    category joined), the filter choices (municipalities grouped by Amt, categories, Ämter)
    and the site configuration of the layout: 7 queries for 3 and for 60 opportunities."""
    _make(count)
    with django_assert_num_queries(7):
        response = client.get(LIST, {"category": "sport"})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_the_detail_page_keeps_its_query_count(client, count, django_assert_num_queries):
    """The opportunity with its association, place, Amt and category in one query, and the
    site configuration of the layout."""
    _make(count)
    opportunity = Opportunity.objects.first()
    with django_assert_num_queries(2):
        client.get(reverse("network:opportunity", args=[opportunity.pk]))


# --- Interesse melden ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_interest_goes_to_every_representative_with_reply_to_and_a_copy_to_the_volunteer(
    client, association
):
    first = RepresentativeFactory(association=association).user
    second = RepresentativeFactory(association=association).user
    opportunity = OpportunityFactory(association=association, title="Fahrdienst")
    volunteer = UserFactory(first_name="Vera", last_name="Freiwillig")
    client.force_login(volunteer)
    response = client.post(
        reverse("network:interest", args=[opportunity.pk]),
        {"message": "Ich habe dienstags Zeit."},
    )
    assert response["Location"] == reverse("network:opportunity", args=[opportunity.pk])
    interest = Interest.objects.get()
    assert (interest.user, interest.message) == (volunteer, "Ich habe dienstags Zeit.")
    to_representatives = mails("interest")
    assert sorted(m.to for m in to_representatives) == sorted([first.email, second.email])
    for mail in to_representatives:
        assert mail.reply_to == volunteer.email
        assert "Vera Freiwillig" in mail.body_text
        assert volunteer.email in mail.body_text
        assert "Ich habe dienstags Zeit." in mail.body_text
    (copy,) = mails("interest_copy")
    assert copy.to == volunteer.email
    assert "Ich habe dienstags Zeit." in copy.body_text
    follow = client.get(response["Location"]).content.decode()
    assert "Ihre Nachricht ist unterwegs" in follow


@pytest.mark.django_db
def test_interest_needs_a_message_of_at_most_1000_characters(client, association, user):
    RepresentativeFactory(association=association)
    opportunity = OpportunityFactory(association=association)
    client.force_login(user)
    url = reverse("network:interest", args=[opportunity.pk])
    for message in ("", "x" * 1001):
        response = client.post(url, {"message": message})
        assert response.status_code == 200
        assert 'id="error-summary"' in response.content.decode()
    assert not Interest.objects.exists()
    assert mails("interest") == []


@pytest.mark.django_db
def test_interest_without_anyone_to_answer_says_so(client, association, user):
    opportunity = OpportunityFactory(association=association)
    client.force_login(user)
    response = client.post(reverse("network:interest", args=[opportunity.pk]), {"message": "Hallo"})
    assert response.status_code == 200
    assert "Bitte wenden Sie sich an uns." in response.content.decode()
    assert not Interest.objects.exists()


@pytest.mark.django_db
def test_interest_is_rate_limited_per_person_with_a_clear_message(client, association, user):
    RepresentativeFactory(association=association)
    opportunities = [OpportunityFactory(association=association) for _ in range(6)]
    client.force_login(user)
    responses = [
        client.post(reverse("network:interest", args=[o.pk]), {"message": "Gern!"})
        for o in opportunities
    ]
    assert [r.status_code for r in responses] == [302] * 5 + [200]
    assert "mehrere Nachrichten gesendet" in responses[-1].content.decode()
    assert Interest.objects.count() == 5
    # per person: someone else may still write
    client.force_login(UserFactory())
    response = client.post(
        reverse("network:interest", args=[opportunities[-1].pk]), {"message": "Gern!"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_before_expressing_interest(client, association):
    opportunity = OpportunityFactory(association=association)
    url = reverse("network:interest", args=[opportunity.pk])
    response = client.post(url, {"message": "Hallo"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"
    assert not Interest.objects.exists()
