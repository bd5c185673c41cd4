"""Demo data of Qualifizierung: venues in real places across the county's Ämter, speakers, and
a catalogue of about thirty courses — upcoming ones (some online or hybrid, some with a fee,
some full with a waiting list) and past ones with attendance, certificates and feedback — plus
a few course wishes. `make run` shows a living /fortbildungen/ and participant lists.

Runs after the municipalities (order 10) and the demo accounts (20). Deterministic: fixed
courses and people, dates relative to the day of the first run. Idempotent: venues, speakers
and people are matched by name or address, courses by their address (slug); a course that
exists is left as it is, so a second run changes nothing. Upcoming registrations go through
trainings.services (seats, waiting positions and their mails exactly as on the site; the
people are demo accounts and example.org addresses). Past courses are written directly (no
service registers for a course that has begun), then attendance and certificates go through
the services again.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from network.models import Municipality
from portal.demo import DemoData, DemoOptions, register_demo_data

from . import services
from .models import Course, CourseDate, CourseWish, Feedback, Registration, Speaker, Topic, Venue

LOCAL = ZoneInfo(settings.TIME_ZONE)
VOLUNTEER = "ehrenamt@demo.kloormokers.de"  # accounts/demo.py
REPRESENTATIVE = "verein@demo.kloormokers.de"  # accounts/demo.py

# name, street, postcode, town, municipality (reference data), step-free, hearing loop, toilet
VENUES = {
    "kreishaus": ("Kreishaus, Sitzungssaal", "Kaiserstraße 8", "24768", "Rendsburg",
                  "Rendsburg", True, True, True),
    "eckernfoerde": ("Rathaus Eckernförde, Ratssaal", "Rathausmarkt 4–6", "24340",
                     "Eckernförde", "Eckernförde", True, False, True),
    "nortorf": ("Bürgerhaus Nortorf", "Große Mühlenstraße 5", "24589", "Nortorf", "Nortorf",
                True, False, True),
    "hohenwestedt": ("Dörpshus Hohenwestedt", "Itzehoer Straße 12", "24594", "Hohenwestedt",
                     "Hohenwestedt", True, True, False),
    "gettorf": ("Gemeindezentrum Gettorf", "Karl-Kolbe-Platz 1", "24214", "Gettorf", "Gettorf",
                True, False, True),
    "bordesholm": ("Haus der Kirche Bordesholm", "Lindenplatz 3", "24582", "Bordesholm",
                   "Bordesholm", False, False, False),
    "fockbek": ("Amtshaus Fockbek, Sitzungsraum", "Am Markt 15", "24787", "Fockbek", "Fockbek",
                True, False, True),
    "osterroenfeld": ("Jugendzentrum Osterrönfeld", "Schulstraße 4", "24783", "Osterrönfeld",
                      "Osterrönfeld", True, False, True),
    "flintbek": ("Bürgerhaus Flintbek", "Eiderstraße 2", "24220", "Flintbek", "Flintbek",
                 True, True, True),
    "wittensee": ("Dörpshus Groß Wittensee", "Dorfstraße 20", "24361", "Groß Wittensee",
                  "Groß Wittensee", False, False, False),
    "jevenstedt": ("Feuerwehrgerätehaus Jevenstedt", "Nienkattbeker Weg 1", "24808",
                   "Jevenstedt", "Jevenstedt", True, False, False),
    "kronshagen": ("Bürgerhaus Kronshagen", "Kopperpahler Allee 69", "24119", "Kronshagen",
                   "Kronshagen", True, True, True),
}  # fmt: skip

SPEAKERS = [
    ("Dr. Karen Lüthje", "Rechtsanwältin für Vereins- und Stiftungsrecht"),
    ("Holger Stange", "Steuerberater, Kiel"),
    ("Merle Asmussen", "Datenschutzbeauftragte, Kreis Rendsburg-Eckernförde"),
    ("Timo Ketelsen", "Pressesprecher, Kreissportverband"),
    ("Silke Brodersen", "Engagementberaterin, De Kloormokers"),
    ("Jan-Ole Harder", "Ausbilder, DRK-Kreisverband"),
    ("Femke Reimers", "Bildungsreferentin, Kreisjugendring"),
    ("Ute Claußen", "Fachberatung Kinderschutz"),
]

FIRST = ["Anke", "Birte", "Claas", "Dörte", "Enno", "Frauke", "Gesa", "Hauke", "Imke", "Jens",
         "Kirsten", "Lars", "Maren", "Nils", "Okke", "Peer", "Rieke", "Sönke", "Telse", "Uwe",
         "Wiebke", "Arne", "Britta", "Carsten", "Dierk", "Elke", "Finn", "Gunda", "Heiko", "Inken",
         "Jördis", "Kai", "Levke", "Momme", "Nele", "Ove"]  # fmt: skip
LAST = ["Hansen", "Petersen", "Jensen", "Carstensen", "Thomsen", "Paulsen", "Lorenzen",
        "Sievers", "Kruse", "Boysen", "Rathje", "Schnoor", "Wulf", "Voß", "Lamp", "Dibbern",
        "Hamann", "Stoltenberg"]  # fmt: skip
PEOPLE = 36


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    topic: str
    summary: str
    days: list[int]  # days from the first run's day, one per date
    start: str = "18:00"
    hours: float = 3
    format: str = Course.Format.ON_SITE
    venue: str | None = None
    capacity: int = 16
    fee: str = "0"
    speakers: list[int] = field(default_factory=list)  # indexes into SPEAKERS
    registered: int = 0  # people who register (beyond the seats: the waiting list)
    target_group: str = "Vorstände und Engagierte in Vereinen"
    what_to_bring: str = ""


ON_SITE, ONLINE, HYBRID = Course.Format.ON_SITE, Course.Format.ONLINE, Course.Format.HYBRID

COURSES = [
    # Upcoming
    CourseSpec("vereinsrecht-kompakt", "Vereinsrecht kompakt", "vereinsrecht",
               "Satzung, Mitgliederversammlung, Haftung: das Wichtigste an einem Abend.",
               [12], venue="kreishaus", capacity=10, speakers=[0], registered=14),
    CourseSpec("kassenfuehrung-im-verein", "Kassenführung im Verein", "finanzen",
               "Belege, Kassenbuch und Kassenprüfung – sicher durch das Vereinsjahr.",
               [16, 23], venue="nortorf", capacity=12, speakers=[1], registered=9,
               what_to_bring="Wenn vorhanden: ein Kassenbuch Ihres Vereins (gern anonymisiert)."),
    CourseSpec("datenschutz-im-verein", "Datenschutz im Verein", "datenschutz-digitales",
               "Mitgliederlisten, Fotos, Newsletter: was die DSGVO von Vereinen verlangt.",
               [20], format=ONLINE, capacity=30, speakers=[2], registered=11, hours=2),
    CourseSpec("oeffentlichkeitsarbeit-kleines-budget", "Öffentlichkeitsarbeit mit kleinem Budget",
               "oeffentlichkeitsarbeit",
               "Pressemitteilung, Social Media und Aushang – wirksam werben ohne Werbeetat.",
               [27], venue="eckernfoerde", capacity=14, speakers=[3], registered=6),
    CourseSpec("neue-mitglieder-gewinnen", "Neue Mitglieder gewinnen", "engagement-gewinnen",
               "Wie Vereine junge Menschen und Zugezogene für ein Ehrenamt begeistern.",
               [9], venue="hohenwestedt", capacity=8, speakers=[4], registered=11),
    CourseSpec("erste-hilfe-vereinsalltag", "Erste Hilfe im Vereinsalltag", "erste-hilfe",
               "Der Grundkurs (9 Unterrichtseinheiten) für Übungsleitungen und Betreuende.",
               [33], start="09:00", hours=7.5, venue="jevenstedt", capacity=12, fee="25",
               speakers=[5], registered=12,
               what_to_bring="Bequeme Kleidung; für das Mittagessen ist gesorgt."),
    CourseSpec("juleica-grundkurs", "Juleica-Grundkurs", "jugendarbeit",
               "Die Ausbildung zur Jugendleiter-Card an zwei Wochenenden.",
               [37, 38, 44, 45], start="09:30", hours=7, venue="osterroenfeld", capacity=16,
               fee="40", speakers=[6], registered=19,
               target_group="Jugendliche ab 16 Jahren und junge Erwachsene in der Jugendarbeit"),
    CourseSpec("schutzkonzept-kinder-jugend", "Schutzkonzepte für Kinder und Jugendliche",
               "kinderschutz", "Ein Schutzkonzept Schritt für Schritt für den eigenen Verein.",
               [41], venue="flintbek", capacity=15, speakers=[7], registered=7),
    CourseSpec("foerdermittel-finden", "Fördermittel finden und beantragen", "foerdermittel",
               "Stiftungen, Land, Kreis: wie ein Antrag Erfolg hat.",
               [48], format=HYBRID, venue="kreishaus", capacity=20, speakers=[4], registered=5),
    CourseSpec("vorstand-gut-aufgestellt", "Der Vorstand – gut aufgestellt", "vorstandsarbeit",
               "Aufgaben verteilen, Nachfolge planen, als Team entscheiden.",
               [55], venue="gettorf", capacity=14, speakers=[4], registered=3),
    CourseSpec("gemeinnuetzigkeit-steuern", "Gemeinnützigkeit und Steuern", "finanzen",
               "Zweckbetrieb, Übungsleiterpauschale, Spendenquittung – verständlich erklärt.",
               [62], format=ONLINE, capacity=40, speakers=[1], registered=8, hours=2),
    CourseSpec("mitgliederversammlung-leiten", "Mitgliederversammlungen gut leiten",
               "vereinsrecht", "Einladung, Tagesordnung, Abstimmungen und Protokoll.",
               [69], venue="bordesholm", capacity=12, speakers=[0], registered=2),
    CourseSpec("social-media-fuer-vereine", "Social Media für Vereine", "oeffentlichkeitsarbeit",
               "Instagram, Facebook & Co. – mit wenig Zeit sichtbar bleiben.",
               [76, 83], format=ONLINE, capacity=25, speakers=[3], registered=4, hours=2),
    CourseSpec("digitale-vereinsverwaltung", "Digitale Vereinsverwaltung", "datenschutz-digitales",
               "Mitgliederverwaltung, Online-Banking und geteilte Ablage im Verein.",
               [90], venue="fockbek", capacity=12, fee="10", speakers=[2], registered=1),
    CourseSpec("erste-hilfe-kinder", "Erste Hilfe am Kind", "erste-hilfe",
               "Notfälle bei Kindern erkennen und richtig handeln.",
               [97], start="09:00", hours=7.5, venue="kronshagen", capacity=12, fee="25",
               speakers=[5], registered=0),
    CourseSpec("ehrenamt-und-haftung", "Ehrenamt und Haftung", "vereinsrecht",
               "Wer haftet wann – und welche Versicherung schützt Engagierte?",
               [104], venue="wittensee", capacity=15, speakers=[0], registered=0),
    CourseSpec("projekte-planen", "Projekte planen und abrechnen", "foerdermittel",
               "Vom Projektplan bis zum Verwendungsnachweis.",
               [111, 118], format=HYBRID, venue="eckernfoerde", capacity=16, speakers=[4],
               registered=0),
    CourseSpec("engagierte-begleiten", "Engagierte gut begleiten", "engagement-gewinnen",
               "Einarbeiten, anerkennen, verabschieden: Freiwilligenmanagement im Kleinen.",
               [125], venue="nortorf", capacity=14, speakers=[4], registered=0),
    CourseSpec("kinderschutz-auffrischung", "Kinderschutz – Auffrischung für Juleica-Inhabende",
               "kinderschutz", "Die Auffrischung für die Verlängerung der Juleica.",
               [132], venue="osterroenfeld", capacity=18, speakers=[7], registered=0),
    CourseSpec("konflikte-im-verein", "Konflikte im Verein lösen", "vorstandsarbeit",
               "Wenn es knirscht: Gespräche führen und Streit schlichten.",
               [139], format=ONLINE, capacity=20, speakers=[4], registered=0, hours=2.5),
    # Past (attendance recorded, certificates issued, some feedback)
    CourseSpec("vereinsrecht-kompakt-fruehjahr", "Vereinsrecht kompakt (Frühjahr)", "vereinsrecht",
               "Satzung, Mitgliederversammlung, Haftung: das Wichtigste für Vorstände.",
               [-150], venue="kreishaus", capacity=12, speakers=[0], registered=12),
    CourseSpec("kassenpruefung-leicht-gemacht", "Kassenprüfung leicht gemacht", "finanzen",
               "Was Kassenprüferinnen und Kassenprüfer prüfen müssen – und wie.",
               [-120], venue="hohenwestedt", capacity=10, speakers=[1], registered=9),
    CourseSpec("datenschutz-grundlagen", "Datenschutz-Grundlagen für Vereine",
               "datenschutz-digitales", "Die DSGVO im Vereinsalltag.",
               [-95], format=ONLINE, capacity=30, speakers=[2], registered=18, hours=2),
    CourseSpec("erste-hilfe-grundkurs-sommer", "Erste Hilfe – Grundkurs (Sommer)", "erste-hilfe",
               "Der Grundkurs für Übungsleitungen und Betreuende.",
               [-70], start="09:00", hours=7.5, venue="jevenstedt", capacity=12, fee="25",
               speakers=[5], registered=12),
    CourseSpec("juleica-grundkurs-herbst", "Juleica-Grundkurs (Herbst)", "jugendarbeit",
               "Die Ausbildung zur Jugendleiter-Card an zwei Wochenenden.",
               [-60, -59, -53, -52], start="09:30", hours=7, venue="osterroenfeld", capacity=16,
               fee="40", speakers=[6], registered=14),
    CourseSpec("pressearbeit-praxis", "Pressearbeit in der Praxis", "oeffentlichkeitsarbeit",
               "Eine Pressemitteilung schreiben, die gedruckt wird.",
               [-40], venue="gettorf", capacity=12, speakers=[3], registered=8),
    CourseSpec("nachfolge-im-vorstand", "Nachfolge im Vorstand planen", "vorstandsarbeit",
               "Rechtzeitig Nachwuchs für den Vorstand finden.",
               [-21], venue="fockbek", capacity=14, speakers=[4], registered=10),
    CourseSpec("foerderantraege-schreiben", "Förderanträge schreiben", "foerdermittel",
               "Der gute Antrag: Ziele, Finanzplan, Nachweis.",
               [-9], format=HYBRID, venue="flintbek", capacity=16, speakers=[4], registered=11),
]  # fmt: skip

# (who: index into the demo people or "volunteer", topic slug or None, text, notify)
WISHES = [
    (0, "vereinsrecht", "Wie gründet man einen Förderverein für die Dorfschule?", True),
    (3, "datenschutz-digitales", "Videokonferenzen datenschutzkonform nutzen", True),
    (7, None, "Ein Kurs zu Barrierefreiheit bei Vereinsveranstaltungen wäre toll.", False),
    (12, "foerdermittel", "", True),
    ("volunteer", "oeffentlichkeitsarbeit", "Fotos bei Vereinsfesten – was ist erlaubt?", True),
]

FEEDBACK = [
    (5, "Sehr praxisnah, danke!"),
    (4, "Gute Beispiele, etwas knapp bei den Fragen."),
    (5, ""),
    (3, "Der Raum war zu warm, der Inhalt gut."),
    (4, "Hilfreich für unseren Vorstand."),
]


def load(options: DemoOptions) -> list[str]:
    today = timezone.localdate()
    if not Municipality.objects.exists():
        return ["No municipalities: no demo courses."]
    venues = {key: _venue(*values) for key, values in VENUES.items()}
    speakers = [_speaker(name, role) for name, role in SPEAKERS]
    people = _people()
    created = 0
    for spec in COURSES:
        created += _course(spec, today, venues, speakers, people)
    wishes = _wishes(people)
    return [
        f"{len(venues)} venues, {len(speakers)} speakers.",
        f"{created} courses created ({Course.objects.count()} in all), "
        f"{Registration.objects.count()} registrations, {wishes} wishes created.",
    ]


# --- Places, speakers, people ---------------------------------------------------------------------


def _venue(name, street, postcode, town, place, step_free, loop, toilet) -> Venue:
    municipality = Municipality.objects.filter(name=place).first()
    if municipality is None:  # reference data of another county: any municipality will do
        municipality = Municipality.objects.order_by("name").first()
    venue, _created = Venue.objects.get_or_create(
        name=name,
        defaults={
            "street": street,
            "postcode": postcode,
            "town": town,
            "municipality": municipality,
            "step_free": step_free,
            "hearing_loop": loop,
            "accessible_toilet": toilet,
            "accessibility_notes": ""
            if step_free
            else "Der Saal liegt im ersten Stock; es gibt keinen Aufzug.",
            "directions": "Parkplätze am Haus; die nächste Bushaltestelle ist in wenigen "
            "Minuten zu Fuß erreichbar.",
        },
    )
    return venue


def _speaker(name, role) -> Speaker:
    speaker, _created = Speaker.objects.get_or_create(name=name, defaults={"role": role})
    return speaker


def _people() -> list[User]:
    """The demo volunteer first, then invented people (no password: they cannot log in)."""
    people = list(User.objects.filter(email=VOLUNTEER))
    for index in range(PEOPLE):
        first = FIRST[index % len(FIRST)]
        last = LAST[(index * 7) % len(LAST)]
        email = f"{first}.{last}.{index}@example.org".lower()
        for umlaut, plain in (("ö", "oe"), ("ß", "ss"), ("ü", "ue"), ("ä", "ae")):
            email = email.replace(umlaut, plain)
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    return people


# --- Courses --------------------------------------------------------------------------------------


def _at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LOCAL)


def _course(spec: CourseSpec, today: date, venues, speakers, people) -> bool:
    if Course.objects.filter(slug=spec.slug).exists():
        return False
    first_day = today + timedelta(days=spec.days[0])
    first_start = _at(first_day, spec.start)
    course = Course.objects.create(
        slug=spec.slug,
        title=spec.title,
        summary=spec.summary,
        description=(
            f"{spec.summary}\n\nIn diesem Kurs arbeiten wir mit Beispielen aus Vereinen im "
            "Kreis. Sie bekommen Unterlagen zum Nachlesen und Zeit für Ihre eigenen Fragen. "
            "Vorkenntnisse brauchen Sie nicht."
        ),
        target_group=spec.target_group,
        topic=Topic.objects.get(slug=spec.topic),
        format=spec.format,
        venue=venues[spec.venue] if spec.venue else None,
        online_info=(
            "Den Link zum Videoraum bekommen Sie zwei Tage vorher per E-Mail. Sie brauchen "
            "einen Rechner oder ein Tablet mit Kamera und Mikrofon."
            if spec.format != ON_SITE
            else ""
        ),
        fee=Decimal(spec.fee),
        fee_note="inkl. Unterlagen und Verpflegung" if spec.fee != "0" else "",
        capacity=spec.capacity,
        registration_deadline=first_start - timedelta(days=2),
        cancellation_deadline=first_start - timedelta(days=3),
        what_to_bring=spec.what_to_bring,
        certificate=True,
    )
    course.speakers.set([speakers[i] for i in spec.speakers])
    for offset in spec.days:
        start = _at(today + timedelta(days=offset), spec.start)
        CourseDate.objects.create(
            course=course, starts_at=start, ends_at=start + timedelta(hours=spec.hours)
        )
    services.publish_course(course=course)
    services.refresh_search_vector(course_ids=[course.pk])
    course.refresh_from_db()
    participants = _participants(spec, people)
    if spec.days[0] > 0:
        _register_ahead(course, participants)
    else:
        _took_place(course, participants)
    return True


def _participants(spec: CourseSpec, people: list[User]) -> list[User]:
    """Who registers: a different slice of the demo people for each course; the demo volunteer
    takes a seat in a few (and waits for one)."""
    invented = people[1:] if people and people[0].email == VOLUNTEER else people
    volunteer = people[:1] if people and people[0].email == VOLUNTEER else []
    offset = sum(ord(c) for c in spec.slug) % len(invented)
    chosen = [invented[(offset + i) % len(invented)] for i in range(spec.registered)]
    if volunteer and spec.slug in ("kassenfuehrung-im-verein", "kassenpruefung-leicht-gemacht"):
        chosen.insert(0, volunteer[0])
    if volunteer and spec.slug == "vereinsrecht-kompakt":
        chosen.append(volunteer[0])  # the course is full: the volunteer waits
    return chosen


def _register_ahead(course: Course, people: list[User]) -> None:
    for person in people:
        services.register(course=course, user=person)


def _took_place(course: Course, people: list[User]) -> None:
    """A past course: registrations as they stood, attendance, certificates, feedback."""
    registered_at = course.starts_at - timedelta(days=20)
    registrations = []
    for index, person in enumerate(people[: course.capacity]):
        cancelled = index % 9 == 8
        registrations.append(
            Registration.objects.create(
                course=course,
                user=person,
                status=Registration.Status.CANCELLED
                if cancelled
                else Registration.Status.CONFIRMED,
                registered_at=registered_at + timedelta(hours=index),
                confirmed_at=None if cancelled else registered_at + timedelta(hours=index),
                cancelled_at=registered_at + timedelta(days=5) if cancelled else None,
            )
        )
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    no_shows = [r for i, r in enumerate(confirmed) if i % 6 == 5]
    attended = [r for r in confirmed if r not in no_shows]
    services.mark_attendance(registrations=attended, attended=True)
    services.mark_attendance(registrations=no_shows, attended=False)
    services.issue_certificates(course=course)
    for index, registration in enumerate(attended[: len(FEEDBACK)]):
        if index % 2 == 0 or registration.user.email == VOLUNTEER:
            rating, comment = FEEDBACK[index % len(FEEDBACK)]
            Feedback.objects.create(registration=registration, rating=rating, comment=comment)


def _wishes(people: list[User]) -> int:
    invented = [p for p in people if p.email != VOLUNTEER]
    volunteer = next((p for p in people if p.email == VOLUNTEER), None)
    created = 0
    for who, slug, text, notify in WISHES:
        person = volunteer if who == "volunteer" else invented[who % len(invented)]
        if person is None or CourseWish.objects.filter(user=person).exists():
            continue
        topic = Topic.objects.get(slug=slug) if slug else None
        services.wish_course(user=person, topic=topic, text=text, notify=notify)
        created += 1
    return created


register_demo_data(DemoData("Trainings", load, order=50))
