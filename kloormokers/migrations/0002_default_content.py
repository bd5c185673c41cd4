from django.conf import settings
from django.db import migrations

from kloormokers.default_pages import filled


def create_defaults(apps, schema_editor):
    site_configuration = apps.get_model("kloormokers", "SiteConfiguration")
    page = apps.get_model("kloormokers", "Page")
    site_configuration.objects.get_or_create(id=1, defaults=settings.COUNTY_DEFAULTS)
    for slug, fields in filled(settings.COUNTY_DEFAULTS).items():
        page.objects.get_or_create(slug=slug, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("kloormokers", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
