"""The topics the Infothek is ordered by; staff can rename, reorder and add to them."""

from django.db import migrations

TOPICS = [
    ("vereinsgruendung", "Verein gründen", "Founding an association"),
    ("satzung-vereinsrecht", "Satzung & Vereinsrecht", "Statutes & association law"),
    ("gemeinnuetzigkeit-steuern", "Gemeinnützigkeit & Steuern", "Charitable status & tax"),
    ("pauschalen", "Übungsleiter- & Ehrenamtspauschale", "Volunteer allowances"),
    ("versicherung", "Versicherungsschutz", "Insurance"),
    ("datenschutz", "Datenschutz", "Data protection"),
    ("kinderschutz", "Kinderschutz", "Child protection"),
    ("foerderung", "Fördermittel", "Funding"),
    ("engagement-gewinnen", "Engagierte gewinnen", "Recruiting volunteers"),
    ("digitales", "Digitales", "Digital tools"),
]


def add_topics(apps, schema_editor):
    topic_model = apps.get_model("infothek", "Topic")
    for order, (slug, name, name_en) in enumerate(TOPICS, start=1):
        topic_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("infothek", "0002_search_indexes")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
