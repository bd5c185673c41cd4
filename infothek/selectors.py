"""Reading the Infothek: public lists, what staff may preview, related items and the search.

The search runs one query per kind of item (guides, programmes, news, FAQ), each limited to
SEARCH_LIMIT rows, and merges them by rank in Python: a fixed number of queries whatever the
data. On PostgreSQL it is German full-text search on the stored, GIN-indexed vector
(services.refresh_search_vector: title weight A, summary B, text C), so "Vereine" finds
"Verein" and a title match ranks above a match in the text; "ue", "oe", "ae" typed for an
umlaut are tried as the umlaut too. The embedded SQLite default searches by substring.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from trainings.models import Course

from .models import Audience, FundingProgramme, Guide, NewsItem, Question, Topic

SEARCH_LIMIT = 100  # per kind, and for the merged result
MARK_START, MARK_END = "\ue000", "\ue001"
LONG_TEXT = ("body", "body_en", "search_vector")  # not needed by lists


@dataclass(frozen=True)
class Kind:
    code: str
    model: type
    topic_lookup: str


KINDS = {
    "guide": Kind("guide", Guide, "topics"),
    "programme": Kind("programme", FundingProgramme, "topics"),
    "news": Kind("news", NewsItem, "topics"),
    "faq": Kind("faq", Question, "topic"),
}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Who sees what ---------------------------------------------------------------------------


def may_preview(user, model) -> bool:
    """Staff with the model's view permission (the group Redaktion) see drafts, scheduled and
    archived items at their public address."""
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.has_perm(f"infothek.view_{model._meta.model_name}")
    )


def item_or_404(queryset: QuerySet, user, **lookup):
    """The item if it is public, or if the person may preview it; else 404 (nothing leaks)."""
    item = queryset.filter(**lookup).first()
    if item is None or not (item.is_public() or may_preview(user, queryset.model)):
        raise Http404
    return item


# --- Lists -----------------------------------------------------------------------------------


def public_guides(*, topic: Topic | None = None, audience: str | None = None) -> QuerySet:
    guides = Guide.objects.public().defer(*LONG_TEXT)
    if topic is not None:
        guides = guides.filter(topics=topic)
    if audience:
        guides = guides.filter(audience__in=[audience, Audience.BOTH])
    return guides.prefetch_related("topics").order_by("title", "pk")


def newest_news(count: int | None = None) -> QuerySet:
    news = NewsItem.objects.public().defer(*LONG_TEXT).order_by("-publish_at", "pk")
    return news[:count] if count else news


def next_deadlines(count: int) -> list:
    """Open programmes with a deadline, the soonest first."""
    return list(
        FundingProgramme.objects.open_now()
        .filter(deadline__isnull=False)
        .defer(*LONG_TEXT)
        .order_by("deadline", "title")[:count]
    )


def guide_related(guide: Guide) -> dict:
    """What a guide page shows besides the text: one query each, whatever the numbers."""
    upcoming = (
        Course.objects.public()
        .filter(topic__in=guide.course_topics.all(), starts_at__gt=timezone.now())
        .order_by("starts_at", "title")[:3]
    )
    return {
        "topics": list(guide.topics.all()),
        "related": list(guide.related_guides.public().defer(*LONG_TEXT).order_by("title")),
        "advice_topics": list(guide.advice_topics.filter(active=True)),
        "courses": list(upcoming),
        "downloads": list(guide.downloads.all()),
    }


# --- Search ----------------------------------------------------------------------------------


UMLAUTS = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("Ae", "Ä"), ("Oe", "Ö"), ("Ue", "Ü"))


def _with_umlauts(q: str) -> str:
    for typed, umlaut in UMLAUTS:
        q = q.replace(typed, umlaut)
    return q


def _query(q: str):
    query = SearchQuery(q, config="german", search_type="websearch")
    spelled = _with_umlauts(q)
    if spelled != q:  # "gemeinnuetzig" is also "gemeinnützig"; the original stays
        query |= SearchQuery(spelled, config="german", search_type="websearch")
    return query


def _snippet(text: str) -> str:
    """The headline without Markdown marks, escaped, with the matches in <mark>."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](address) -> text
    text = re.sub(r"[|:-]{3,}", " ", text)  # a table's rule line
    text = re.sub(r"(^|\s)[#>|*_`-]+|[*_`|]+", r"\1", text)
    text = " ".join(text.split())
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our marks are HTML


def _search_kind(kind: Kind, q: str, topic: Topic | None) -> list:
    queryset = kind.model.objects.public().defer("body_en", "search_vector")
    if topic is not None:
        queryset = queryset.filter(**{kind.topic_lookup: topic})
    if kind.model is Question:
        queryset = queryset.select_related("topic")
    if is_postgres():
        query = _query(q)
        rows = (
            queryset.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                headline=SearchHeadline(
                    "body",
                    query,
                    config="german",
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=30,
                    min_words=12,
                ),
            )
            .defer("body")
            .order_by("-rank", "pk")
        )
    else:
        words = [w for w in re.split(r"\W+", q) if w][:8]
        if not words:
            return []
        in_title = Q()
        for word in words:
            text = Q(title__icontains=word) | Q(body__icontains=word)
            if kind.model is not Question:
                text |= Q(summary__icontains=word)
            queryset = queryset.filter(text)
            in_title &= Q(title__icontains=word)
        rows = queryset.annotate(
            rank=Case(
                When(in_title, then=Value(1.0)), default=Value(0.1), output_field=FloatField()
            ),
            headline=Value(""),
        ).order_by("-rank", "title", "pk")
    results = list(rows[:SEARCH_LIMIT])
    for item in results:
        item.kind = kind.code
        has_summary = bool(getattr(item, "summary", ""))
        # The matching words in the text; else the summary (a question: its answer's start).
        shows_text = MARK_START in item.headline or not has_summary
        item.snippet = _snippet(item.headline) if shows_text else ""
        item.summary_text = item.localized("summary") if has_summary else ""
    return results


def search(*, q: str, kind: str | None = None, topic: Topic | None = None) -> list:
    """Public guides, programmes, news and questions matching `q`, best first, at most
    SEARCH_LIMIT; each carries `kind`, `rank` and `snippet` (escaped, matches marked)."""
    q = q.strip()
    if not q:
        return []
    kinds = [KINDS[kind]] if kind in KINDS else list(KINDS.values())
    found = []
    for searched in kinds:
        found += _search_kind(searched, q, topic)
    found.sort(key=lambda item: (-item.rank, item.title.lower()))
    return found[:SEARCH_LIMIT]
