from django.db import migrations

from portal.staff_groups import REDAKTION, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Redaktion edits the county's identity and the content pages.
    grant(
        apps,
        REDAKTION,
        model_permissions("portal", "page", ("view", "change"))
        + model_permissions("portal", "siteconfiguration", ("view", "change")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_default_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
