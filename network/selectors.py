"""Reading the directory: search with filters, map markers, a person's associations.

On PostgreSQL the search combines German full-text search on a stored, GIN-indexed vector
(stemming: "Chöre" finds "Chor", "Strasse" finds "Straße") with trigram word similarity on
the name (typos: "Feurwehr"; parts of compound words: "Feuerwehr" in "Jugendfeuerwehr").
The embedded SQLite default does a plain substring search.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Amt, Association, Category, Municipality, Opportunity, Representative

# ts_headline marks matches with these; they are replaced after the text is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_QUERY_LENGTH = 100
MAX_PRECISE_MARKERS = 500


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
        queryset = queryset.filter(municipality__amt=filters.amt)
    if filters.municipality:
        queryset = queryset.filter(municipality=filters.municipality)
    if filters.seeking:
        has_open = open_opportunities().filter(association=OuterRef("pk"))
        queryset = queryset.filter(Q(seeks_volunteers=True) | Exists(has_open))
    return queryset


def search_associations(filters: Filters) -> QuerySet:
    """Published entries matching the filters, best match first (name matches above
    description matches); each carries `rank` and, for a search, `headline`."""
    queryset = _filtered(Association.objects.filter(status=Association.Status.PUBLISHED), filters)
    q = filters.q.strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())).order_by("name")
    if not is_postgres():
        for word in _words(q):
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())).order_by("name")
    query = SearchQuery(q, config="german", search_type="websearch")
    typo = Lower(Value(q))
    queryset = (
        queryset.annotate(name_lower=Lower("name"))
        .filter(Q(search_vector=query) | Q(name_lower__trigram_word_similar=typo))
        .annotate(
            rank=Coalesce(SearchRank(F("search_vector"), query), 0.0)
            + Coalesce(TrigramWordSimilarity(typo, F("name_lower")), 0.0),
            headline=SearchHeadline(
                "description",
                query,
                config="german",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=30,
                min_words=15,
            ),
        )
        .order_by("-rank", "name")
    )
    return queryset


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
