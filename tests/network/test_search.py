"""The directory search on PostgreSQL: German stemming, typos, compound words, ß and umlauts,
filters with search, ranking."""

import pytest

from network.selectors import Filters, highlighted, search_associations
from tests.network.factories import AssociationFactory, MunicipalityFactory, category


def _names(**filters) -> list[str]:
    return [a.name for a in search_associations(Filters(**filters))]


@pytest.mark.django_db
def test_stemming_plural_with_umlaut_finds_the_singular():
    AssociationFactory(name="Gemischter Chor Nortorf")
    AssociationFactory(name="Schützenverein Hohn")
    assert _names(q="Chöre") == ["Gemischter Chor Nortorf"]


@pytest.mark.django_db
def test_a_typo_still_finds_the_name():
    AssociationFactory(name="Freiwillige Feuerwehr Osdorf")
    AssociationFactory(name="Landfrauenverein Osdorf")
    assert _names(q="Feurwehr") == ["Freiwillige Feuerwehr Osdorf"]


@pytest.mark.django_db
def test_a_part_of_a_compound_word_finds_it():
    AssociationFactory(name="Jugendfeuerwehr Kronshagen")
    AssociationFactory(name="Jugendchor Kronshagen")
    assert _names(q="Feuerwehr") == ["Jugendfeuerwehr Kronshagen"]


@pytest.mark.django_db
@pytest.mark.parametrize(("written", "searched"), [("Straße", "Strasse"), ("Strasse", "Straße")])
def test_sharp_s_and_ss_find_each_other(written, searched):
    AssociationFactory(name="Dorfgemeinschaft", description=f"Wir pflegen die alte {written}.")
    AssociationFactory(name="Sportverein", description="Fußball für alle.")
    assert _names(q=searched) == ["Dorfgemeinschaft"]


@pytest.mark.django_db
def test_umlauts_match_with_and_without_them():
    AssociationFactory(name="Förderverein Grundschule Büdelsdorf")
    assert _names(q="Förderverein") == ["Förderverein Grundschule Büdelsdorf"]
    assert _names(q="Forderverein") == ["Förderverein Grundschule Büdelsdorf"]  # stemmer: ö → o
    assert _names(q="Foerderverein") == ["Förderverein Grundschule Büdelsdorf"]  # trigrams


@pytest.mark.django_db
def test_filters_combine_with_the_search():
    here, there = MunicipalityFactory(name="Hohn"), MunicipalityFactory(name="Alt Duvenstedt")
    sport, music = category("sport"), category("kultur-musik")
    AssociationFactory(name="Turnverein Hohn", municipality=here, categories=[sport])
    AssociationFactory(name="Turnverein Alt Duvenstedt", municipality=there, categories=[sport])
    AssociationFactory(name="Musikzug Hohn", municipality=here, categories=[music])
    assert _names(q="Turnverein", municipality=here) == ["Turnverein Hohn"]
    assert _names(q="Hohn", category=sport) == ["Turnverein Hohn"]
    assert _names(category=sport, amt=there.amt) == ["Turnverein Alt Duvenstedt"]


@pytest.mark.django_db
def test_a_name_match_ranks_above_a_description_match():
    AssociationFactory(name="Dorfgemeinschaft Jevenstedt", description="Mit den Landfrauen.")
    AssociationFactory(name="Landfrauen Jevenstedt", description="Treffen jeden Montag.")
    assert _names(q="Landfrauen") == ["Landfrauen Jevenstedt", "Dorfgemeinschaft Jevenstedt"]


@pytest.mark.django_db
def test_hidden_and_proposed_entries_are_never_found():
    AssociationFactory(name="Schachclub Fockbek", status="hidden")
    AssociationFactory(name="Schachfreunde Fockbek", status="proposed")
    assert _names(q="Schach") == []


@pytest.mark.django_db
def test_matches_are_highlighted_and_everything_else_is_escaped():
    AssociationFactory(
        name="Kinderchor Rendsburg",
        description='<script>x</script> Der Chor & "Band" singt <b onclick=x>montags</b>.',
    )
    result = search_associations(Filters(q="Chor")).get()
    html = highlighted(result.headline)
    assert "<mark>Chor</mark>" in html
    assert "&amp;" in html
    assert "<script>" not in html
    assert "<b" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["'", '"', "!!!", "a & | b", "(", "x" * 500, "%", "\\", "<>"])
def test_hostile_search_text_gives_results_not_errors(hostile):
    AssociationFactory(name="Angelverein Westensee")
    list(search_associations(Filters(q=hostile)))
