"""PostgreSQL search: a GIN index on the courses' stored search vector (German full-text
search); the embedded SQLite default searches without it."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS course_search_idx ON trainings_course USING gin (search_vector)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS course_search_idx")


class Migration(migrations.Migration):
    dependencies = [("trainings", "0001_courses_and_registrations")]

    operations = [migrations.RunPython(create, drop)]
