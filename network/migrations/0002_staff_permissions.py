from django.db import migrations

from portal.staff_groups import VERNETZUNG, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Vernetzung keeps the municipalities and Ämter current (no deleting: entries refer to them).
    grant(
        apps,
        VERNETZUNG,
        model_permissions("network", "municipality", ("view", "add", "change"))
        + model_permissions("network", "amt", ("view", "add", "change")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
