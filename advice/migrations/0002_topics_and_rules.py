"""The advice topics the office offers, and the booking rules' single row."""

from django.db import migrations

TOPICS = [
    # slug, German, English, German description
    ("vereinsrecht", "Vereinsrecht & Satzung", "Association law & statutes",
     "Gründung, Satzung, Mitgliederversammlung, Eintragung ins Vereinsregister."),
    ("steuern", "Steuern & Gemeinnützigkeit", "Tax & charitable status",
     "Gemeinnützigkeit, Freistellungsbescheid, Spendenbescheinigungen, Steuererklärung."),
    ("pauschalen", "Übungsleiter- und Ehrenamtspauschale", "Volunteer allowances",
     "Wer sie bekommen kann, wie hoch sie sind und was der Verein beachten muss."),
    ("versicherung", "Versicherungsschutz", "Insurance",
     "Haftpflicht und Unfallschutz im Ehrenamt, Sammelversicherung des Landes."),
    ("datenschutz", "Datenschutz im Verein", "Data protection in associations",
     "Mitgliederdaten, Fotos, Einwilligungen, Verzeichnis der Verarbeitungstätigkeiten."),
    ("foerdermittel", "Fördermittel", "Funding",
     "Passende Programme finden, Anträge stellen, Verwendungsnachweise."),
    ("nachwuchs", "Nachwuchsgewinnung", "Finding new members",
     "Neue Engagierte gewinnen und halten, Aufgaben teilen, junge Menschen ansprechen."),
    ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit", "Public relations",
     "Presse, soziale Medien, Website und Flyer mit kleinem Budget."),
    ("digitalisierung", "Digitalisierung", "Going digital",
     "Vereinssoftware, Online-Sitzungen, digitale Mitgliederverwaltung."),
    ("vorstand", "Vorstandsarbeit & Nachfolge", "Board work & succession",
     "Aufgaben verteilen, Haftung des Vorstands, Nachfolge rechtzeitig planen."),
    ("kinderschutz", "Kinderschutz", "Child protection",
     "Schutzkonzept, erweitertes Führungszeugnis, Ansprechpersonen im Verein."),
]


def create(apps, schema_editor):
    topic = apps.get_model("advice", "Topic")
    for order, (slug, name, name_en, description) in enumerate(TOPICS, start=1):
        topic.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "description": description,
                "order": order * 10,
            },
        )
    apps.get_model("advice", "BookingRules").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("advice", "0001_beratung")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
