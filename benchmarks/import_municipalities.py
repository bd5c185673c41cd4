"""Benchmark of the municipality import on PostgreSQL: rows per second for 10,000 and 200,000 rows.

Run from the project folder, with DATABASE_URL pointing at any database of the PostgreSQL server
to use (its role must be allowed to create databases):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kloormokers \\
        .venv/bin/python benchmarks/import_municipalities.py [ROWS ...]

It creates the database kloormokers_bench_import (dropping a leftover one of that name), migrates
it, imports generated files through network.municipality_import.import_municipalities and drops the
database again. Per size it times three imports of one file: the first (every row created), the
same file again (every row unchanged) and a copy with every row's coordinates moved (every row
updated). A script to run on purpose, not a test.
"""

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

BENCH_DATABASE = "kloormokers_bench_import"
SIZES = (10_000, 200_000)
AMTER = ("Amt Nord", "Amt Süd", "Amt Ost", "Amt West", "Amt Mitte")


def main(sizes: list[int]) -> None:
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
        print(f"{'rows':>8}  {'import':<22}  {'seconds':>8}  {'rows/second':>11}")
        with tempfile.TemporaryDirectory() as folder:
            for count in sizes:
                _empty_tables(connection)
                path = Path(folder) / f"municipalities-{count}.csv"
                moved = Path(folder) / f"municipalities-{count}-moved.csv"
                _generate(path, count, shift=0.0)
                _generate(moved, count, shift=0.001)
                _timed(count, "first (all created)", path, "created")
                _timed(count, "again (all unchanged)", path, "unchanged")
                _timed(count, "moved (all updated)", moved, "updated")
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def _generate(path: Path, count: int, *, shift: float) -> None:
    """Valid rows: 8-digit keys, synthetic names, five Ämter, coordinates in the county."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("ags,name,amt,kind,lat,lon,source\n")
        for number in range(count):
            latitude = 54.0 + (number % 1000) / 2000 + shift
            longitude = 9.5 + (number // 1000 % 1000) / 2000 + shift
            file.write(
                f"{number:08d},Testdorf {number:06d},{AMTER[number % len(AMTER)]},gemeinde,"
                f"{latitude:.5f},{longitude:.5f},verified\n"
            )


def _timed(count: int, label: str, path: Path, expected: str) -> None:
    from network.municipality_import import import_municipalities

    started = time.perf_counter()
    report = import_municipalities(municipalities=path)
    seconds = time.perf_counter() - started
    municipalities = [name for name in getattr(report, expected) if not name.startswith("Amt ")]
    if len(municipalities) != count:
        sys.exit(f"{label}: expected {count} rows {expected}, got {len(municipalities)}")
    print(f"{count:>8}  {label:<22}  {seconds:>8.2f}  {count / seconds:>11,.0f}")


def _empty_tables(connection) -> None:
    from network.models import Amt, Municipality

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Municipality, Amt))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or list(SIZES))
