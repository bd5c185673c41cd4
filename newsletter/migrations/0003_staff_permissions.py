from django.db import migrations

from portal.staff_groups import REDAKTION, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Redaktion writes and sends the newsletter and keeps its segments; it sees subscribers
    # with their consent evidence and may delete one (on request), but never adds or edits one.
    grant(
        apps,
        REDAKTION,
        model_permissions("newsletter", "issue")
        + ["newsletter.send_issue"]
        + model_permissions("newsletter", "segment", ("view", "add", "change"))
        + model_permissions("newsletter", "subscription", ("view", "delete")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_segments"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
