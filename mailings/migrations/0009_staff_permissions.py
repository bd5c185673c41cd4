from django.db import migrations

from portal.staff_groups import REDAKTION, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Only Redaktion sees the outbox: it holds what was sent to people.
    grant(apps, REDAKTION, model_permissions("mailings", "email", ("view", "change")))


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0008_reply_to_from_headers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
