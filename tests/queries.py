"""Query counts that stay the same whatever the amount of data a page lists.

A maximum measured once can hide a query per row (the maximum was simply measured with few
rows), so each page is counted at two sizes, N rows and 10×N rows, and both counts must equal
the pinned number.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Page, SiteConfiguration
from portal.templatetags.portal import forget_shared_fragments


def forget_caches() -> None:
    """Every count starts alike: the site configuration and pages are read from the database,
    the layout's shared fragments rendered anew (the shared cache and this process's copies)."""
    cache.clear()
    SiteConfiguration.forget_local_copy()
    Page.forget_local_copies()
    forget_shared_fragments()


def _count(get) -> tuple[object, list[str]]:
    forget_caches()
    with CaptureQueriesContext(connection) as context:
        response = get()
    assert response.status_code == 200, f"answered {response.status_code}, not 200"
    return response, [query["sql"] for query in context.captured_queries]


def assert_queries_do_not_grow(
    get: Callable[[], object],
    *,
    add_rows: Callable[[int], object],
    queries: int | None,
    rows: int = 3,
):
    """`get()` needs `queries` queries after `add_rows(rows)` and after 10× as many rows.

    `queries=None` only compares the two counts (for the walk over every admin model).
    Returns the two responses, so the test can check that the rows are on the page.
    """
    get()  # warm-up: per-process caches (content types, translations) are not counted
    add_rows(rows)
    small, small_sql = _count(get)
    add_rows(9 * rows)
    large, large_sql = _count(get)
    counts = (len(small_sql), len(large_sql))
    expected = (queries, queries) if queries is not None else (counts[0], counts[0])
    if counts != expected:
        raise AssertionError(
            f"queries with {rows} rows and with {10 * rows} rows: {counts}, expected {expected}"
            f"\n--- with {rows} rows:\n"
            + "\n".join(small_sql)
            + f"\n--- with {10 * rows} rows:\n"
            + "\n".join(large_sql)
        )
    return small, large
