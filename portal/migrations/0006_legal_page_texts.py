"""The default texts of the imprint and the accessibility statement, without what the page now
shows from the site configuration (the person responsible for the content; the conciliation
body) and without a second "Barriere melden" heading above the form of that name.

Only pages whose text still equals the first default (as migration 0002 wrote it, with the
county's values from the settings or the site configuration) change: a page staff have edited
is left alone. The texts are frozen here, like 0002's.
"""

from django.conf import settings
from django.db import migrations

VALUE_KEYS = ("office_name", "county_name", "street", "postal_code", "city", "phone", "email")

IMPRINT_PROVIDER = """## Anbieter
{office_name} ist die Ehrenamtsberatung im {county_name}.

{county_name}
{street}
{postal_code} {city}

Telefon: {phone}
E-Mail: {email}"""

IMPRINT_PROVIDER_EN = """## Provider
{office_name} is the volunteer-support office of {county_name}.

{county_name}
{street}
{postal_code} {city}

Phone: {phone}
E-mail: {email}"""

ACCESSIBILITY_INTRO = """Der {county_name} ist bemüht, dieses Portal im Einklang mit dem Landesbehindertengleichstellungsgesetz Schleswig-Holstein und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen.

## Stand der Vereinbarkeit
Das Portal wurde nach WCAG 2.1 Stufe AA gestaltet und wird bei jeder Änderung automatisch geprüft. Es ist nach unserer Kenntnis weitgehend vereinbar."""

ACCESSIBILITY_INTRO_EN = """{county_name} aims to make this portal accessible in line with the accessibility law of Schleswig-Holstein and the BITV 2.0.

## Compliance status
The portal was designed to WCAG 2.1 level AA and is tested automatically with every change. To our knowledge it is largely compliant."""

# slug -> field -> (text as 0002 wrote it, text now)
TEXTS = {
    "impressum": {
        "body": (
            IMPRINT_PROVIDER
            + """

## Verantwortlich für den Inhalt
Die Leitung von {office_name}, Anschrift wie oben.

## Haftung für Links
Für die Inhalte verlinkter Seiten sind allein deren Anbieter verantwortlich.""",
            IMPRINT_PROVIDER
            + """

## Haftung für Links
Für die Inhalte verlinkter Seiten sind allein deren Anbieter verantwortlich.""",
        ),
        "body_en": (
            IMPRINT_PROVIDER_EN
            + """

## Responsible for the content
The head of {office_name}, address as above.

## Links
The providers of linked pages alone are responsible for their content.""",
            IMPRINT_PROVIDER_EN
            + """

## Links
The providers of linked pages alone are responsible for their content.""",
        ),
    },
    "barrierefreiheit": {
        "body": (
            ACCESSIBILITY_INTRO
            + """

## Barriere melden
Ist Ihnen eine Barriere aufgefallen? Beschreiben Sie sie im Formular unten oder schreiben Sie an {email}. Wir antworten in der Regel innerhalb von zwei Wochen.

## Schlichtungsverfahren
Wenn Sie mit unserer Antwort nicht zufrieden sind, können Sie sich an die Schlichtungsstelle nach dem Landesbehindertengleichstellungsgesetz Schleswig-Holstein wenden.""",
            ACCESSIBILITY_INTRO
            + """

## Feedback und Kontakt
Ist Ihnen eine Barriere aufgefallen? Beschreiben Sie sie im Formular „Barriere melden“ weiter unten oder schreiben Sie an {email}. Wir antworten in der Regel innerhalb von zwei Wochen.""",
        ),
        "body_en": (
            ACCESSIBILITY_INTRO_EN
            + """

## Report a barrier
Did you notice a barrier? Describe it in the form below or write to {email}. We usually answer within two weeks.

## Conciliation procedure
If you are not satisfied with our answer, you can contact the conciliation body under the accessibility law of Schleswig-Holstein.""",
            ACCESSIBILITY_INTRO_EN
            + """

## Feedback and contact
Did you notice a barrier? Describe it in the form “Report a barrier” below or write to {email}. We usually answer within two weeks.""",
        ),
    },
}


def _value_sets(apps):
    """The county's values 0002 may have used: the settings, or the configuration row."""
    county = settings.COUNTY_DEFAULTS
    sets = [{key: county.get(key, "") for key in VALUE_KEYS}]
    config = apps.get_model("portal", "SiteConfiguration").objects.filter(id=1).first()
    if config is not None:
        sets.append({key: getattr(config, key) for key in VALUE_KEYS})
    return sets


def _replace(apps, direction):
    page_model = apps.get_model("portal", "Page")
    value_sets = _value_sets(apps)
    for slug, fields in TEXTS.items():
        page = page_model.objects.filter(slug=slug).first()
        if page is None:
            continue
        changed = []
        for field, texts in fields.items():
            old, new = texts if direction == "forward" else texts[::-1]
            current = getattr(page, field).replace("\r\n", "\n")
            for values in value_sets:
                if current == old.format(**values):
                    setattr(page, field, new.format(**values))
                    changed.append(field)
                    break
        if changed:
            page.save(update_fields=[*changed, "updated_at"])


def forward(apps, schema_editor):
    _replace(apps, "forward")


def backward(apps, schema_editor):
    _replace(apps, "backward")


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_site_configuration_legal_notices")]

    operations = [migrations.RunPython(forward, backward)]
