"""How the directory search treats the words of a query (PostgreSQL): every word must match,
stop words are left out, short words match whole words only, a misspelt word is corrected
from the names in one query. (The speed: benchmarks/directory_search.py.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.selectors import Filters, search_associations
from tests.network.factories import AssociationFactory, MunicipalityFactory


def _names(**filters) -> list[str]:
    return [a.name for a in search_associations(Filters(**filters))]


@pytest.mark.django_db
def test_stop_words_are_left_out():
    AssociationFactory(name="Landfrauenverein Jevenstedt und Umgebung")
    assert _names(q="Landfrauen und die Umgebung") == ["Landfrauenverein Jevenstedt und Umgebung"]
    assert _names(q="und die") == []


@pytest.mark.django_db
def test_each_word_may_match_in_its_own_way():
    hohn = MunicipalityFactory(name="Hohn")
    AssociationFactory(name="Jugendfeuerwehr Osterhorst", municipality=hohn)  # part + place
    AssociationFactory(name="Freiwillige Feuerwehr Nortorf")
    AssociationFactory(name="Heimatverein Hohn", municipality=hohn)
    assert _names(q="Feuerwehr Hohn") == ["Jugendfeuerwehr Osterhorst"]


@pytest.mark.django_db
def test_short_words_match_whole_words_not_parts_of_names():
    AssociationFactory(name="SV Hohn")
    AssociationFactory(name="TSV Nortorf")
    assert _names(q="SV") == ["SV Hohn"]


@pytest.mark.django_db
def test_a_part_of_a_name_ranks_above_a_mention_in_a_description():
    AssociationFactory(name="Dorfgemeinschaft Hohn", description="Wir feiern mit der Feuerwehr.")
    AssociationFactory(name="Jugendfeuerwehr Hohn", description="Dienst jeden Montag.")
    assert _names(q="Feuerwehr") == ["Jugendfeuerwehr Hohn", "Dorfgemeinschaft Hohn"]


@pytest.mark.django_db
def test_a_misspelt_word_is_corrected_from_the_names_in_one_query():
    for number in range(30):
        AssociationFactory(name=f"Freiwillige Feuerwehr Dorf {number}")
    AssociationFactory(name="Schützenverein Hohn")

    with CaptureQueriesContext(connection) as queries:
        queryset = search_associations(Filters(q="Feurwehr"))
    found = list(queryset)

    assert len(queries) == 1  # the spelling check; the search itself runs when it is read
    assert len(found) == 30
    assert _names(q="Schützenverin") == ["Schützenverein Hohn"]
    assert "<mark>" not in found[0].headline or "Feuerwehr" in found[0].headline


@pytest.mark.django_db
def test_a_word_found_nowhere_and_like_no_name_finds_nothing():
    AssociationFactory(name="Angelverein Westensee")
    assert _names(q="Xylophon") == []
    assert _names(q="Angelverein Xylophon") == []


@pytest.mark.django_db
def test_hidden_entries_give_no_spelling_and_no_match():
    AssociationFactory(name="Schachclub Fockbek", status="hidden")
    assert _names(q="Schachklub") == []


@pytest.mark.django_db
def test_search_connections_plan_for_data_in_memory():
    # At the default 4, a word in a fifth of 20,000 entries scans all of them (benchmark).
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == pytest.approx(1.1)


@pytest.mark.django_db
def test_the_amt_filter_reads_the_amts_municipalities_once_not_per_municipality():
    here = MunicipalityFactory(name="Hohn")
    AssociationFactory(name="Turnverein Hohn", municipality=here)
    AssociationFactory(name="Turnverein Nortorf")
    queryset = search_associations(Filters(q="Turnverein", amt=here.amt))

    assert [a.name for a in queryset] == ["Turnverein Hohn"]
    # One array of municipalities, computed before the scan: joined, the planner repeated the
    # search's index scans for every municipality of the Amt (benchmark: ten times the time).
    assert '"municipality_id" = ANY(ARRAY(SELECT' in str(queryset.query)


@pytest.mark.django_db
def test_found_entries_carry_neither_the_stored_vector_nor_helper_columns():
    AssociationFactory(name="Gemischter Chor Nortorf")
    found = search_associations(Filters(q="Chor")).get()

    assert "search_vector" in found.get_deferred_fields()  # thousands of rows are sorted
    assert not hasattr(found, "name_lower")
    assert found.rank > 1
