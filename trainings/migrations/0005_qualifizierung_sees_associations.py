from django.db import migrations

from portal.staff_groups import QUALIFIZIERUNG, grant


def grant_permissions(apps, schema_editor):
    # Participants may name their association; Qualifizierung reads the directory's entries
    # (to show and choose them), and changes nothing there.
    grant(apps, QUALIFIZIERUNG, ["network.view_association"])


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0004_staff_permissions"),
        ("network", "0006_directory_permissions"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
