"""PostgreSQL search: GIN indexes on the stored search vectors (German full-text search); the
embedded SQLite default searches without them."""

from django.db import migrations

TABLES = ["guide", "fundingprogramme", "newsitem", "question"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS infothek_{table}_search_idx "
            f"ON infothek_{table} USING gin (search_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS infothek_{table}_search_idx")


class Migration(migrations.Migration):
    dependencies = [("infothek", "0001_infothek")]

    operations = [migrations.RunPython(create, drop)]
