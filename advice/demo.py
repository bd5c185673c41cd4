"""Demo data of Beratung: three advisers with their week, an absence, free slots, and cases
in every state — so `make run` shows a living /beratung/ and a case list to work on.

Runs after the demo accounts (order 20) and the demo directory (30); links cases to demo
associations where the directory has them. Deterministic: fixed people and texts, reference
numbers from a seeded generator, times relative to the day of the first run. Idempotent:
advisers are matched by their account, their week and absences are made only once, cases are
matched by their reference number (upcoming appointments by person and concern), and slots are
re-cut only when they no longer reach the horizon — a second run on the same day changes
nothing. Written directly, not through the services: it sends no mail, and it needs past
appointments, which no service books.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from network.models import Association, Municipality
from portal.demo import DemoData, DemoOptions, register_demo_data
from portal.staff_groups import BERATUNG

from . import slots
from .models import (
    Absence,
    AdviceRequest,
    Advisor,
    BookingRules,
    CaseEvent,
    CaseNote,
    Format,
    Slot,
    Topic,
    WeeklyAvailability,
)
from .services import NUMBER_ALPHABET

SEED = 2408  # the same cases on every machine
HISTORY_CASES = 40  # closed cases over the last twelve months, for the statistics
ANCHOR_ASSOCIATION = "tsv-nortorf-von-1867"  # the demo representative's association (network)

RENDSBURG = "Kreishaus, Kaiserstraße 8, 24768 Rendsburg, Raum 1.12"
ECKERNFOERDE = "Rathaus Eckernförde, Rathausmarkt 4–6, 24340 Eckernförde, Raum 2.03"

ON_SITE, PHONE, VIDEO = Format.ON_SITE, Format.PHONE, Format.VIDEO


@dataclass(frozen=True)
class AdvisorSpec:
    email: str
    first_name: str
    last_name: str
    topics: list[str]
    week: list[tuple[int, str, str, str, str]]  # weekday, from, until, format, place
    location: str = RENDSBURG
    absence_in_weeks: int | None = None  # away for a week, this many weeks after the first run


ADVISERS = [
    AdvisorSpec(
        "beratung@demo.kloormokers.de",  # the demo staff account (accounts/demo.py)
        "Bernd",
        "Berater",
        ["vereinsrecht", "steuern", "pauschalen", "versicherung", "vorstand"],
        [
            (0, "09:00", "12:00", ON_SITE, ""),
            (1, "14:00", "17:00", PHONE, ""),
            (3, "09:00", "12:00", ON_SITE, ECKERNFOERDE),
        ],
    ),
    AdvisorSpec(
        "anja.lorenzen@demo.kloormokers.de",
        "Anja",
        "Lorenzen",
        ["datenschutz", "digitalisierung", "oeffentlichkeitsarbeit", "nachwuchs", "foerdermittel"],
        [
            (2, "10:00", "13:00", VIDEO, ""),
            (3, "14:00", "17:00", ON_SITE, ECKERNFOERDE),
            (4, "09:00", "12:00", PHONE, ""),
        ],
        location=ECKERNFOERDE,
    ),
    AdvisorSpec(
        "jens.thomsen@demo.kloormokers.de",
        "Jens",
        "Thomsen",
        ["kinderschutz", "foerdermittel", "vorstand", "vereinsrecht"],
        [(1, "09:00", "12:00", ON_SITE, ""), (4, "13:00", "16:00", VIDEO, "")],
        absence_in_weeks=2,
    ),
]

VOLUNTEER = "ehrenamt@demo.kloormokers.de"  # accounts/demo.py
REPRESENTATIVE = "verein@demo.kloormokers.de"  # accounts/demo.py
# People who asked for advice in the demo (no password: they cannot log in).
PEOPLE = [
    ("greta.paulsen@example.org", "Greta", "Paulsen"),
    ("malte.boysen@example.org", "Malte", "Boysen"),
    ("inke.hansen@example.org", "Inke", "Hansen"),
    ("torben.sievers@example.org", "Torben", "Sievers"),
    ("swantje.kruse@example.org", "Swantje", "Kruse"),
]
BERND, ANJA, JENS = (spec.email for spec in ADVISERS)
GRETA, MALTE, INKE, TORBEN, SWANTJE = (person[0] for person in PEOPLE)


@dataclass(frozen=True)
class CaseSpec:
    """One case. `day` is days from today: the appointment's day, or (negative) when a
    question was asked. Upcoming appointments take the adviser's first free slot from then."""

    requester: str
    topic: str
    concern: str
    day: int
    advisor: str | None = None  # appointments only
    format: str = ""
    status: str = AdviceRequest.Status.NEW
    outcome: str = ""
    assignee: str | None = None
    due_in: int | None = None
    association: str | None = None  # "anchor", or "directory" for one of the demo directory
    municipality: str | None = None
    note: str = ""
    cancelled: bool = False
    no_show: bool = False
    booked_by_staff: bool = False

    @property
    def is_appointment(self) -> bool:
        return self.advisor is not None

    @property
    def upcoming(self) -> bool:
        return self.is_appointment and self.day > 0


S = AdviceRequest.Status
O = AdviceRequest.Outcome  # noqa: E741 - reads like the status above

CASES = [
    CaseSpec(
        VOLUNTEER,
        "vereinsrecht",
        "Wir wollen unsere Satzung ändern, damit der Vorstand auch online beschließen kann. "
        "Was müssen wir bei der Mitgliederversammlung beachten?",
        day=4,
        advisor=BERND,
        format=ON_SITE,
        assignee=BERND,
        municipality="Rendsburg",
    ),
    CaseSpec(
        VOLUNTEER,
        "pauschalen",
        "Darf ich als Übungsleiterin im Sportverein und zugleich als Kassenwartin im "
        "Förderverein beide Pauschalen bekommen?",
        day=-2,
        status=S.IN_PROGRESS,
        assignee=BERND,
        due_in=4,
        municipality="Rendsburg",
        note="Rückfrage beim Finanzamt Rendsburg läuft; Antwort bis Ende der Woche.",
    ),
    CaseSpec(
        REPRESENTATIVE,
        "foerdermittel",
        "Unser Verein möchte ein neues Vereinsheim bauen. Welche Förderprogramme kommen in "
        "Frage, und wann müssen wir die Anträge stellen?",
        day=6,
        advisor=ANJA,
        format=VIDEO,
        association="anchor",
        municipality="Nortorf",
    ),
    CaseSpec(
        GRETA,
        "datenschutz",
        "Dürfen wir Fotos vom Sommerfest mit Kindern auf unsere Website stellen?",
        day=-1,
        association="directory",
    ),
    CaseSpec(
        MALTE,
        "steuern",
        "Unser Verein hat einen Bescheid über die Gemeinnützigkeit bekommen, den wir nicht "
        "verstehen. Können Sie ihn mit uns durchgehen?",
        day=-6,
        status=S.WAITING,
        assignee=BERND,
        due_in=10,
        municipality="Büdelsdorf",
        note="Bescheid als Kopie angefordert (Mail vom Vortag).",
    ),
    CaseSpec(
        INKE,
        "kinderschutz",
        "Wir brauchen ein Schutzkonzept für unsere Jugendfreizeit. Wo fangen wir an?",
        day=-9,
        status=S.IN_PROGRESS,
        assignee=JENS,
        due_in=-3,  # overdue
        association="directory",
        municipality="Eckernförde",
    ),
    CaseSpec(
        TORBEN,
        "versicherung",
        "Sind unsere Helferinnen und Helfer beim Dorffest über den Verein versichert?",
        day=8,
        advisor=BERND,
        format=PHONE,
        assignee=BERND,
        booked_by_staff=True,
        municipality="Hohenwestedt",
    ),
    CaseSpec(
        SWANTJE,
        "vorstand",
        "Unser Vorsitzender hört nach 20 Jahren auf. Wie finden wir eine Nachfolge?",
        day=-5,
        advisor=JENS,
        format=ON_SITE,
        status=S.IN_PROGRESS,
        assignee=JENS,
        due_in=2,
        association="directory",
        note="Vereinbart: Ablaufplan für die Übergabe schicken.",
    ),
    CaseSpec(
        GRETA,
        "digitalisierung",
        "Welche Software eignet sich für die Mitgliederverwaltung eines kleinen Vereins?",
        day=-12,
        advisor=ANJA,
        format=VIDEO,
        status=S.CLOSED,
        outcome=O.NO_SHOW,
        assignee=ANJA,
        no_show=True,
    ),
    CaseSpec(
        MALTE,
        "vereinsrecht",
        "Wie melden wir einen neuen Vorstand beim Vereinsregister an?",
        day=-3,
        advisor=JENS,
        format=VIDEO,
        status=S.CLOSED,
        outcome=O.CANCELLED,
        cancelled=True,
    ),
]

HISTORY_CONCERNS = [
    "Fragen zur Satzungsänderung",
    "Fragen zur Gemeinnützigkeit",
    "Fragen zur Ehrenamtspauschale",
    "Versicherung bei Vereinsfahrten",
    "Datenschutz bei der Mitgliederliste",
    "Antrag auf Fördermittel",
    "Neue Mitglieder für die Jugendabteilung",
    "Pressearbeit für das Vereinsjubiläum",
    "Online-Mitgliederversammlung",
    "Übergabe im Vorstand",
    "Schutzkonzept für Kinder und Jugendliche",
]


def load(options: DemoOptions) -> list[str]:
    today = timezone.localdate()
    advisers = {spec.email: _advisor(spec, today) for spec in ADVISERS}
    recut = sum(_reach_horizon(advisor, today) for advisor in advisers.values())
    people = _people()
    context = _Context(today=today, advisers=advisers, people=people)
    created = sum(_case(spec, context, key) for key, spec in enumerate(CASES))
    created += _history(context)
    lines = [f"{len(advisers)} advisers; slots re-cut for {recut} of them."]
    lines.append(f"{created} cases created ({AdviceRequest.objects.count()} in all).")
    return lines


# --- Advisers -------------------------------------------------------------------------------------


def _staff(email, first, last) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "is_staff": True}
    )
    if created:
        user.set_unusable_password()  # a demo colleague: shown, never logged in as
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name=BERATUNG))
    return user


def _advisor(spec: AdvisorSpec, today: date) -> Advisor:
    user = _staff(spec.email, spec.first_name, spec.last_name)
    advisor, created = Advisor.objects.get_or_create(
        user=user,
        defaults={
            "display_name": f"{spec.first_name} {spec.last_name}",
            "location": spec.location,
            "phone_instructions": "Wir rufen Sie zur vereinbarten Zeit unter Ihrer Nummer an.",
            "video_instructions": (
                "Den Link zum Videoraum bekommen Sie am Tag vor dem Termin per E-Mail."
            ),
        },
    )
    if created:
        advisor.topics.set(Topic.objects.filter(slug__in=spec.topics))
    if not advisor.availability.exists():
        WeeklyAvailability.objects.bulk_create(
            WeeklyAvailability(
                advisor=advisor,
                weekday=weekday,
                starts_at=time.fromisoformat(starts),
                ends_at=time.fromisoformat(ends),
                format=fmt,
                place=place,
            )
            for weekday, starts, ends, fmt, place in spec.week
        )
    if spec.absence_in_weeks and not advisor.absences.exists():
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=spec.absence_in_weeks)
        Absence.objects.create(
            advisor=advisor,
            starts_at=_at(monday, time.min),
            ends_at=_at(monday + timedelta(days=7), time.min),
            note="Urlaub",
        )
    return advisor


def _reach_horizon(advisor: Advisor, today: date) -> bool:
    """Re-cut the free slots only when they end before the horizon's last week."""
    last_week = today + timedelta(weeks=BookingRules.load().horizon_weeks, days=-6)
    if Slot.objects.filter(advisor=advisor, starts_at__gte=_at(last_week, time.min)).exists():
        return False
    slots.regenerate_slots(advisor=advisor)
    return True


# --- People and cases -----------------------------------------------------------------------------


def _people() -> dict[str, User]:
    people = {
        user.email: user for user in User.objects.filter(email__in=[VOLUNTEER, REPRESENTATIVE])
    }
    for email, first, last in PEOPLE:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people[email] = user
    return people


@dataclass
class _Context:
    today: date
    advisers: dict[str, Advisor]
    people: dict[str, User]
    _associations: list | None = None

    def staff(self, email):
        return self.advisers[email].user if email else None

    def associations(self) -> list[Association]:
        """A few published demo associations (none without the demo directory)."""
        if self._associations is None:
            self._associations = list(
                Association.objects.filter(status=Association.Status.PUBLISHED)
                .select_related("municipality")
                .order_by("slug")[:25]
            )
        return self._associations

    def association(self, which: str | None, index: int):
        if which == "anchor":
            return Association.objects.filter(slug=ANCHOR_ASSOCIATION).first()
        if which == "directory" and self.associations():
            return self.associations()[index % len(self.associations())]
        return None


def _rng(seed: str) -> random.Random:
    return random.Random(seed)  # noqa: S311 - the same demo on every machine, no secret


def _number(rng: random.Random) -> str:
    raw = "".join(rng.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=slots.LOCAL)


def _case(spec: CaseSpec, context: _Context, key: int) -> bool:
    """Create the case unless it exists; True if it was created."""
    requester = context.people.get(spec.requester)
    if requester is None:
        return False
    if spec.upcoming:
        # An appointment still ahead is kept; once it has passed, the next run books anew.
        # The reference numbers are drawn for the day: a second run that day draws the same.
        ahead = AdviceRequest.objects.filter(
            requester=requester, concern=spec.concern, slot__starts_at__gt=timezone.now()
        )
        rng = _rng(f"{SEED}:{key}:{context.today.isoformat()}")
        if ahead.exists():
            return False
    else:
        rng = _rng(f"{SEED}:{key}")
    number = _number(rng)
    while spec.upcoming and AdviceRequest.objects.filter(number=number).exists():
        number = _number(rng)  # the day's earlier booking has passed already: the next number
    if AdviceRequest.objects.filter(number=number).exists():
        return False
    slot = _slot_for(spec, context) if spec.is_appointment else None
    if spec.is_appointment and slot is None:
        return False  # the adviser has no free time then (cannot happen with the demo week)
    if spec.upcoming:
        created_at = timezone.now() - timedelta(days=2)
    elif slot is not None:
        created_at = slot.starts_at - timedelta(days=6)
    else:
        created_at = _at(context.today + timedelta(days=spec.day), time(10, 30))
    case = AdviceRequest.objects.create(
        number=number,
        kind=AdviceRequest.Kind.APPOINTMENT if slot else AdviceRequest.Kind.QUESTION,
        requester=requester,
        topic=Topic.objects.get(slug=spec.topic),
        format=spec.format,
        slot=slot,
        association=context.association(spec.association, key),
        municipality=Municipality.objects.filter(name=spec.municipality).first(),
        concern=spec.concern,
        phone="04331 123456" if spec.format == PHONE else "",
        consent_at=created_at,
        status=spec.status,
        outcome=spec.outcome,
        assignee=context.staff(spec.assignee),
        due_on=context.today + timedelta(days=spec.due_in) if spec.due_in is not None else None,
        cancelled_at=created_at + timedelta(days=1) if spec.cancelled else None,
        no_show=spec.no_show,
        booked_by_staff=spec.booked_by_staff,
        created_at=created_at,
    )
    _history_of(case, spec, context, created_at)
    return True


def _slot_for(spec: CaseSpec, context: _Context) -> Slot | None:
    advisor = context.advisers[spec.advisor]
    day = context.today + timedelta(days=spec.day)
    if spec.day > 0:
        return (
            slots.free_slots(
                topic=Topic.objects.get(slug=spec.topic),
                format=spec.format,
                advisor=advisor,
                start=day,
                days=21,
            )
            .order_by("starts_at")
            .first()
        )
    return _past_slot(advisor, day, spec.format)


def _past_slot(advisor: Advisor, day: date, fmt: str) -> Slot:
    rules = BookingRules.load()
    starts_at = _at(day, time(10))
    slot, _created = Slot.objects.get_or_create(
        advisor=advisor,
        starts_at=starts_at,
        defaults={
            "ends_at": starts_at + timedelta(minutes=rules.slot_minutes),
            "format": fmt,
            "place": advisor.location if fmt == ON_SITE else "",
        },
    )
    return slot


def _history_of(case: AdviceRequest, spec: CaseSpec, context: _Context, created_at) -> None:
    """The events the case would have had, and its internal note."""
    staff = context.staff(spec.assignee) or context.staff(BERND)
    actor = staff if spec.booked_by_staff else case.requester
    events = [CaseEvent(request=case, actor=actor, kind=CaseEvent.Kind.CREATED, at=created_at)]
    later = created_at + timedelta(hours=3)
    if case.assignee:
        events.append(
            CaseEvent(
                request=case,
                actor=staff,
                kind=CaseEvent.Kind.ASSIGNEE,
                new_value=str(case.assignee),
                at=later,
            )
        )
    if case.due_on:
        events.append(
            CaseEvent(
                request=case, actor=staff, kind=CaseEvent.Kind.DUE, new_value=case.due_on, at=later
            )
        )
    if spec.cancelled:
        events.append(
            CaseEvent(
                request=case,
                actor=case.requester,
                kind=CaseEvent.Kind.CANCELLED,
                at=case.cancelled_at,
            )
        )
    if spec.no_show:
        events.append(CaseEvent(request=case, actor=staff, kind=CaseEvent.Kind.NO_SHOW, at=later))
    if case.outcome and not spec.cancelled and not spec.no_show:
        events.append(
            CaseEvent(
                request=case,
                actor=staff,
                kind=CaseEvent.Kind.OUTCOME,
                new_value=case.outcome,
                at=later,
            )
        )
    if case.status != S.NEW:
        events.append(
            CaseEvent(
                request=case,
                actor=case.requester if spec.cancelled else staff,
                kind=CaseEvent.Kind.STATUS,
                old_value=S.NEW,
                new_value=case.status,
                at=case.cancelled_at or later,
            )
        )
    CaseEvent.objects.bulk_create(events)
    if spec.note:
        CaseNote.objects.create(request=case, author=staff, text=spec.note, created_at=later)


def _history(context: _Context) -> int:
    """Closed cases spread over the last twelve months, so the statistics have something."""
    rng = _rng(f"{SEED}:history")
    topics = list(Topic.objects.filter(active=True).order_by("order", "slug"))
    municipalities = list(Municipality.objects.order_by("name"))
    people = [context.people[email] for email, _first, _last in PEOPLE]
    outcomes = [O.ADVISED] * 5 + [O.REFERRED, O.FOLLOW_UP, O.FOLLOW_UP, O.NO_SHOW, O.CANCELLED]
    created = 0
    for index in range(HISTORY_CASES):
        # Every draw comes before the check below, so a second run draws the same sequence.
        topic = rng.choice(topics)
        days_ago = rng.randint(14, 360)
        appointment = rng.random() < 0.6
        outcome = rng.choice(outcomes)
        answer = rng.choice([O.ADVISED, O.REFERRED])
        fmt = rng.choice([ON_SITE, PHONE, VIDEO])
        place = rng.choice(municipalities) if municipalities and rng.random() < 0.8 else None
        with_association = rng.random() < 0.4
        requester = rng.choice(people)
        concern = HISTORY_CONCERNS[rng.randrange(len(HISTORY_CONCERNS))]
        number = _number(rng)
        if AdviceRequest.objects.filter(number=number).exists():
            continue
        advisors = [a for a in context.advisers.values() if topic.slug in _topic_slugs(a)]
        advisor = advisors[index % len(advisors)] if advisors else None
        created_at = _at(context.today - timedelta(days=days_ago), time(9, 15))
        slot = None
        if appointment and advisor is not None:
            slot = _past_slot(advisor, context.today - timedelta(days=days_ago - 7), fmt)
            if AdviceRequest.objects.filter(slot=slot, cancelled_at__isnull=True).exists():
                slot = None  # two cases drew the same morning: this one asked in writing
        case = AdviceRequest.objects.create(
            number=number,
            kind=AdviceRequest.Kind.APPOINTMENT if slot else AdviceRequest.Kind.QUESTION,
            requester=requester,
            topic=topic,
            format=fmt if slot else "",
            slot=slot,
            association=context.association("directory", index) if with_association else None,
            municipality=place,
            concern=concern,
            consent_at=created_at,
            status=S.CLOSED,
            outcome=outcome if slot else answer,
            assignee=advisor.user if advisor else None,
            cancelled_at=created_at + timedelta(days=2)
            if slot and outcome == O.CANCELLED
            else None,
            no_show=bool(slot) and outcome == O.NO_SHOW,
            created_at=created_at,
        )
        later = created_at + timedelta(days=8)
        actor = advisor.user if advisor else None
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    request=case, actor=requester, kind=CaseEvent.Kind.CREATED, at=created_at
                ),
                CaseEvent(
                    request=case,
                    actor=actor,
                    kind=CaseEvent.Kind.OUTCOME,
                    new_value=case.outcome,
                    at=later,
                ),
                CaseEvent(
                    request=case,
                    actor=actor,
                    kind=CaseEvent.Kind.STATUS,
                    old_value=S.NEW,
                    new_value=S.CLOSED,
                    at=later,
                ),
            ]
        )
        created += 1
    return created


def _topic_slugs(advisor: Advisor) -> set[str]:
    spec = next(spec for spec in ADVISERS if spec.email == advisor.user.email)
    return set(spec.topics)


register_demo_data(DemoData("Advice", load, order=40))
