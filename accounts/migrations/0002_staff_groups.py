from django.db import migrations

from accounts.staff_groups import (
    BERATUNG,
    QUALIFIZIERUNG,
    REDAKTION,
    VERNETZUNG,
    grant,
    model_permissions,
)

def create_groups(apps, schema_editor):
    # Advice and training models arrive with their apps, which grant their own permissions.
    # Only Redaktion sees the outbox (it holds what was sent to people).
    grant(apps, BERATUNG, [])
    grant(apps, QUALIFIZIERUNG, [])
    grant(
        apps,
        VERNETZUNG,
        model_permissions("network", "municipality", ("view", "add", "change"))
        + model_permissions("network", "amt", ("view", "add", "change")),
    )
    grant(
        apps,
        REDAKTION,
        model_permissions("mailings", "email", ("view", "change"))
        + model_permissions("kloormokers", "page", ("view", "change"))
        + model_permissions("kloormokers", "siteconfiguration", ("view", "change")),
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[BERATUNG, QUALIFIZIERUNG, VERNETZUNG, REDAKTION]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mailings", "0001_initial"),
        ("network", "0001_initial"),
        ("kloormokers", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
