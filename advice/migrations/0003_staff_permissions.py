from django.db import migrations

from portal.staff_groups import BERATUNG, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Beratung runs the advice: topics, advisers and their times, cases and notes.
    grant(
        apps,
        BERATUNG,
        model_permissions("advice", "topic", ("view", "add", "change"))
        + model_permissions("advice", "bookingrules", ("view", "change"))
        + model_permissions("advice", "advisor")
        + model_permissions("advice", "weeklyavailability")
        + model_permissions("advice", "absence")
        + model_permissions("advice", "slot", ("view",))
        + model_permissions("advice", "advicerequest", ("view", "add", "change"))
        + model_permissions("advice", "casenote", ("view", "add"))
        + model_permissions("advice", "caseevent", ("view",)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0002_topics_and_rules"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
