from django.db import migrations

REMOVED = "(removed: contained a personal link or code)"


def mark_account_mails(apps, schema_editor):
    # Mails written before the flag existed: allauth's carry verification/reset links.
    email = apps.get_model("mailings", "Email")
    account_mails = email.objects.filter(template__startswith="account/email/")
    account_mails.update(sensitive=True)
    account_mails.exclude(status="queued").exclude(status="sending").update(
        body_text=REMOVED, body_html=REMOVED
    )


class Migration(migrations.Migration):
    dependencies = [("mailings", "0002_recipient_account_and_sensitive_flag")]

    operations = [migrations.RunPython(mark_account_mails, migrations.RunPython.noop)]
