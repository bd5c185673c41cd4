"""The legal notices' details in the site configuration: who is responsible for the content
(Impressum), the data protection officer (Datenschutz) and the conciliation body
(Barrierefreiheit).

The existing row gets the county's defaults from settings.COUNTY_DEFAULTS (environment
variables, Schleswig-Holstein presets) as the columns' one-off default; the model itself has
no default, so staff see empty fields only when they create a configuration by hand.
"""

import portal.addresses
from django.conf import settings
from django.db import migrations, models


def _default(name):
    return settings.COUNTY_DEFAULTS.get(name, "")


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0004_without_unused_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="siteconfiguration",
            name="content_responsible",
            field=models.CharField(
                default=_default("content_responsible"),
                help_text="The person or office responsible for the content under § 18 (2) MStV, shown in the imprint with the address above. For a county this is usually the head of the administration (Landrat or Landrätin), who may name someone else.",
                max_length=200,
                verbose_name="responsible for the content",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="dpo_name",
            field=models.CharField(
                default=_default("dpo_name"),
                help_text="Name or office of the data protection officer, shown in the privacy notice.",
                max_length=200,
                verbose_name="data protection officer",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="dpo_address",
            field=models.CharField(
                blank=True,
                default=_default("dpo_address"),
                help_text="Preset to the county's address. Please enter the data protection officer's direct contact here and below, so people can reach them without going through the office.",
                max_length=200,
                verbose_name="postal address of the data protection officer",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="dpo_email",
            field=models.EmailField(
                blank=True,
                default=_default("dpo_email"),
                help_text="Empty until staff enter the officer's own address: none is guessed.",
                max_length=254,
                validators=[portal.addresses.validate_email_address],
                verbose_name="e-mail address of the data protection officer",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="conciliation_name",
            field=models.CharField(
                default=_default("conciliation_name"),
                help_text="The conciliation body named in the accessibility statement (in Schleswig-Holstein the one under the Landesbehindertengleichstellungsgesetz). The presets are the state's published details as of 2025: please check them now and then.",
                max_length=300,
                verbose_name="conciliation body",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="conciliation_address",
            field=models.CharField(
                blank=True,
                default=_default("conciliation_address"),
                max_length=200,
                verbose_name="address of the conciliation body",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="conciliation_phone",
            field=models.CharField(
                blank=True,
                default=_default("conciliation_phone"),
                max_length=40,
                verbose_name="phone of the conciliation body",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="conciliation_email",
            field=models.EmailField(
                blank=True,
                default=_default("conciliation_email"),
                max_length=254,
                validators=[portal.addresses.validate_email_address],
                verbose_name="e-mail address of the conciliation body",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="siteconfiguration",
            name="conciliation_url",
            field=models.URLField(
                blank=True,
                default=_default("conciliation_url"),
                max_length=300,
                verbose_name="web address of the conciliation body",
            ),
            preserve_default=False,
        ),
    ]
