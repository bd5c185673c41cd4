from django.db import migrations

from portal.staff_groups import BERATUNG, grant


def grant_permissions(apps, schema_editor):
    # Beratung links cases to associations (chosen by name) and sees an association's cases
    # on its admin page: it reads the directory's entries, and changes nothing there.
    grant(apps, BERATUNG, ["network.view_association"])


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0003_staff_permissions"),
        ("network", "0006_directory_permissions"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
