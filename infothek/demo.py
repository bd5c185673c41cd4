"""Demo data of the Infothek: ten guides, ten funding programmes, news and an FAQ — so
`make run` shows a living /infothek/ and the admin has items in every state.

Runs after Beratung (40) and links guides to advice and course topics where those exist.
The programmes are described from the funders' public descriptions, but every deadline and
amount is made up, and each says so ("Demo-Eintrag …"); the official address is the funder's
own site (its main domain where the programme's own page is not certain). Dates are relative
to the day of the run. Idempotent: items are matched by their address (FAQ by question,
downloads by title) and made only once, so a second run changes nothing and staff edits stay.
Written directly, not through the services (no mail is involved); the search entries are
filled as staff saving them would.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify

from advice.models import Topic as AdviceTopic
from portal.demo import DemoData, DemoOptions, register_demo_data
from trainings.models import Topic as CourseTopic

from . import services
from .models import Audience, Download, FundingProgramme, Guide, NewsItem, Question, Topic
from .uploads import file_kind

DEMO_NOTE = (
    "> **Demo-Eintrag:** Fristen und Beträge sind ausgedacht; maßgeblich ist die offizielle Seite."
)
FT = FundingProgramme.FunderType

DSEE_URL = "https://www.deutsche-stiftung-engagement-und-ehrenamt.de/"
LAND_URL = "https://www.schleswig-holstein.de/"
KREIS_URL = "https://www.kreis-rd.de/"


# --- Files to download ------------------------------------------------------------------------


def pdf_document(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica, WinAnsi text) with a correct xref table."""

    def text(value: str) -> bytes:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return escaped.encode("cp1252", errors="replace")

    content = b"BT /F1 16 Tf 72 770 Td (" + text(title) + b") Tj /F1 11 Tf"
    for line in lines:
        content += b" 0 -18 Td (" + text(line) + b") Tj"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


DOWNLOADS = {
    "Mustersatzung für einen gemeinnützigen Verein (Demo)": [
        "Demo-Datei: Bitte vor Gebrauch mit dem Amtsgericht und dem Finanzamt abstimmen.",
        "§ 1 Name, Sitz, Geschäftsjahr",
        "§ 2 Zweck des Vereins (gemeinnützige Zwecke nach §§ 51 ff. AO)",
        "§ 3 Selbstlosigkeit, Mittelverwendung",
        "§ 4 Mitgliedschaft: Eintritt, Austritt, Ausschluss",
        "§ 5 Beiträge",
        "§ 6 Organe: Mitgliederversammlung und Vorstand",
        "§ 7 Mitgliederversammlung: Einberufung, Beschlüsse, Protokoll",
        "§ 8 Vorstand nach § 26 BGB",
        "§ 9 Auflösung und Vermögensbindung",
    ],
    "Checkliste Vereinsgründung (Demo)": [
        "Demo-Datei: Checkliste zum Abhaken.",
        "[ ] Mindestens sieben Gründungsmitglieder gefunden",
        "[ ] Satzungsentwurf mit dem Finanzamt abgestimmt",
        "[ ] Gründungsversammlung einberufen und Protokoll geführt",
        "[ ] Vorstand gewählt, Satzung von sieben Mitgliedern unterschrieben",
        "[ ] Anmeldung zum Vereinsregister notariell beglaubigt",
        "[ ] Antrag auf Feststellung der Gemeinnützigkeit gestellt",
        "[ ] Vereinskonto eröffnet, Transparenzregister geprüft",
    ],
}


def _download(title: str) -> tuple[Download, bool]:
    existing = Download.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    content = ContentFile(pdf_document(title, DOWNLOADS[title]), name="demo.pdf")
    kind = file_kind(content)  # the same check as an upload in admin
    # A fixed name for the demo's own files (uploads get random ones): a database that was
    # reset, or a test rolled back, finds the file again instead of leaving another copy.
    name = f"infothek/demo-{slugify(title)}.{kind}"
    if not default_storage.exists(name):
        name = default_storage.save(name, content)
    download = Download.objects.create(title=title, file=name, kind=kind, size=content.size)
    return download, True


# --- Guides -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideSpec:
    slug: str
    title: str
    summary: str
    topics: list[str]
    body: str
    audience: str = Audience.BOTH
    advice_topics: list[str] = field(default_factory=list)
    course_topics: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    published_days_ago: int = 60
    reviewed_days_ago: int = 30
    title_en: str = ""
    summary_en: str = ""
    body_en: str = ""


GUIDES = [
    GuideSpec(
        "verein-gruenden",
        "Einen Verein gründen",
        "Von der Idee zur Eintragung ins Vereinsregister: die Schritte, die Unterlagen und "
        "was eine Gründung kostet.",
        ["vereinsgruendung", "satzung-vereinsrecht"],
        """Ein eingetragener Verein (e. V.) ist eine eigene Rechtsperson: Er kann Verträge schließen, ein Konto führen und Fördermittel beantragen, und seine Mitglieder haften grundsätzlich nicht mit ihrem Privatvermögen.

## Die Schritte

1. **Mitstreitende finden:** Für die Eintragung braucht es mindestens sieben Gründungsmitglieder (§ 56 BGB).
2. **Satzung entwerfen:** Name, Sitz, Zweck und die Regeln des Vereinslebens. Soll der Verein gemeinnützig werden, stimmen Sie den Entwurf vorher mit dem Finanzamt ab.
3. **Gründungsversammlung:** Die Anwesenden beschließen die Satzung und wählen den Vorstand. Führen Sie ein Protokoll, das Versammlungsleitung und Protokollführung unterschreiben.
4. **Anmeldung zum Vereinsregister:** Der Vorstand meldet den Verein beim Amtsgericht an; die Unterschriften werden notariell beglaubigt.
5. **Gemeinnützigkeit:** Das Finanzamt stellt auf Antrag fest, dass die Satzung den Anforderungen entspricht (§ 60a AO).

## Was es kostet

Für Notar und Registergericht sollten Sie mit etwa 100 bis 200 Euro rechnen. Ein Vereinskonto kostet je nach Bank eine kleine Gebühr.

## Hilfe

Die Checkliste unten hilft beim Abhaken. Bei Fragen zur Satzung beraten wir Sie gern: [Beratung buchen](/beratung/).""",
        audience=Audience.BOTH,
        advice_topics=["vereinsrecht"],
        course_topics=["vereinsrecht"],
        downloads=["Checkliste Vereinsgründung (Demo)"],
        published_days_ago=200,
        reviewed_days_ago=420,  # due for review: shows the reminder in admin
        title_en="Founding an association",
        summary_en="From the idea to the entry in the register of associations.",
        body_en="""A registered association (e. V.) is a legal person of its own.

## The steps

1. Find at least seven founding members.
2. Draft the statutes and agree them with the tax office.
3. Hold the founding meeting, adopt the statutes and elect the board.
4. Register the association with the local court (signatures certified by a notary).
5. Apply for charitable status.""",
    ),
    GuideSpec(
        "satzung",
        "Was muss in die Satzung?",
        "Pflichtinhalte, sinnvolle Regeln und typische Fehler: So wird die Satzung eintragungs"
        "fähig und vom Finanzamt anerkannt.",
        ["satzung-vereinsrecht"],
        """Die Satzung ist die Verfassung Ihres Vereins. Das Registergericht prüft die Mindestinhalte, das Finanzamt die Regeln zur Gemeinnützigkeit.

## Das muss hinein (§ 57 BGB)

- der **Zweck** des Vereins,
- der **Name** und der **Sitz**,
- dass der Verein **eingetragen werden soll**.

## Das soll hinein (§ 58 BGB)

- Ein- und Austritt der Mitglieder,
- ob und welche Beiträge zu zahlen sind,
- wie der Vorstand gebildet wird,
- wann und wie die Mitgliederversammlung einberufen wird, und wie ihre Beschlüsse beurkundet werden.

## Für die Gemeinnützigkeit

Zweck, Selbstlosigkeit und Vermögensbindung müssen so formuliert sein, wie es die Mustersatzung der Abgabenordnung (Anlage 1 zu § 60 AO) vorgibt. Die Mustersatzung unten folgt dieser Gliederung.

## Typische Fehler

- Der Zweck ist zu allgemein („Förderung des Gemeinwohls“).
- Die Einladung ist nur per Brief vorgesehen — eine Einladung per E-Mail sollte ausdrücklich erlaubt sein.
- Es fehlt eine Regel für Online- oder Hybridversammlungen.""",
        audience=Audience.BOARDS,
        advice_topics=["vereinsrecht"],
        course_topics=["vereinsrecht"],
        downloads=["Mustersatzung für einen gemeinnützigen Verein (Demo)"],
        published_days_ago=190,
        reviewed_days_ago=45,
    ),
    GuideSpec(
        "gemeinnuetzigkeit",
        "Wann ist ein Verein gemeinnützig?",
        "Steuerbegünstigte Zwecke, Selbstlosigkeit, Mittelverwendung: was die Gemeinnützigkeit "
        "bringt und was sie verlangt.",
        ["gemeinnuetzigkeit-steuern"],
        """Gemeinnützig ist ein Verein, dessen Tätigkeit darauf gerichtet ist, die Allgemeinheit selbstlos zu fördern (§ 52 AO) — etwa Sport, Kultur, Jugendhilfe, Umweltschutz oder Feuerwehr.

## Was die Gemeinnützigkeit bringt

- Befreiung von der Körperschaft- und Gewerbesteuer für den ideellen Bereich und Zweckbetriebe,
- das Recht, **Zuwendungsbestätigungen** (Spendenquittungen) auszustellen,
- Zugang zu vielen Förderprogrammen, die nur gemeinnützige Träger fördern.

## Was sie verlangt

- **Selbstlosigkeit:** Mittel nur für die Satzungszwecke, keine Gewinnausschüttung an Mitglieder.
- **Ausschließlichkeit und Unmittelbarkeit:** Der Verein verfolgt nur seine Satzungszwecke, und zwar selbst.
- **Zeitnahe Mittelverwendung:** Mittel grundsätzlich bis zum Ende des übernächsten Jahres ausgeben; kleine Vereine mit Einnahmen bis 45.000 Euro im Jahr sind davon befreit.

## Der Weg

Das Finanzamt bestätigt zuerst die Satzung (Feststellungsbescheid nach § 60a AO) und prüft später alle drei Jahre anhand der Steuererklärung die tatsächliche Geschäftsführung (Freistellungsbescheid).""",
        audience=Audience.BOARDS,
        advice_topics=["steuern"],
        course_topics=["finanzen"],
        published_days_ago=180,
        reviewed_days_ago=100,
    ),
    GuideSpec(
        "uebungsleiter-und-ehrenamtspauschale",
        "Übungsleiter- und Ehrenamtspauschale",
        "Wer sie bekommen kann, wie hoch sie sind und was der Verein dokumentieren muss.",
        ["pauschalen", "gemeinnuetzigkeit-steuern"],
        """Vereine können Engagierten eine steuer- und sozialversicherungsfreie Vergütung zahlen — bis zu festen Jahresbeträgen.

> **Stand: Demo, bitte prüfen.** Die Beträge sind die für 2026 angenommenen Werte; maßgeblich ist das Einkommensteuergesetz in der jeweils geltenden Fassung.

| Pauschale | Rechtsgrundlage | Betrag im Jahr | Für wen |
|:--|:--|--:|:--|
| Übungsleiterpauschale | § 3 Nr. 26 EStG | 3.300 € | Übungsleitung, Ausbildung, Betreuung, Pflege, künstlerische Tätigkeit |
| Ehrenamtspauschale | § 3 Nr. 26a EStG | 960 € | jede andere nebenberufliche Tätigkeit im gemeinnützigen Bereich, z. B. Vorstand, Kasse, Platzwart |

## Worauf der Verein achten muss

- Die Tätigkeit ist **nebenberuflich**: höchstens ein Drittel der Arbeitszeit einer Vollzeitstelle.
- Für dieselbe Tätigkeit gibt es nur eine der beiden Pauschalen; für verschiedene Tätigkeiten können beide genutzt werden.
- Zahlungen an Vorstandsmitglieder müssen in der **Satzung** erlaubt sein.
- Lassen Sie sich schriftlich bestätigen, dass die Pauschale nicht schon anderswo ausgeschöpft ist.""",
        audience=Audience.BOTH,
        advice_topics=["pauschalen"],
        course_topics=["finanzen"],
        published_days_ago=160,
        reviewed_days_ago=20,
        title_en="Volunteer allowances",
        summary_en="Who may receive them, how much they are, what the association records.",
    ),
    GuideSpec(
        "versicherungsschutz-im-ehrenamt",
        "Versicherungsschutz im Ehrenamt",
        "Unfall, Haftpflicht, Vorstandshaftung: wer versichert ist und wo Lücken bleiben.",
        ["versicherung"],
        """Wer sich engagiert, soll dabei abgesichert sein. Drei Fragen helfen beim Überblick.

## Wer ist gegen Unfälle versichert?

Viele Engagierte sind über die **gesetzliche Unfallversicherung** geschützt, etwa in der Freiwilligen Feuerwehr, im Rettungsdienst oder wenn sie im Auftrag einer Gemeinde tätig sind. Gewählte Vorstände gemeinnütziger Vereine können sich freiwillig bei der zuständigen Berufsgenossenschaft versichern.

## Wer haftet bei Schäden?

Die **Vereinshaftpflichtversicherung** deckt Schäden, die der Verein oder seine Helfenden Dritten zufügen. Prüfen Sie, ob alle Veranstaltungen und Helfenden eingeschlossen sind.

## Und wenn der Verein nichts hat?

Das Land Schleswig-Holstein hat **Sammelverträge** für Haftpflicht und Unfall abgeschlossen. Sie greifen nachrangig, wenn keine andere Versicherung besteht — besonders für kleine Initiativen ohne eigene Versicherung.

## Haftung des Vorstands

Vorstände, die unentgeltlich oder nur mit einer Vergütung bis zur Höhe der Ehrenamtspauschale tätig sind, haften dem Verein nur für Vorsatz und grobe Fahrlässigkeit (§ 31a BGB).""",
        advice_topics=["versicherung"],
        published_days_ago=150,
        reviewed_days_ago=60,
    ),
    GuideSpec(
        "datenschutz-im-verein",
        "Datenschutz im Verein",
        "Mitgliederliste, Fotos, Newsletter: was die DSGVO vom Verein verlangt — praktisch "
        "erklärt.",
        ["datenschutz", "digitales"],
        """Auch kleine Vereine verarbeiten personenbezogene Daten: Namen, Anschriften, Bankverbindungen, Fotos. Die Datenschutz-Grundverordnung (DSGVO) gilt für sie wie für Unternehmen.

## Die wichtigsten Pflichten

- **Rechtsgrundlage:** Für die Mitgliederverwaltung ist das die Mitgliedschaft selbst (Art. 6 Abs. 1 lit. b DSGVO); für Fotos im Internet oder den Newsletter brauchen Sie meist eine Einwilligung.
- **Informieren:** Neue Mitglieder erfahren beim Eintritt, welche Daten wozu gespeichert werden.
- **Verzeichnis der Verarbeitungstätigkeiten:** eine Übersicht, welche Daten wo liegen und wer sie sieht.
- **Sicherheit:** Listen nicht offen per E-Mail verschicken, Zugänge schützen, Altes löschen.

## Brauchen wir einen Datenschutzbeauftragten?

Erst wenn in der Regel mindestens 20 Personen ständig mit der automatisierten Verarbeitung personenbezogener Daten beschäftigt sind — das trifft auf die meisten Vereine nicht zu.

## Ansprechpartner

Aufsichtsbehörde in Schleswig-Holstein ist das Unabhängige Landeszentrum für Datenschutz (ULD).""",
        audience=Audience.BOARDS,
        advice_topics=["datenschutz"],
        course_topics=["datenschutz-digitales"],
        published_days_ago=140,
        reviewed_days_ago=390,  # due for review
    ),
    GuideSpec(
        "kinderschutzkonzept",
        "Ein Kinderschutzkonzept entwickeln",
        "Risikoanalyse, Verhaltenskodex, Führungszeugnis, Ansprechpersonen: Schritt für Schritt "
        "zum Schutzkonzept.",
        ["kinderschutz"],
        """Wo Kinder und Jugendliche im Verein sind, braucht es ein Schutzkonzept. Es schützt die Kinder — und gibt den Engagierten Sicherheit.

## Die Bausteine

1. **Risikoanalyse:** Wo entstehen Situationen mit Nähe und wenig Kontrolle (Umkleiden, Fahrten, Übernachtungen)?
2. **Verhaltenskodex:** Verbindliche Regeln für den Umgang, von allen Betreuenden unterschrieben.
3. **Erweitertes Führungszeugnis:** Für Engagierte mit intensivem Kontakt, wie es die Vereinbarung mit dem Jugendamt vorsieht (§ 72a SGB VIII).
4. **Ansprechpersonen:** Bekannt, erreichbar, geschult — für Kinder, Eltern und Engagierte.
5. **Interventionsplan:** Wer tut was bei einem Verdacht? Mit Kontakt zu Fachberatungsstellen.
6. **Schulung:** Alle, die mit Kindern arbeiten, kennen das Konzept.

## Nicht allein anfangen

Sportverbände und Jugendringe haben Vorlagen und Schulungen. Wir beraten Sie beim Einstieg und vermitteln Fachstellen im Kreis.""",
        audience=Audience.BOTH,
        advice_topics=["kinderschutz"],
        course_topics=["kinderschutz", "jugendarbeit"],
        published_days_ago=120,
        reviewed_days_ago=15,
    ),
    GuideSpec(
        "foerdermittel-finden-und-beantragen",
        "Fördermittel finden und beantragen",
        "Welche Programme passen, wie ein Antrag gelingt und was nach der Bewilligung kommt.",
        ["foerderung"],
        """Für fast jedes Vorhaben gibt es Geld — wenn man weiß, wo. Unsere Liste der [Förderprogramme](/infothek/foerderprogramme/) zeigt, was gerade offen ist.

## Das passende Programm finden

- **Wer fördert was?** Bund (z. B. die Deutsche Stiftung für Engagement und Ehrenamt), das Land, der Kreis, Stiftungen, Lotterien und Banken haben unterschiedliche Schwerpunkte.
- **Wer darf beantragen?** Oft nur gemeinnützige Vereine; manche Programme fördern auch Initiativen ohne Rechtsform.
- **Wie viel Eigenanteil?** Viele Programme verlangen einen Eigenanteil in Geld oder in Arbeitsstunden.

## Der Antrag

1. Projekt in zwei Sätzen beschreiben: Was soll sich für wen ändern?
2. Kosten- und Finanzierungsplan aufstellen.
3. **Nicht vor der Bewilligung beginnen** — ein vorzeitiger Beginn kostet oft die Förderung.

## Nach der Bewilligung

Belege sammeln, Fristen für Abruf und Verwendungsnachweis notieren, über das Projekt berichten. Mit „Frist merken“ erinnert Sie das Portal vor einer Antragsfrist.""",
        audience=Audience.BOARDS,
        advice_topics=["foerdermittel"],
        course_topics=["foerdermittel"],
        published_days_ago=100,
        reviewed_days_ago=10,
    ),
    GuideSpec(
        "mitglieder-gewinnen",
        "Mitglieder und Engagierte gewinnen",
        "Wie Vereine neue Leute finden und halten — auch für kurze Projekte statt Ämter auf "
        "Lebenszeit.",
        ["engagement-gewinnen"],
        """Viele Menschen wollen sich engagieren, aber lieber zeitlich begrenzt und in einer klaren Aufgabe.

## Was hilft

- **Aufgaben zerlegen:** Statt „Wir suchen einen Kassenwart“ lieber „Wer hilft zwei Stunden im Monat bei den Belegen?“
- **Sichtbar werden:** Tragen Sie Ihren Verein ins [Vereinsverzeichnis](/vereine/) ein und veröffentlichen Sie Gesuche unter [Engagement gesucht](/engagement/).
- **Persönlich ansprechen:** Die meisten kommen, weil jemand sie gefragt hat.
- **Willkommen heißen:** Eine feste Ansprechperson für Neue, eine kurze Einführung, ein Dankeschön.
- **Junge Menschen beteiligen:** Eigene Projekte, digitale Wege, Verantwortung auf Zeit.

## Halten

Anerkennung wirkt: ein Dank in der Versammlung, eine Fortbildung, die Ehrenamtskarte. Und: Fragen Sie regelmäßig, ob die Aufgabe noch passt.""",
        advice_topics=["nachwuchs", "oeffentlichkeitsarbeit"],
        course_topics=["engagement-gewinnen"],
        published_days_ago=80,
        reviewed_days_ago=80,
    ),
    GuideSpec(
        "vereinsfinanzen-und-kasse",
        "Vereinsfinanzen und Kassenführung",
        "Kassenbuch, Belege, die vier Bereiche des gemeinnützigen Vereins und die Kassenprüfung.",
        ["gemeinnuetzigkeit-steuern"],
        """Eine ordentliche Kasse schützt den Vorstand und den Verein. Das Finanzamt erwartet, dass sich jede Einnahme und Ausgabe nachvollziehen lässt.

## Die Grundregeln

- **Kein Beleg, keine Buchung:** Jede Zahlung braucht einen Beleg; Belege zehn Jahre aufbewahren.
- **Kassenbuch oder Software:** Einnahmen und Ausgaben zeitnah und fortlaufend erfassen.
- **Bar und Bank trennen:** Die Barkasse regelmäßig zählen und das Ergebnis festhalten.

## Die vier Bereiche

| Bereich | Beispiele | Steuer |
|:--|:--|:--|
| Ideeller Bereich | Beiträge, Spenden, Zuschüsse | steuerfrei |
| Vermögensverwaltung | Zinsen, Vermietung | meist steuerfrei |
| Zweckbetrieb | Kursgebühren, Eintritt zu Vereinsveranstaltungen | ermäßigt oder frei |
| Wirtschaftlicher Geschäftsbetrieb | Verkauf von Speisen und Getränken | steuerpflichtig über 45.000 € Einnahmen im Jahr |

## Die Kassenprüfung

Zwei von der Mitgliederversammlung gewählte Kassenprüfende sehen einmal im Jahr Buchführung und Belege durch und berichten der Versammlung; danach wird über die Entlastung des Vorstands abgestimmt.""",
        audience=Audience.BOARDS,
        advice_topics=["steuern", "vorstand"],
        course_topics=["finanzen"],
        published_days_ago=40,
        reviewed_days_ago=40,
    ),
]


# --- Funding programmes -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    title: str
    funder: str
    funder_type: str
    summary: str
    body: str
    who_may_apply: str
    amount_min: int | None
    amount_max: int | None
    own_contribution: str
    deadline_in_days: int | None  # None: rolling
    official_url: str
    topics: list[str]


PROGRAMMES = [
    ProgrammeSpec(
        "dsee-engagement-laendlicher-raum",
        "Engagement in ländlichen Räumen stärken",
        "Deutsche Stiftung für Engagement und Ehrenamt (DSEE)",
        FT.FEDERAL,
        "Zuschüsse für Vereine und Initiativen in ländlichen und strukturschwachen Regionen, "
        "die neue Engagierte gewinnen oder ihre Strukturen erneuern.",
        """Die DSEE unterstützt bürgerschaftliches Engagement vor allem in ländlichen und strukturschwachen Räumen.

## Was gefördert wird

- Projekte, die neue Engagierte gewinnen und einbinden,
- Qualifizierung von Vorständen und Engagierten,
- Sachausgaben, Honorare und kleine Anschaffungen für die Vereinsarbeit.""",
        "Gemeinnützige Organisationen mit Sitz in ländlichen oder strukturschwachen Regionen.",
        3000,
        25000,
        "Kein Eigenanteil in Geld verlangt; ehrenamtliche Arbeit wird gern gesehen.",
        18,
        DSEE_URL,
        ["foerderung", "engagement-gewinnen"],
    ),
    ProgrammeSpec(
        "dsee-digitalisierung-im-ehrenamt",
        "Digitalisierung im Ehrenamt",
        "Deutsche Stiftung für Engagement und Ehrenamt (DSEE)",
        FT.FEDERAL,
        "Förderung für Vereine, die digitale Werkzeuge einführen: Vereinssoftware, "
        "Online-Mitgliederverwaltung, Schulungen.",
        """Gefördert wird der Schritt ins Digitale: von der Vereinssoftware bis zur Schulung der Engagierten.

## Was gefördert wird

- Lizenzen und Einrichtung von Vereinssoftware,
- Hardware in begrenztem Umfang,
- Schulungen und Beratung zur Digitalisierung,
- Datenschutzgerechte Werkzeuge für die Zusammenarbeit.""",
        "Gemeinnützige Vereine, Stiftungen und gGmbHs.",
        1000,
        10000,
        "10 % der Gesamtkosten.",
        45,
        DSEE_URL,
        ["foerderung", "digitales"],
    ),
    ProgrammeSpec(
        "land-sh-ehrenamt-qualifizierung",
        "Qualifizierung und Anerkennung im Ehrenamt",
        "Land Schleswig-Holstein",
        FT.STATE,
        "Zuwendungen für Fortbildungen von Engagierten und für Projekte, die das Ehrenamt "
        "sichtbar machen und anerkennen.",
        """Das Land unterstützt Vereine und Verbände dabei, ihre Engagierten fortzubilden und ihre Arbeit sichtbar zu machen.

## Was gefördert wird

- Fortbildungen und Schulungen für ehrenamtlich Tätige,
- Veranstaltungen zur Anerkennung des Ehrenamts,
- Materialien zur Gewinnung neuer Engagierter.""",
        "Gemeinnützige Vereine und Verbände mit Sitz in Schleswig-Holstein.",
        500,
        5000,
        "In der Regel 20 % Eigenanteil; Eigenleistung kann angerechnet werden.",
        30,
        LAND_URL,
        ["foerderung"],
    ),
    ProgrammeSpec(
        "land-sh-aktivregion-kleinprojekte",
        "AktivRegion: Kleinprojekte für Dorf und Gemeinschaft",
        "AktivRegionen Schleswig-Holstein (LEADER, EU und Land)",
        FT.EU,
        "Zuschüsse für kleine Projekte, die das Leben im Dorf stärken: Treffpunkte, "
        "Dorffeste mit Bildungsanteil, Engagement-Werkstätten.",
        """Die AktivRegionen fördern mit Mitteln der EU (LEADER) und des Landes Projekte, die den ländlichen Raum lebenswert halten.

## Was gefördert wird

- Treffpunkte und Begegnungsorte im Dorf,
- Projekte zu Klima, Daseinsvorsorge und Bildung,
- Beteiligungsprojekte, die neue Engagierte einbinden.

Die regionale Entwicklungsstrategie der jeweiligen AktivRegion entscheidet, was passt.""",
        "Vereine, Initiativen, Kommunen und Unternehmen im Gebiet einer AktivRegion.",
        2000,
        20000,
        "Mindestens 20 % der förderfähigen Kosten, je nach AktivRegion.",
        75,
        LAND_URL,
        ["foerderung"],
    ),
    ProgrammeSpec(
        "kreis-zuschuss-vereinsarbeit",
        "Zuschüsse des Kreises für die Vereinsarbeit",
        "Kreis Rendsburg-Eckernförde",
        FT.COUNTY,
        "Der Kreis bezuschusst Projekte von Vereinen im Kreisgebiet, besonders in der Kinder- "
        "und Jugendarbeit und im sozialen Bereich.",
        """Der Kreis unterstützt Vereine im Kreisgebiet mit Zuschüssen für Projekte und Anschaffungen.

## Was gefördert wird

- Ferienfreizeiten und Jugendgruppenarbeit,
- Projekte im sozialen und kulturellen Bereich,
- Fortbildung von Jugendleiterinnen und Jugendleitern (Juleica).

Sprechen Sie uns an: Wir helfen beim Antrag.""",
        "Gemeinnützige Vereine und Initiativen mit Sitz im Kreis.",
        200,
        3000,
        "Angemessene Eigenleistung.",
        None,  # rolling
        KREIS_URL,
        ["foerderung", "kinderschutz"],
    ),
    ProgrammeSpec(
        "sparkassenstiftung-sh-projektfoerderung",
        "Projektförderung für Kultur, Sport und Soziales",
        "Sparkassenstiftung Schleswig-Holstein",
        FT.FOUNDATION,
        "Die Stiftung fördert gemeinnützige Projekte in Schleswig-Holstein in Kultur, "
        "Denkmalpflege, Sport, Umwelt und im sozialen Bereich.",
        """Die Sparkassenstiftung Schleswig-Holstein unterstützt Vorhaben, die dem Land und seinen Menschen zugutekommen.

## Was gefördert wird

- Kulturprojekte und Denkmalpflege,
- Sport- und Bewegungsangebote,
- Projekte für Umwelt und Soziales.""",
        "Gemeinnützige Träger mit einem Vorhaben in Schleswig-Holstein.",
        1000,
        15000,
        "Eigenmittel und weitere Förderer sind erwünscht.",
        -12,  # the deadline has passed
        "https://www.sparkasse.de/",
        ["foerderung"],
    ),
    ProgrammeSpec(
        "buergerstiftung-engagement-vor-ort",
        "Engagement vor Ort: Förderung durch Bürgerstiftungen",
        "Bürgerstiftungen im Kreis",
        FT.FOUNDATION,
        "Bürgerstiftungen fördern kleine Projekte in ihrer Stadt oder Region — schnell und "
        "unbürokratisch.",
        """Bürgerstiftungen sind Stiftungen von Bürgerinnen und Bürgern für ihren Ort. Sie fördern, was das Zusammenleben stärkt.

## Was gefördert wird

- Nachbarschaftsprojekte und Begegnung,
- Bildungs- und Leseprojekte,
- Anschaffungen für Vereine in kleinem Umfang.

Die Stiftungssuche des Bundesverbands Deutscher Stiftungen zeigt die Bürgerstiftungen in Ihrer Nähe.""",
        "Vereine und Initiativen im Wirkungsgebiet der jeweiligen Bürgerstiftung.",
        250,
        2500,
        "",
        None,  # rolling
        "https://www.stiftungen.org/",
        ["foerderung", "engagement-gewinnen"],
    ),
    ProgrammeSpec(
        "aktion-mensch-inklusion",
        "Inklusion einfach machen",
        "Aktion Mensch",
        FT.OTHER,
        "Förderung für Projekte, die Menschen mit und ohne Behinderung zusammenbringen — "
        "auch kleine Aktionen.",
        """Die Aktion Mensch fördert Projekte, die Inklusion im Alltag voranbringen.

## Was gefördert wird

- Begegnungs- und Freizeitangebote für Menschen mit und ohne Behinderung,
- barrierefreie Vereinsangebote,
- Bewusstseinsbildung und Beteiligung.""",
        "Gemeinnützige Organisationen der Freien Wohlfahrtspflege und weitere gemeinnützige "
        "Träger.",
        500,
        5000,
        "Kein Eigenanteil bei Kleinprojekten.",
        10,
        "https://www.aktion-mensch.de/",
        ["foerderung"],
    ),
    ProgrammeSpec(
        "kinder-und-jugendfonds",
        "Kinder- und Jugendbeteiligung",
        "Deutsches Kinderhilfswerk",
        FT.FOUNDATION,
        "Zuschüsse für Projekte, in denen Kinder und Jugendliche mitbestimmen und selbst "
        "gestalten.",
        """Gefördert werden Vorhaben, die Kinder und Jugendliche beteiligen: bei der Planung, der Umsetzung und der Auswertung.

## Was gefördert wird

- Beteiligungsprojekte in Vereinen, Schulen und Gemeinden,
- Spielraumgestaltung mit Kindern,
- Medien- und Kulturprojekte von Jugendlichen.""",
        "Vereine, Initiativen, Kitas und Schulen mit einem Beteiligungsprojekt.",
        500,
        5000,
        "Angemessene Eigenleistung.",
        60,
        "https://www.dkhw.de/",
        ["foerderung", "kinderschutz"],
    ),
    ProgrammeSpec(
        "vr-gewinnsparen-vereinsfoerderung",
        "Gewinnsparen: Spenden für Vereine in der Region",
        "Volksbanken und Raiffeisenbanken",
        FT.BANK,
        "Aus dem Zweckertrag des Gewinnsparens spenden die Genossenschaftsbanken an Vereine "
        "ihrer Region.",
        """Ein Teil jedes Gewinnspar-Loses fließt in die Region: Die Banken vergeben daraus Spenden an Vereine und Initiativen.

## Was gefördert wird

- Anschaffungen für Sport, Kultur und Jugendarbeit,
- Veranstaltungen und Projekte im Ort.

Anträge nimmt die Bank vor Ort entgegen.""",
        "Gemeinnützige Vereine im Geschäftsgebiet der jeweiligen Bank.",
        100,
        2000,
        "",
        120,
        "https://www.vr.de/",
        ["foerderung"],
    ),
]


# --- News and FAQ -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsSpec:
    slug: str
    title: str
    summary: str
    body: str
    days_ago: int  # negative: scheduled in the future
    topics: list[str]
    status: str = NewsItem.Status.PUBLISHED


NEWS = [
    NewsSpec(
        "ehrenamtskarte-neue-partner",
        "Ehrenamtskarte: neue Partner im Kreis",
        "Weitere Betriebe und Einrichtungen im Kreis geben Inhaberinnen und Inhabern der "
        "Ehrenamtskarte Vergünstigungen.",
        """Die Ehrenamtskarte ist ein Dankeschön für Menschen, die sich in besonderem Umfang engagieren. Im Kreis sind neue Partner hinzugekommen — vom Schwimmbad bis zum Museum.

Wer die Karte bekommen kann und wie der Antrag geht, erklären wir in der [Beratung](/beratung/).""",
        12,
        ["engagement-gewinnen"],
    ),
    NewsSpec(
        "fortbildungsprogramm-fruehjahr",
        "Das Fortbildungsprogramm für das Frühjahr steht",
        "Von der Kassenführung bis zum Kinderschutz: neue Abendkurse und Online-Seminare für "
        "Vorstände und Engagierte.",
        """Unser Programm für das Frühjahr ist online. Neu dabei sind ein Online-Seminar zur Vereinssoftware und ein Abendkurs zum Kinderschutzkonzept.

Alle Termine und die Anmeldung finden Sie unter [Fortbildungen](/fortbildungen/).""",
        30,
        ["kinderschutz", "digitales"],
    ),
    NewsSpec(
        "pauschalen-was-gilt",
        "Übungsleiter- und Ehrenamtspauschale: was gilt?",
        "Wir haben unseren Ratgeber zu den Pauschalen aktualisiert (Stand: Demo, bitte prüfen).",
        """Die Pauschalen sind ein wichtiges Instrument, um Engagement anzuerkennen. Unser Ratgeber erklärt die Beträge und worauf der Verein achten muss: [Übungsleiter- und Ehrenamtspauschale](/infothek/ratgeber/uebungsleiter-und-ehrenamtspauschale/).""",
        55,
        ["pauschalen"],
    ),
    NewsSpec(
        "sprechstunde-eckernfoerde",
        "Neue Sprechstunde in Eckernförde",
        "Donnerstags beraten wir jetzt auch im Rathaus Eckernförde — mit und ohne Termin.",
        """Ab sofort sind wir donnerstags im Rathaus Eckernförde. Termine können Sie online buchen; wer ohne Termin kommt, wird nach Möglichkeit ebenfalls beraten.""",
        80,
        [],
    ),
    NewsSpec(
        "vereinsverzeichnis-400-eintraege",
        "Vereinsverzeichnis wächst",
        "Über 400 Vereine und Initiativen sind jetzt im Verzeichnis zu finden.",
        """Das [Vereinsverzeichnis](/vereine/) wächst: Über 400 Vereine und Initiativen aus dem Kreis stellen sich vor. Noch nicht dabei? Schlagen Sie Ihren Verein vor.""",
        110,
        ["engagement-gewinnen"],
    ),
    NewsSpec(
        "datenschutz-checkliste",
        "Checkliste Datenschutz für kleine Vereine",
        "Fünf Schritte, mit denen auch kleine Vereine beim Datenschutz auf der sicheren Seite "
        "sind.",
        """Unser Ratgeber [Datenschutz im Verein](/infothek/ratgeber/datenschutz-im-verein/) fasst zusammen, was kleine Vereine wirklich tun müssen — ohne Juristendeutsch.""",
        150,
        ["datenschutz"],
    ),
    NewsSpec(
        "ehrenamtsempfang-entwurf",
        "Ehrenamtsempfang des Kreises (Entwurf)",
        "Einladung zum Ehrenamtsempfang — Text in Arbeit.",
        """Entwurf: Ort und Datum werden noch abgestimmt.""",
        0,
        ["engagement-gewinnen"],
        status=NewsItem.Status.DRAFT,
    ),
    NewsSpec(
        "foerdertag-angekuendigt",
        "Fördermitteltag: Anträge gemeinsam schreiben",
        "An unserem Fördermitteltag arbeiten Vereine mit Unterstützung an ihren Anträgen.",
        """Bringen Sie Ihre Projektidee mit: Gemeinsam finden wir das passende [Förderprogramm](/infothek/foerderprogramme/) und arbeiten am Antrag.""",
        -5,  # scheduled: public in five days
        ["foerderung"],
    ),
]

QUESTIONS = [
    (
        "vereinsgruendung",
        "Wie viele Personen braucht man, um einen Verein zu gründen?",
        "Für einen **eingetragenen** Verein mindestens sieben Gründungsmitglieder; danach "
        "darf die Zahl nicht unter drei sinken. Ein nicht eingetragener Verein kann mit "
        "weniger Personen gegründet werden. Mehr im Ratgeber "
        "[Einen Verein gründen](/infothek/ratgeber/verein-gruenden/).",
    ),
    (
        "vereinsgruendung",
        "Brauchen wir für die Gründung einen Notar?",
        "Für die Anmeldung zum Vereinsregister ja: Die Unterschriften des Vorstands werden "
        "notariell beglaubigt. Die Gründungsversammlung selbst braucht keinen Notar.",
    ),
    (
        "satzung-vereinsrecht",
        "Dürfen Mitgliederversammlungen online stattfinden?",
        "Ja, das BGB erlaubt virtuelle und hybride Versammlungen, wenn die Einladung angibt, "
        "wie die Mitglieder teilnehmen und abstimmen. Eine Regel in der Satzung schafft "
        "zusätzlich Klarheit.",
    ),
    (
        "satzung-vereinsrecht",
        "Wann muss eine Satzungsänderung zum Amtsgericht?",
        "Jede Satzungsänderung wird erst mit der Eintragung ins Vereinsregister wirksam. "
        "Der Vorstand meldet sie mit notariell beglaubigten Unterschriften an.",
    ),
    (
        "gemeinnuetzigkeit-steuern",
        "Darf unser Verein Spendenquittungen ausstellen?",
        "Nur wenn das Finanzamt die Gemeinnützigkeit festgestellt hat (Feststellungs- oder "
        "Freistellungsbescheid). Bis 300 Euro genügt Spenderinnen und Spendern meist der "
        "Kontoauszug.",
    ),
    (
        "gemeinnuetzigkeit-steuern",
        "Muss ein kleiner Verein eine Steuererklärung abgeben?",
        "Gemeinnützige Vereine geben in der Regel alle drei Jahre eine Erklärung ab, damit "
        "das Finanzamt die Gemeinnützigkeit prüfen kann. Das Finanzamt fordert dazu auf.",
    ),
    (
        "pauschalen",
        "Kann jemand Übungsleiter- und Ehrenamtspauschale gleichzeitig bekommen?",
        "Ja, aber nicht für dieselbe Tätigkeit: etwa die Übungsleiterpauschale als Trainerin "
        "und die Ehrenamtspauschale als Kassenwartin. Stand: Demo, bitte prüfen.",
    ),
    (
        "versicherung",
        "Bin ich im Ehrenamt versichert?",
        "Oft ja: über die gesetzliche Unfallversicherung, die Vereinsversicherung oder die "
        "Sammelverträge des Landes Schleswig-Holstein, die nachrangig greifen. Mehr im "
        "[Ratgeber Versicherungsschutz](/infothek/ratgeber/versicherungsschutz-im-ehrenamt/).",
    ),
    (
        "datenschutz",
        "Dürfen wir Fotos vom Vereinsfest veröffentlichen?",
        "Für die Website und soziale Medien brauchen Sie in der Regel die Einwilligung der "
        "erkennbar Abgebildeten, bei Kindern die der Eltern. Weisen Sie bei Veranstaltungen "
        "auf das Fotografieren hin.",
    ),
    (
        "kinderschutz",
        "Wer braucht ein erweitertes Führungszeugnis?",
        "Engagierte, die Kinder und Jugendliche betreuen, beaufsichtigen oder ausbilden — je "
        "nach Art, Intensität und Dauer des Kontakts. Für Ehrenamtliche ist es mit einer "
        "Bestätigung des Vereins gebührenfrei.",
    ),
    (
        "foerderung",
        "Dürfen wir mit dem Projekt schon vor der Bewilligung anfangen?",
        "In der Regel nein: Wer vor der Bewilligung Aufträge vergibt, verliert oft die "
        "Förderung. Manche Programme erlauben auf Antrag einen vorzeitigen Maßnahmebeginn.",
    ),
    (
        "engagement-gewinnen",
        "Wie finden wir junge Engagierte?",
        "Mit klar umrissenen Aufgaben auf Zeit, eigenen Gestaltungsspielräumen und einem "
        "Gesuch unter [Engagement gesucht](/engagement/). Eine persönliche Ansprache wirkt "
        "am stärksten.",
    ),
]


# --- Loading ----------------------------------------------------------------------------------


def _at(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(9, 0), tzinfo=timezone.get_current_timezone())


def _topics(slugs):
    return Topic.objects.filter(slug__in=slugs)


def load(options: DemoOptions) -> list[str]:
    created = {"guides": 0, "programmes": 0, "news": 0, "questions": 0, "downloads": 0}
    downloads = {}
    for title in DOWNLOADS:
        downloads[title], new = _download(title)
        created["downloads"] += new
    new_guides = {spec.slug for spec in GUIDES if _guide(spec, downloads)}
    _relate_guides(new_guides)
    created["guides"] = len(new_guides)
    created["programmes"] = sum(_programme(spec) for spec in PROGRAMMES)
    created["news"] = sum(_news(spec) for spec in NEWS)
    created["questions"] = sum(
        _question(order, *entry) for order, entry in enumerate(QUESTIONS, start=1)
    )
    return [f"{count} {name} created" for name, count in created.items()]


def _guide(spec: GuideSpec, downloads: dict) -> bool:
    guide, created = Guide.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "title_en": spec.title_en,
            "summary": spec.summary,
            "summary_en": spec.summary_en,
            "body": spec.body,
            "body_en": spec.body_en,
            "audience": spec.audience,
            "status": Guide.Status.PUBLISHED,
            "publish_at": _at(spec.published_days_ago),
            "reviewed_on": timezone.localdate() - timedelta(days=spec.reviewed_days_ago),
        },
    )
    if created:
        guide.topics.set(_topics(spec.topics))
        guide.advice_topics.set(AdviceTopic.objects.filter(slug__in=spec.advice_topics))
        guide.course_topics.set(CourseTopic.objects.filter(slug__in=spec.course_topics))
        guide.downloads.set([downloads[title] for title in spec.downloads])
        services.refresh_search_vector(item=guide)
    return created


RELATED_GUIDES = [  # each pair both ways (the relation is symmetrical)
    ("verein-gruenden", "satzung"),
    ("verein-gruenden", "gemeinnuetzigkeit"),
    ("satzung", "gemeinnuetzigkeit"),
    ("gemeinnuetzigkeit", "vereinsfinanzen-und-kasse"),
    ("uebungsleiter-und-ehrenamtspauschale", "vereinsfinanzen-und-kasse"),
    ("foerdermittel-finden-und-beantragen", "vereinsfinanzen-und-kasse"),
    ("kinderschutzkonzept", "versicherungsschutz-im-ehrenamt"),
    ("mitglieder-gewinnen", "datenschutz-im-verein"),
]


def _relate_guides(new_slugs: set[str]) -> None:
    """Relations of the guides made in this run (a later run leaves staff's choices alone)."""
    guides = Guide.objects.in_bulk(
        [slug for pair in RELATED_GUIDES for slug in pair], field_name="slug"
    )
    for first, second in RELATED_GUIDES:
        if (first in new_slugs or second in new_slugs) and first in guides and second in guides:
            guides[first].related_guides.add(guides[second])


def _programme(spec: ProgrammeSpec) -> bool:
    deadline = (
        None
        if spec.deadline_in_days is None
        else timezone.localdate() + timedelta(days=spec.deadline_in_days)
    )
    programme, created = FundingProgramme.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "funder": spec.funder,
            "funder_type": spec.funder_type,
            "summary": spec.summary,
            "body": f"{DEMO_NOTE}\n\n{spec.body}",
            "who_may_apply": spec.who_may_apply,
            "amount_min": None if spec.amount_min is None else Decimal(spec.amount_min),
            "amount_max": None if spec.amount_max is None else Decimal(spec.amount_max),
            "own_contribution": spec.own_contribution,
            "deadline": deadline,
            "official_url": spec.official_url,
            "status": FundingProgramme.Status.PUBLISHED,
            "publish_at": _at(90),
        },
    )
    if created:
        programme.topics.set(_topics(spec.topics))
        services.refresh_search_vector(item=programme)
    return created


def _news(spec: NewsSpec) -> bool:
    publish_at = _at(spec.days_ago)
    news, created = NewsItem.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "summary": spec.summary,
            "body": spec.body,
            "status": spec.status,
            "publish_at": publish_at,
        },
    )
    if created:
        news.topics.set(_topics(spec.topics))
        services.refresh_search_vector(item=news)
    return created


def _question(order: int, topic_slug: str, title: str, body: str) -> bool:
    topic = Topic.objects.filter(slug=topic_slug).first()
    if topic is None:  # renamed by staff: the demo does not recreate it
        return False
    question, created = Question.objects.get_or_create(
        title=title,
        defaults={
            "topic": topic,
            "body": body,
            "order": order,
            "status": Question.Status.PUBLISHED,
            "publish_at": _at(120),
        },
    )
    if created:
        services.refresh_search_vector(item=question)
    return created


register_demo_data(DemoData("Infothek", load, order=60))
