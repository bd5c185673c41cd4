"""The course topics the office plans by; staff can rename, reorder and add to them."""

from django.db import migrations

TOPICS = [
    ("vereinsrecht", "Vereinsrecht & Satzung", "Association law & statutes"),
    ("finanzen", "Finanzen, Steuern & Kasse", "Finance, tax & treasury"),
    ("datenschutz-digitales", "Datenschutz & Digitales", "Data protection & digital tools"),
    ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit", "Public relations"),
    ("engagement-gewinnen", "Mitglieder & Engagierte gewinnen", "Recruiting members & volunteers"),
    ("vorstandsarbeit", "Vorstandsarbeit & Führung", "Board work & leadership"),
    ("foerdermittel", "Fördermittel & Projekte", "Funding & projects"),
    ("erste-hilfe", "Erste Hilfe & Sicherheit", "First aid & safety"),
    ("jugendarbeit", "Kinder- & Jugendarbeit (Juleica)", "Work with children & youth (Juleica)"),
    ("kinderschutz", "Kinderschutz", "Child protection"),
]


def add_topics(apps, schema_editor):
    topic_model = apps.get_model("trainings", "Topic")
    for order, (slug, name, name_en) in enumerate(TOPICS, start=1):
        topic_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("trainings", "0002_search_index")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
