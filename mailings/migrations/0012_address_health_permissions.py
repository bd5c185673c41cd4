from django.db import migrations

from portal.staff_groups import REDAKTION, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Redaktion sends the newsletters: it sees which addresses are blocked and resets them.
    grant(apps, REDAKTION, model_permissions("mailings", "addresshealth", ("view", "change")))


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0011_bulk_delivery_and_address_health"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
