from django.db import migrations


def move_reply_to(apps, schema_editor):
    # Mails written before the column existed kept Reply-To among the extra headers.
    email = apps.get_model("mailings", "Email")
    for row in email.objects.filter(headers__has_key="Reply-To").only("id", "headers"):
        headers = dict(row.headers)
        row.reply_to = headers.pop("Reply-To")
        row.headers = headers
        row.save(update_fields=["reply_to", "headers"])


class Migration(migrations.Migration):
    dependencies = [("mailings", "0007_reply_to_column")]

    operations = [migrations.RunPython(move_reply_to, migrations.RunPython.noop)]
