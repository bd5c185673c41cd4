"""The fields of activity associations choose from: a real-world list for a German county."""

from django.db import migrations

CATEGORIES = [
    # slug, German, English
    ("sport", "Sport & Bewegung", "Sport & exercise"),
    ("kultur-musik", "Kultur, Musik & Gesang", "Culture, music & singing"),
    ("feuerwehr", "Freiwillige Feuerwehr", "Volunteer fire brigade"),
    ("rettung", "Rettungsdienst & Katastrophenschutz", "Rescue & civil protection"),
    ("soziales", "Soziales", "Social welfare"),
    ("kirche", "Kirche & Glaube", "Church & faith"),
    ("umwelt", "Umwelt, Natur & Tierschutz", "Environment, nature & animal welfare"),
    ("heimat", "Heimat, Brauchtum & Plattdeutsch", "Local heritage, customs & Low German"),
    ("kinder-jugend", "Kinder & Jugend", "Children & youth"),
    ("senioren", "Senior:innen", "Older people"),
    ("integration", "Integration & Teilhabe", "Integration & inclusion"),
    ("bildung", "Bildung", "Education"),
    ("gesundheit", "Gesundheit & Selbsthilfe", "Health & self-help"),
    ("freizeit", "Freizeit & Geselligkeit", "Leisure & social life"),
    ("buergerschaft", "Bürgerschaft & Dorfentwicklung", "Civic life & village development"),
    ("sonstiges", "Sonstiges", "Other"),
]


def create(apps, schema_editor):
    category = apps.get_model("network", "Category")
    for order, (slug, name, name_en) in enumerate(CATEGORIES, start=1):
        category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0004_search_indexes")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
