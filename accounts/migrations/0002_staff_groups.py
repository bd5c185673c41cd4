from django.db import migrations

from portal.staff_groups import BERATUNG, QUALIFIZIERUNG, REDAKTION, VERNETZUNG

# The staff roles. Each app grants its own models' permissions to them in its own data
# migration (portal.staff_groups.grant), so this one only makes the groups.


def create_groups(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in (BERATUNG, QUALIFIZIERUNG, VERNETZUNG, REDAKTION):
        group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[BERATUNG, QUALIFIZIERUNG, VERNETZUNG, REDAKTION]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
