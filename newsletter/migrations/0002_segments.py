from django.db import migrations

SEGMENTS = [
    ("ehrenamtliche", "Für Ehrenamtliche", "For volunteers", 10),
    ("vereinsvorstaende", "Für Vereinsvorstände", "For association boards", 20),
    ("fortbildungen", "Fortbildungen", "Courses", 30),
    ("foerderprogramme", "Förderprogramme", "Funding programmes", 40),
]


def add_segments(apps, schema_editor):
    Segment = apps.get_model("newsletter", "Segment")
    for slug, name, name_en, order in SEGMENTS:
        Segment.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_newsletter")]

    operations = [migrations.RunPython(add_segments, migrations.RunPython.noop)]
