"""The content pages' first texts and the site configuration, from the county's settings.

The texts are frozen here (not imported from live code), so this migration does the same on
every database at any later time. Existing rows are left alone: staff may have edited them.
They are a sensible start, not legal advice.
"""

from django.conf import settings
from django.db import migrations

PAGES = {
    "impressum": {
        "title": "Impressum",
        "body": """## Anbieter
{office_name} ist die Ehrenamtsberatung im {county_name}.

{county_name}
{street}
{postal_code} {city}

Telefon: {phone}
E-Mail: {email}

## Verantwortlich für den Inhalt
Die Leitung von {office_name}, Anschrift wie oben.

## Haftung für Links
Für die Inhalte verlinkter Seiten sind allein deren Anbieter verantwortlich.""",
        "title_en": "Imprint",
        "body_en": """## Provider
{office_name} is the volunteer-support office of {county_name}.

{county_name}
{street}
{postal_code} {city}

Phone: {phone}
E-mail: {email}

## Responsible for the content
The head of {office_name}, address as above.

## Links
The providers of linked pages alone are responsible for their content.""",
    },
    "datenschutz": {
        "title": "Datenschutzerklärung",
        "body": """## Wer verarbeitet Ihre Daten?
Verantwortlich ist der {county_name}, {street}, {postal_code} {city}, E-Mail: {email}.

## Welche Daten wir verarbeiten
Wenn Sie ein Konto anlegen: Ihre E-Mail-Adresse, Ihr Name, auf Wunsch Ihre Telefonnummer und Ihre Sprache, dazu der Zeitpunkt Ihrer Einwilligung in diese Hinweise. Wenn Sie eine Beratung buchen, sich zu einer Fortbildung anmelden oder den Newsletter bestellen, die dafür nötigen Angaben.

## Wozu
Nur um Ihr Anliegen zu bearbeiten: Beratung, Fortbildungen, Vernetzung und Information für Ehrenamtliche und Vereine (Art. 6 Abs. 1 lit. a, b und e DSGVO).

## Wie lange
Solange Ihr Konto besteht. Sie können Ihr Konto unter „Mein Konto“ jederzeit löschen; was wir aus rechtlichen Gründen aufbewahren müssen, bewahren wir ohne Bezug zu Ihrer Person auf.

## Ihre Rechte
Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung, Datenübertragbarkeit und Widerspruch. Unter „Mein Konto“ können Sie alle Daten, die das Portal über Sie speichert, als Datei herunterladen. Sie können sich bei der Aufsichtsbehörde beschweren (in Schleswig-Holstein: Unabhängiges Landeszentrum für Datenschutz).

## Cookies
Das Portal setzt nur technisch notwendige Cookies (Anmeldung, Sprache, Schutz von Formularen). Es gibt keine Analyse- oder Werbe-Cookies und es werden keine Inhalte von fremden Servern geladen.""",
        "title_en": "Privacy notice",
        "body_en": """## Who processes your data?
The controller is {county_name}, {street}, {postal_code} {city}, e-mail: {email}.

## What data we process
When you create an account: your e-mail address, your name, your phone number if you give it and your language, and the time you agreed to this notice. When you book advice, register for a training or subscribe to the newsletter, the details needed for that.

## Why
Only to deal with your request: advice, trainings, networking and information for volunteers and associations (Art. 6(1)(a), (b) and (e) GDPR).

## How long
As long as your account exists. You can delete your account at any time under “My account”; what we must keep for legal reasons is kept without reference to you.

## Your rights
You have the right of access, rectification, erasure, restriction, data portability and objection. Under “My account” you can download everything the portal stores about you. You can complain to the supervisory authority.

## Cookies
The portal only sets technically necessary cookies (login, language, form protection). There are no analytics or advertising cookies and nothing is loaded from other servers.""",
    },
    "barrierefreiheit": {
        "title": "Erklärung zur Barrierefreiheit",
        "body": """Der {county_name} ist bemüht, dieses Portal im Einklang mit dem Landesbehindertengleichstellungsgesetz Schleswig-Holstein und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen.

## Stand der Vereinbarkeit
Das Portal wurde nach WCAG 2.1 Stufe AA gestaltet und wird bei jeder Änderung automatisch geprüft. Es ist nach unserer Kenntnis weitgehend vereinbar.

## Barriere melden
Ist Ihnen eine Barriere aufgefallen? Beschreiben Sie sie im Formular unten oder schreiben Sie an {email}. Wir antworten in der Regel innerhalb von zwei Wochen.

## Schlichtungsverfahren
Wenn Sie mit unserer Antwort nicht zufrieden sind, können Sie sich an die Schlichtungsstelle nach dem Landesbehindertengleichstellungsgesetz Schleswig-Holstein wenden.""",
        "title_en": "Accessibility statement",
        "body_en": """{county_name} aims to make this portal accessible in line with the accessibility law of Schleswig-Holstein and the BITV 2.0.

## Compliance status
The portal was designed to WCAG 2.1 level AA and is tested automatically with every change. To our knowledge it is largely compliant.

## Report a barrier
Did you notice a barrier? Describe it in the form below or write to {email}. We usually answer within two weeks.

## Conciliation procedure
If you are not satisfied with our answer, you can contact the conciliation body under the accessibility law of Schleswig-Holstein.""",
    },
    "leichte-sprache": {
        "title": "Leichte Sprache",
        "body": """## Was ist {office_name}?
{office_name} hilft Menschen, die ein Ehrenamt haben.
Ehrenamt heißt: Sie helfen anderen Menschen.
Sie bekommen dafür kein Geld.

## Was können Sie hier machen?
Sie können eine Beratung buchen.
Dann sprechen Sie mit einer Person von {office_name}.

Sie können bei einer Fortbildung mitmachen.
Dort lernen Sie Neues für Ihr Ehrenamt.

Sie können Vereine finden.
Ein Verein ist eine Gruppe von Menschen.
Die Menschen machen etwas zusammen.

## Wie erreichen Sie uns?
Sie können uns anrufen: {phone}
Sie können uns eine E-Mail schreiben: {email}""",
        "title_en": "Easy Language",
        "body_en": """## What is {office_name}?
{office_name} helps people who volunteer.
Volunteering means: you help other people.
You do not get money for it.

## What can you do here?
You can book advice.
Then you talk to a person from {office_name}.

You can take part in a training.
There you learn new things for your volunteering.

You can find associations.
An association is a group of people.
The people do something together.

## How can you reach us?
You can call us: {phone}
You can write us an e-mail: {email}""",
    },
    "kontakt": {
        "title": "Kontakt",
        "body": """Sie erreichen {office_name} im {county_name}:

{street}
{postal_code} {city}

Telefon: {phone}
E-Mail: {email}

Am schnellsten helfen wir Ihnen, wenn Sie eine Beratung buchen oder uns Ihre Frage schreiben.""",
        "title_en": "Contact",
        "body_en": """You can reach {office_name} at {county_name}:

{street}
{postal_code} {city}

Phone: {phone}
E-mail: {email}

We can help you fastest if you book an advice session or write us your question.""",
    },
}



def create_defaults(apps, schema_editor):
    site_configuration = apps.get_model("portal", "SiteConfiguration")
    page = apps.get_model("portal", "Page")
    county = settings.COUNTY_DEFAULTS
    fields = {f.name for f in site_configuration._meta.get_fields()}
    site_configuration.objects.get_or_create(
        id=1, defaults={k: v for k, v in county.items() if k in fields}
    )
    values = {key: county.get(key, "") for key in ("office_name", "county_name", "street", "postal_code", "city", "phone", "email")}
    for slug, texts in PAGES.items():
        page.objects.get_or_create(
            slug=slug, defaults={field: text.format(**values) for field, text in texts.items()}
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
