"""The demo directory of `seed_demo`: a few hundred invented associations across the real
Gemeinden, the same on every run, something to moderate, a representative account."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from network import services
from network.demo import REPRESENTATIVE_EMAIL, Generator, demo_specs
from network.models import (
    Association,
    AssociationChange,
    Category,
    ChangeRequest,
    Claim,
    Municipality,
    Opportunity,
    Representative,
)
from network.selectors import Filters, open_opportunities, search_associations
from tests.network.factories import AssociationFactory, MunicipalityFactory, category

PASSWORD = "demo-pass-for-tests"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # seed_demo sets the demo accounts' passwords; the real hasher would make each seed slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", password=PASSWORD, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Association,
            Association.categories.through,
            Opportunity,
            Representative,
            Claim,
            ChangeRequest,
            AssociationChange,
            User,
        )
    }


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    _seed()
    first = _counts()
    before = dict(Association.objects.values_list("slug", "updated_at"))

    output = _seed()

    assert _counts() == first
    assert dict(Association.objects.values_list("slug", "updated_at")) == before
    assert "0 associations created, 300 existed already; 0 opportunities created." in output


@pytest.mark.django_db
def test_the_generator_gives_the_same_directory_on_every_run():
    call_command("seed_demo", password=PASSWORD, stdout=StringIO())
    municipalities = list(Municipality.objects.select_related("amt"))

    first, second = demo_specs(municipalities), demo_specs(list(reversed(municipalities)))

    assert [(s.slug, s.description, s.email) for s in first] == [
        (s.slug, s.description, s.email) for s in second
    ]


@pytest.mark.django_db
def test_the_representative_account_represents_its_association_with_an_open_opportunity():
    output = _seed()

    volker = User.objects.get(email=REPRESENTATIVE_EMAIL)
    association = Association.objects.get(representatives__user=volker)
    assert association.name == "TSV Nortorf von 1867"
    assert association.is_public
    assert open_opportunities().filter(association=association, created_by=volker).exists()
    assert f"{REPRESENTATIVE_EMAIL} represents TSV Nortorf von 1867." in output


@pytest.mark.django_db
def test_a_representative_who_stepped_down_represents_the_demo_association_again_after_a_seed():
    _seed()
    volker = User.objects.get(email=REPRESENTATIVE_EMAIL)
    association = Association.objects.get(representatives__user=volker)
    Representative.objects.filter(user=volker).delete()  # stepped down while trying it out

    _seed()

    assert Representative.objects.filter(association=association, user=volker).exists()


@pytest.mark.django_db
def test_the_directory_has_a_few_hundred_entries_across_the_county():
    _seed()
    published = Association.objects.filter(status=Association.Status.PUBLISHED)

    assert Association.objects.count() == 300
    assert 280 <= published.count() < 300
    assert Municipality.objects.filter(associations__isnull=False).distinct().count() >= 100
    used = Category.objects.filter(associations__isnull=False).distinct().count()
    assert used >= Category.objects.count() - 1  # every field of activity, "Sonstiges" aside
    assert not Association.objects.filter(categories__isnull=True).exists()
    names = list(Association.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)
    for kind in ("Freiwillige Feuerwehr ", "Landfrauenverein ", "DRK-Ortsverein ", "Tafel"):
        assert any(kind in name for name in names), kind
    assert any(name.startswith(("Jugendfeuerwehr", "Kinderfeuerwehr")) for name in names)


@pytest.mark.django_db
def test_demo_contacts_are_only_example_addresses_and_roles():
    _seed()
    emails = set(Association.objects.exclude(email="").values_list("email", flat=True))
    websites = set(Association.objects.exclude(website="").values_list("website", flat=True))
    people = User.objects.exclude(email__endswith="@demo.kloormokers.de")

    assert 100 < len(emails) < 250
    assert all(email.endswith("@example.org") for email in emails)
    assert websites
    assert all(url.startswith("https://example.org/") for url in websites)
    assert not Association.objects.exclude(phone="").exists()
    assert all(person.email.endswith("@example.org") for person in people)
    assert not any(person.has_usable_password() for person in people)


@pytest.mark.django_db
def test_entries_were_confirmed_over_the_past_fourteen_months_and_a_few_are_due():
    _seed()
    now = timezone.now()
    confirmed = Association.objects.filter(last_confirmed_at__isnull=False)
    year_ago = now - timedelta(days=365)

    assert not confirmed.filter(last_confirmed_at__lt=now - timedelta(days=14 * 31)).exists()
    assert confirmed.filter(last_confirmed_at__gte=now - timedelta(days=60)).exists()
    due = confirmed.filter(status=Association.Status.PUBLISHED, last_confirmed_at__lt=year_ago)
    assert 5 <= due.count() <= 30
    assert due.filter(confirmation_requested_at__isnull=False).exists()
    assert not confirmed.filter(created_at__gt=timezone.now()).exists()


@pytest.mark.django_db
def test_the_office_has_proposals_hidden_entries_claims_and_change_requests_to_look_at():
    _seed()
    assert Association.objects.filter(status=Association.Status.PROPOSED).count() >= 3
    hidden = Association.objects.filter(status=Association.Status.HIDDEN)
    assert set(hidden.values_list("hidden_reason", flat=True)) == {"staff", "stale"}
    assert Claim.objects.filter(status=Claim.Status.PENDING).count() >= 3
    assert ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count() >= 3
    proposal = Association.objects.filter(status=Association.Status.PROPOSED).first()
    assert proposal.created_by is not None
    assert proposal.history.filter(field="proposed").exists()
    # A change request names only what the review handles, with existing ids.
    for change in ChangeRequest.objects.all():
        assert set(change.changes) <= {"name", "categories", "municipality"}
        for pk in change.changes.get("categories", []):
            assert Category.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_about_forty_opportunities_are_open_and_a_few_have_ended():
    _seed()
    open_ones = open_opportunities()

    assert 35 <= open_ones.count() <= 50
    assert Opportunity.objects.exclude(pk__in=open_ones).exists()
    assert {"one-off", "regular"} == set(open_ones.values_list("commitment", flat=True))
    assert not open_ones.filter(association__seeks_volunteers=False).exists()
    titles = set(open_ones.values_list("title", flat=True))
    assert len(titles) >= 15


@pytest.mark.django_db
def test_search_finds_the_demo_entries():
    _seed()

    def names(**filters):
        return [a.name for a in search_associations(Filters(**filters))]

    brigades = names(q="Feuerwehr")
    assert any(n.startswith("Freiwillige Feuerwehr") for n in brigades)
    assert any(n.startswith("Jugendfeuerwehr") or n.startswith("Kinderfeuerwehr") for n in brigades)
    assert names(q="Feurwehr")  # a typo
    assert all("landfrauen" in n.lower() for n in names(q="Landfrauenverein")[:5])
    nortorf = Municipality.objects.get(name="Nortorf")
    assert names(q="TSV Nortorf")[0] == "TSV Nortorf von 1867"
    assert "TSV Nortorf von 1867" in names(q="Sport", municipality=nortorf)  # its category
    hidden = Association.objects.filter(status=Association.Status.HIDDEN).first()
    assert hidden.name not in names(q=hidden.name)
    # The demo's opportunities are searchable too (their vectors are filled).
    assert not Opportunity.objects.filter(search_vector__isnull=True).exists()


@pytest.mark.django_db
def test_the_benchmark_generator_places_many_entries_in_invented_ortsteile_with_unique_slugs():
    places = [MunicipalityFactory(name=f"Dorf {n}") for n in range(5)]
    specs = Generator(places, seed=1, ortsteile=True).associations(2000)

    assert len(specs) == 2000
    assert len({s.slug for s in specs}) == 2000
    words = {w for s in specs for w in (s.name + " " + s.description).split()}
    assert len(words) > 1500  # a realistic vocabulary, not a handful of repeated words


@pytest.mark.django_db
def test_search_vectors_of_many_entries_are_filled_in_one_query_as_the_search_expects():
    sport, music = category("sport"), category("kultur-musik")
    place = MunicipalityFactory(name="Groß Vollstedt")
    entries = [
        AssociationFactory(
            name=f"Gemischter Chor {n}",
            description="Wir singen Shantys.",
            municipality=place,
            categories=[music, sport] if n % 2 else [],
        )
        for n in range(30)
    ]
    Association.objects.update(search_vector=None)

    with CaptureQueriesContext(connection) as queries:
        services.refresh_search_vector(association_ids=[e.pk for e in entries])

    assert len(queries) == 1
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM network_association a
            WHERE a.search_vector IS DISTINCT FROM
                setweight(to_tsvector('german', a.name), 'A')
                || setweight(to_tsvector('german', a.description), 'B')
                || setweight(to_tsvector('german', 'Groß Vollstedt ' || coalesce((
                    SELECT string_agg(c.name, ' ' ORDER BY c."order", c.name)
                    FROM network_category c
                    JOIN network_association_categories ac ON ac.category_id = c.id
                    WHERE ac.association_id = a.id), '')), 'C')
            """
        )
        assert cursor.fetchone()[0] == 0
    found = {a.name for a in search_associations(Filters(q="Kultur Vollstedt"))}
    assert found == {e.name for e in entries if e.categories.exists()}


@pytest.mark.django_db
def test_a_register_number_already_in_use_is_left_out_not_an_error():
    call_command("import_municipalities", "network/data/municipalities.csv", stdout=StringIO())
    specs = demo_specs(list(Municipality.objects.select_related("amt")))
    number = next(s.register_number for s in specs if s.register_number)
    hohn = Municipality.objects.get(name="Hohn")  # the same Gemeinden: the same demo entries
    AssociationFactory(name="Ein echter Verein", municipality=hohn, register_number=number)

    _seed()

    assert Association.objects.filter(register_number=number).count() == 1
