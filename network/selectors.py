"""Reading the directory: search with filters, map markers, a person's associations.

On PostgreSQL the search combines German full-text search on a stored, GIN-indexed vector
(stemming: "Chöre" finds "Chor", "Strasse" finds "Straße") with trigram word similarity on
the name (typos: "Feurwehr"; parts of compound words: "Feuerwehr" in "Jugendfeuerwehr").
The embedded SQLite default does a plain substring search.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Amt, Association, Category, Municipality, Opportunity, Representative

# ts_headline marks matches with these; they are replaced after the text is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_QUERY_LENGTH = 100
MAX_PRECISE_MARKERS = 500
MIN_PART_LENGTH = 4  # shorter words match whole words only (no "ein" in every "Verein")
SPELLING_CANDIDATES = 20  # similar names a misspelt word is corrected from


@dataclass(frozen=True)
class Filters:
    """What the person asked for; every field is optional and combinable."""

    q: str = ""
    category: Category | None = None
    amt: Amt | None = None
    municipality: Municipality | None = None
    seeking: bool = False


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _words(q: str) -> list[str]:
    return [w for w in re.split(r"\W+", q.lower()) if w][:8]


def open_opportunities() -> QuerySet:
    today = timezone.localdate()
    return Opportunity.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        association__status=Association.Status.PUBLISHED,
    )


def _filtered(queryset: QuerySet, filters: Filters) -> QuerySet:
    if filters.category:
        queryset = queryset.filter(categories=filters.category)
    if filters.amt:
        queryset = _in_amt(queryset, filters.amt)
    if filters.municipality:
        queryset = queryset.filter(municipality=filters.municipality)
    if filters.seeking:
        has_open = open_opportunities().filter(association=OuterRef("pk"))
        queryset = queryset.filter(Q(seeks_volunteers=True) | Exists(has_open))
    return queryset


def _in_amt(queryset: QuerySet, amt: Amt) -> QuerySet:
    """Entries in the Amt's municipalities. On PostgreSQL the list of municipalities is read
    once (= ANY(ARRAY(…))): joined instead, the planner repeats a search's index scans for each
    municipality of the Amt (ten times the time; benchmarks/directory_search.py)."""
    if not is_postgres():
        return queryset.filter(municipality__amt=amt)
    places = ArraySubquery(Municipality.objects.filter(amt=amt).order_by().values("pk"))
    return queryset.filter(EqualsAny(F("municipality_id"), places))


class EqualsAny(Func):
    """`expression = ANY(array)`; the array of an ARRAY(subquery) is computed once."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def search_associations(filters: Filters) -> QuerySet:
    """Published entries matching the filters, best match first (name matches above
    description matches); each carries `rank` and, for a search, `headline`.

    Every word must match, in the search vector (stemmed: "Chöre" finds "Chor") or, from four
    letters, as a part of the name ("feuerwehr" in "Jugendfeuerwehr"). A word that matches
    nowhere is first replaced by the most similar word of a name ("Feurwehr" → "feuerwehr",
    see _spelled): the filter and the rank then use only indexes and cheap functions, whatever
    the number of matches (benchmarks/directory_search.py; README, Performance).
    """
    published = Association.objects.filter(status=Association.Status.PUBLISHED)
    # The stored vector is for the database only: not sent along with every matching row.
    queryset = _filtered(published.defer("search_vector"), filters)
    q = filters.q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())).order_by("name")
    if not is_postgres():
        for word in _words(q):
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())).order_by("name")
    words = _spelled(_words(q))
    if not words:  # only stop words or punctuation: nothing to look for
        return queryset.none().annotate(
            rank=Value(0.0, output_field=FloatField()), headline=Value("")
        )
    query = SearchQuery(" ".join(words), config="german", search_type="plain")
    queryset = queryset.alias(name_lower=Lower("name"))
    rank = Coalesce(SearchRank(F("search_vector"), query), 0.0)
    share = 1.0 / len(words)  # a word in the name counts more than any description
    for word in words:
        matches = Q(search_vector=SearchQuery(word, config="german", search_type="plain"))
        if len(word) >= MIN_PART_LENGTH:
            matches |= Q(name_lower__contains=word)
            rank += Case(
                When(name_lower__contains=word, then=Value(share)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        queryset = queryset.filter(matches)
    return queryset.annotate(
        rank=rank,
        headline=SearchHeadline(
            "description",
            query,
            config="german",
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=30,
            min_words=15,
        ),
    ).order_by("-rank", "name")


def _spelled(words: list[str]) -> list[str]:
    """The words to search for, in one query: a stop word ("und") is left out; a word found in
    some published entry stays; one found nowhere becomes the most similar word among names
    similar to it ("feurwehr" → "feuerwehr", "foerderverein" → "förderverein").

    The similar names come from the trigram index, at most SPELLING_CANDIDATES of them: a typo
    of a common word costs a few milliseconds instead of a similarity for every entry.
    """
    if not words:
        return []
    table = connection.ops.quote_name(Association._meta.db_table)
    published = Association.Status.PUBLISHED
    selects, params = [], []
    for position, word in enumerate(words):
        found, found_params = "search_vector @@ plainto_tsquery('german', %s)", [word]
        closest, closest_params = "NULL", []
        if len(word) >= MIN_PART_LENGTH:
            found += " OR lower(name) LIKE %s"
            found_params.append("%" + word.replace("_", "\\_") + "%")
            closest = (
                "(SELECT part FROM (SELECT lower(name) AS similar_name FROM "  # noqa: S608
                f"{table} WHERE status = %s AND lower(name) %%> %s "
                f"LIMIT {SPELLING_CANDIDATES}) AS candidates, "
                "regexp_split_to_table(similar_name, '[^[:alnum:]äöüß]+') AS part "
                "ORDER BY similarity(part, %s) DESC, part LIMIT 1)"
            )
            closest_params = [published, word, word]
        selects.append(
            f"SELECT {position}, CASE "  # noqa: S608 - table name and numbers; values are parameters
            "WHEN numnode(plainto_tsquery('german', %s)) = 0 THEN NULL "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE status = %s AND ({found})) THEN %s "
            f"ELSE coalesce({closest}, %s) END"
        )
        params += [word, published, *found_params, word, *closest_params, word]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        spelled = dict(cursor.fetchall())
    return [spelled[position] for position in range(len(words)) if spelled[position]]


def for_listing(queryset: QuerySet) -> QuerySet:
    """What a result in the list shows, in a fixed number of queries: the municipality and
    its Amt, the categories, and whether the entry has open opportunities (`has_open`)."""
    has_open = open_opportunities().filter(association=OuterRef("pk"))
    return (
        queryset.select_related("municipality__amt")
        .prefetch_related("categories")
        .annotate(has_open=Exists(has_open))
    )


def highlighted(text: str, q: str = "") -> str:
    """Escaped text with matches in <mark>: from ts_headline markers, or (SQLite) the words."""
    if MARK_START in text:
        html = str(escape(text))
        return mark_safe(html.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308
    html = str(escape(text))
    words = [re.escape(str(escape(w))) for w in _words(q) if len(w) > 2]
    if words:
        html = re.sub(f"({'|'.join(words)})", r"<mark>\1</mark>", html, flags=re.IGNORECASE)
    return mark_safe(html)  # noqa: S308 - escaped above, only <mark> added


def map_markers(filters: Filters) -> dict:
    """Markers for the map: one per municipality (with the number of entries placed at its
    centre) and one per entry with a precise point. Bounded by the 165 municipalities and
    MAX_PRECISE_MARKERS, whatever the number of entries."""
    matches = search_associations(filters).order_by()
    by_place = (
        matches.filter(latitude__isnull=True, municipality__latitude__isnull=False)
        .values(
            "municipality_id",
            "municipality__name",
            "municipality__latitude",
            "municipality__longitude",
        )
        .annotate(count=Count("id", distinct=True))
        .order_by("municipality__name")
    )
    precise = matches.filter(latitude__isnull=False).values(
        "name", "slug", "latitude", "longitude"
    )[:MAX_PRECISE_MARKERS]
    return {
        "places": [
            {
                "municipality": row["municipality_id"],
                "name": row["municipality__name"],
                "lat": row["municipality__latitude"],
                "lon": row["municipality__longitude"],
                "count": row["count"],
            }
            for row in by_place
        ],
        "entries": [
            {"name": r["name"], "slug": r["slug"], "lat": r["latitude"], "lon": r["longitude"]}
            for r in precise
        ],
    }


@dataclass(frozen=True)
class OpportunityFilters:
    q: str = ""
    category: Category | None = None
    amt: Amt | None = None
    municipality: Municipality | None = None
    commitment: str = ""
    remote: bool = False


def search_opportunities(filters: OpportunityFilters) -> QuerySet:
    queryset = open_opportunities().select_related("association", "municipality", "category")
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.amt:
        queryset = queryset.filter(municipality__amt=filters.amt)
    if filters.municipality:
        queryset = queryset.filter(municipality=filters.municipality)
    if filters.commitment:
        queryset = queryset.filter(commitment=filters.commitment)
    if filters.remote:
        queryset = queryset.filter(remote=True)
    q = filters.q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset.order_by("-created_at")
    if not is_postgres():
        for word in _words(q):
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset.order_by("-created_at")
    query = SearchQuery(q, config="german", search_type="websearch")
    typo = Lower(Value(q))
    return (
        queryset.annotate(title_lower=Lower("title"))
        .filter(Q(search_vector=query) | Q(title_lower__trigram_word_similar=typo))
        .annotate(
            rank=Coalesce(SearchRank(F("search_vector"), query), 0.0)
            + Coalesce(TrigramWordSimilarity(typo, F("title_lower")), 0.0)
        )
        .order_by("-rank", "-created_at")
    )


def associations_of(user) -> QuerySet:
    """The associations a person represents (for "Mein Verein")."""
    return Association.objects.filter(
        Exists(Representative.objects.filter(association=OuterRef("pk"), user=user))
    ).select_related("municipality")
