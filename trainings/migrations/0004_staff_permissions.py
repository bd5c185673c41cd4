from django.db import migrations

from portal.staff_groups import QUALIFIZIERUNG, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Qualifizierung runs the catalogue: topics, venues, speakers, courses and their dates,
    # the participant lists (attendance), certificates, wishes, feedback and statistics.
    grant(
        apps,
        QUALIFIZIERUNG,
        model_permissions("trainings", "topic", ("view", "add", "change"))
        + model_permissions("trainings", "venue")
        + model_permissions("trainings", "speaker")
        + model_permissions("trainings", "course")
        + model_permissions("trainings", "coursedate")
        + model_permissions("trainings", "registration", ("view", "change"))
        + model_permissions("trainings", "certificate", ("view", "add"))
        + model_permissions("trainings", "coursewish", ("view",))
        + model_permissions("trainings", "feedback", ("view",))
        + ["trainings.view_statistics"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0003_topics"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
