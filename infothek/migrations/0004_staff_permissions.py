from django.db import migrations

from portal.staff_groups import REDAKTION, grant, model_permissions


def grant_permissions(apps, schema_editor):
    # Redaktion writes the Infothek: topics, guides, funding programmes, news, FAQ and the
    # files to download; it sees who asked for deadline reminders only as counts (no list).
    grant(
        apps,
        REDAKTION,
        model_permissions("infothek", "topic", ("view", "add", "change"))
        + model_permissions("infothek", "guide")
        + model_permissions("infothek", "fundingprogramme")
        + model_permissions("infothek", "newsitem")
        + model_permissions("infothek", "question")
        + model_permissions("infothek", "download"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("infothek", "0003_topics"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
