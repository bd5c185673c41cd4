from django.db import migrations

from portal.staff_groups import VERNETZUNG, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Vernetzung runs the directory: entries, categories, moderation, opportunities.
    grant(
        apps,
        VERNETZUNG,
        model_permissions("network", "association")
        + model_permissions("network", "category", ("view", "add", "change"))
        + model_permissions("network", "representative")
        + model_permissions("network", "claim", ("view", "change"))
        + model_permissions("network", "changerequest", ("view", "change"))
        + model_permissions("network", "associationchange", ("view",))
        + model_permissions("network", "invitation", ("view", "delete"))
        + model_permissions("network", "opportunity")
        + model_permissions("network", "interest", ("view",)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0005_categories"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
