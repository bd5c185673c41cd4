"""Benchmark of the directory search on PostgreSQL: DB time p50 / p95 per kind of query.

Run from the project folder, with DATABASE_URL pointing at any database of the PostgreSQL server
to use (its role must be allowed to create databases):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kloormokers \\
        .venv/bin/python benchmarks/directory_search.py [ENTRIES [REPETITIONS]]

It creates the database kloormokers_bench_search (dropping a leftover one of that name),
migrates it, loads the county's municipalities, generates 20,000 associations with the demo
generator (network/demo.py: 46 kinds of association, invented Ortsteile, varied descriptions;
a fixed seed), fills their search vectors with services.refresh_search_vector (one UPDATE per
5,000 entries), runs VACUUM ANALYZE and then times the list page of the directory as the view
runs it: network.selectors.search_associations (on PostgreSQL it runs its spelling check at
once), then `count()` and the first 20 rows; for five kinds of query, each with many different
terms or filter combinations, each repeated. Then it drops the database again. A script to run
on purpose, not a test.

DB time is the wall time of each statement's cursor.execute (psycopg fetches the whole result
in it: planning, execution and transfer over the local socket), summed for the statements of
one page; Python's time to build the query and the model instances is not in it. Wall time
grows when other programs keep the cores busy, so the load average is printed, and, when the
server runs on this machine (Linux), also the CPU time the server process spent on the page
(from /proc/<pid>/schedstat), which does not.
"""

import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

BENCH_DATABASE = "kloormokers_bench_search"
ENTRIES = 20_000
REPETITIONS = 5
GOAL_MS = 20.0
SEED = 2026
PAGE = 20

# Terms people type. Single words (stemmed full-text matches, some very common); typos
# (trigram word similarity); parts of compound words ("Frauen" in "Landfrauenverein").
WORDS = [
    "Chor",
    "Feuerwehr",
    "Tafel",
    "Landfrauen",
    "Sportverein",
    "Heimatverein",
    "Schach",
    "Imker",
    "Ringreiten",
    "Plattdeutsch",
    "Seniorentreff",
    "Kinderturnen",
    "Blutspende",
    "Posaunenchor",
    "Fußball",
    "Knickpflege",
    "Theater",
    "Jugendtreff",
    "Angelverein",
    "Bürgerbus",
]
TYPOS = [
    "Feurwehr",
    "Schützenverin",
    "Landfraun",
    "Heimatferein",
    "Posaunenkor",
    "Sportferein",
    "Angelferein",
    "Imkerverain",
    "Jugendfeuerwer",
    "Seniorentref",
    "Ringreitter",
    "Plattdeutch",
    "Nachbarschaftshlfe",
    "Flüchtlingshilf",
    "Gesangverin",
    "Tafell",
]
COMPOUNDS = [
    "Feuerwehr",
    "Frauen",
    "Jugend",
    "Schützen",
    "Reiter",
    "Hilfe",
    "Garten",
    "Senioren",
    "Gilde",
    "Musik",
    "Wehr",
    "Kirche",
]
COMBINATIONS = 40  # filter pairs (category + Amt); searches with two filters


def main(entries: int, repetitions: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kloormokers.settings")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kloormokers")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    settings.DEBUG = False  # as in production: no SQL statements kept in memory
    original_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = BENCH_DATABASE
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        print(
            f"{timezone.localdate().isoformat()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PostgreSQL {server}"
        )
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        published = _load(entries)
        print(
            f"{entries:,} associations ({published:,} published) generated, stored and "
            f"indexed in {time.perf_counter() - started:.1f} s; "
            f"{repetitions} repetitions of each query\n"
        )
        results = _measure(repetitions)
        _report(results)
        print(f"\nload average (1 min) before / after measuring: "
              f"{load_before:.1f} / {os.getloadavg()[0]:.1f}")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def _report(results) -> None:
    print(f"{'query':<26}  {'terms':>5}  {'pages':>5}  {'hits p50':>8}  {'p50 ms':>6}  "
          f"{'p95 ms':>6}  {'max ms':>6}  {'goal':>6}  {'CPU p50':>7}  {'CPU p95':>7}")  # fmt: skip
    for label, terms, hits, times, cpu in results:
        p50, p95 = _percentile(times, 50), _percentile(times, 95)
        line = (
            f"{label:<26}  {terms:>5}  {len(times):>5}  {statistics.median(hits):>8,.0f}  "
            f"{p50:>6.1f}  {p95:>6.1f}  {max(times):>6.1f}  "
            f"{'ok' if p95 < GOAL_MS else 'missed':>6}"
        )
        if None not in cpu:
            line += f"  {_percentile(cpu, 50):>7.1f}  {_percentile(cpu, 95):>7.1f}"
        print(line)


def _load(entries: int) -> int:
    """The municipalities, `entries` generated associations with categories, their vectors."""
    from django.db import connection, transaction
    from django.utils import timezone

    from network import services
    from network.demo import DATA, Generator, association_rows, category_rows
    from network.models import Association, Municipality
    from network.municipality_import import import_municipalities

    import_municipalities(municipalities=DATA / "municipalities.csv", amter=DATA / "amter.csv")
    generator = Generator(
        list(Municipality.objects.select_related("amt")), seed=SEED, ortsteile=True
    )
    specs = generator.associations(entries)
    rng = random.Random(SEED)  # noqa: S311 - benchmark data, no secrets
    now = timezone.now()
    with transaction.atomic():
        rows = association_rows(specs, now=now)
        for row in rows:  # a few entries the public never sees
            draw = rng.random()
            if draw < 0.03:
                row.status = Association.Status.HIDDEN
            elif draw < 0.04:
                row.status = Association.Status.PROPOSED
        Association.objects.bulk_create(rows, batch_size=2000)
        ids = dict(Association.objects.values_list("slug", "pk"))
        through = Association.categories.through
        through.objects.bulk_create(category_rows(specs, ids), batch_size=5000)
        pks = sorted(ids.values())
        for start in range(0, len(pks), 5000):
            services.refresh_search_vector(association_ids=pks[start : start + 5000])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return Association.objects.filter(status=Association.Status.PUBLISHED).count()


def _measure(repetitions: int) -> list[tuple]:
    from network.models import Amt, Association, Category
    from network.selectors import Filters

    rng = random.Random(SEED + 1)  # noqa: S311 - benchmark data, no secrets
    categories, amter = list(Category.objects.all()), list(Amt.objects.all())
    pairs = [(rng.choice(categories), rng.choice(amter)) for _ in range(COMBINATIONS)]
    # Searches someone would narrow down: a word of an entry's name, one of its categories,
    # its Amt (so none of them is empty by construction).
    published = Association.objects.filter(
        status=Association.Status.PUBLISHED, municipality__amt__isnull=False
    ).order_by("pk")
    narrowed = []
    for entry in rng.sample(list(published.prefetch_related("categories")[:5000]), COMBINATIONS):
        words = [w for w in entry.name.split() if len(w) >= 4 and w not in entry.name[-12:]]
        narrowed.append(
            Filters(
                q=rng.choice(words or entry.name.split()),
                category=rng.choice(list(entry.categories.all())),
                amt=entry.municipality.amt,
            )
        )
    kinds = [
        ("single word", [Filters(q=w) for w in WORDS]),
        ("typo", [Filters(q=w) for w in TYPOS]),
        ("part of a compound word", [Filters(q=w) for w in COMPOUNDS]),
        ("filter only (category+Amt)", [Filters(category=c, amt=a) for c, a in pairs]),
        ("search + two filters", narrowed),
    ]
    results = []
    for label, filter_list in kinds:
        for filters in filter_list:  # warm up: the first run of a plan reads pages from disk
            _page(filters)
        hits, times, cpu = [], [], []
        for _ in range(repetitions):
            for filters in filter_list:
                count, milliseconds, cpu_milliseconds = _page(filters)
                hits.append(count)
                times.append(milliseconds)
                cpu.append(cpu_milliseconds)
        results.append((label, len(filter_list), hits, times, cpu))
    return results


def _page(filters) -> tuple[int, float, float | None]:
    """One list page as the view builds it: the search's statements (the spelling check,
    the count, the first 20 rows); their DB time in ms, and the server's CPU time if known."""
    from django.db import connection

    from network.selectors import search_associations

    spent = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    cpu_before = _server_cpu_ms()
    with connection.execute_wrapper(timed):
        queryset = search_associations(filters)
        count = queryset.count()
        rows = list(queryset[:PAGE])
    cpu_after = _server_cpu_ms()
    if len(rows) != min(count, PAGE):
        sys.exit(f"Expected {min(count, PAGE)} rows for {filters}, got {len(rows)}")
    cpu = None if cpu_before is None else cpu_after - cpu_before
    return count, sum(spent) * 1000, cpu


def _server_cpu_ms() -> float | None:
    """CPU time of this connection's server process so far (Linux, server on this machine):
    unlike wall time, it does not grow when other programs keep the cores busy."""
    from django.db import connection

    global _backend
    if _backend is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _backend = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    try:
        return int(_backend.read_text().split()[0]) / 1e6
    except (OSError, ValueError, IndexError):
        return None


_backend: Path | None = None


def _percentile(values: list[float], percent: int) -> float:
    """Nearest rank: the smallest value with at least `percent` % of all at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    main(*(arguments + [ENTRIES, REPETITIONS][len(arguments) :]))
