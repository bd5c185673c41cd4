"""PostgreSQL search: trigram extension and indexes (the embedded SQLite default has none).

The stored search vectors get a GIN index (full-text search, German configuration); names get
a trigram index for typos and parts of compound words ("Feuerwehr" in "Jugendfeuerwehr").
"""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS association_search_idx "
    "ON network_association USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS association_name_trgm_idx "
    "ON network_association USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS opportunity_search_idx "
    "ON network_opportunity USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS opportunity_title_trgm_idx "
    "ON network_opportunity USING gin (lower(title) gin_trgm_ops)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (
        "association_search_idx",
        "association_name_trgm_idx",
        "opportunity_search_idx",
        "opportunity_title_trgm_idx",
    ):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("network", "0003_directory")]

    operations = [migrations.RunPython(create, drop)]
