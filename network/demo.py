"""Demo data of the network app: the county's real municipalities and Ämter, and a directory
of a few hundred invented associations across them.

The associations are built from the vocabulary in demo_data/associations.toml and the real
Gemeinden, with a fixed random seed: every machine gets the same directory, and a second run
changes nothing (entries are matched by their address, the slug). The benchmark of the
directory search (benchmarks/directory_search.py) uses the same generator for 20,000 entries.
"""

import random
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from portal.demo import DemoData, DemoOptions, register_demo_data

from . import services
from .models import (
    Association,
    AssociationChange,
    Category,
    ChangeRequest,
    Claim,
    Municipality,
    Opportunity,
    Representative,
)
from .municipality_import import import_municipalities

DATA = Path(__file__).resolve().parent / "data"
VOCABULARY = Path(__file__).resolve().parent / "demo_data" / "associations.toml"

SEED = 1867  # the demo directory is the same on every machine
DEMO_ASSOCIATIONS = 300
DEMO_OPPORTUNITIES = 40  # open ones, besides the representative's own and a few ended ones
REPRESENTATIVE_EMAIL = "verein@demo.kloormokers.de"  # created by accounts/demo.py (order 20)
# The association the demo representative account keeps current.
ANCHOR = ("sportverein", "Nortorf", "TSV Nortorf von 1867", "Trainer:in für die E-Jugend")
# People who represent, claim or propose entries in the demo (no password: they cannot log in).
DEMO_PEOPLE = [
    ("hauke.hansen@example.org", "Hauke", "Hansen"),
    ("birte.carstensen@example.org", "Birte", "Carstensen"),
    ("joern.petersen@example.org", "Jörn", "Petersen"),
    ("meike.thomsen@example.org", "Meike", "Thomsen"),
    ("soenke.jacobsen@example.org", "Sönke", "Jacobsen"),
    ("anke.friedrichsen@example.org", "Anke", "Friedrichsen"),
]

WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
ORDINALS = ["ersten", "zweiten", "dritten", "letzten"]
HOURS = ["15", "16", "17", "18", "18:30", "19", "19:30", "20"]
GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


# --- The generator -----------------------------------------------------------------------------


@dataclass
class OpportunitySpec:
    title: str
    description: str
    commitment: str
    hours: int | None
    remote: bool
    starts_in: int | None  # days from today (negative: in the past)
    ends_in: int | None


@dataclass
class AssociationSpec:
    """One generated entry; times are ages in days, applied when it is created."""

    kind: str
    name: str
    slug: str
    municipality: Municipality
    categories: list[str]
    description: str
    meeting_place: str
    meeting_times: str
    contact_name: str = ""
    email: str = ""
    website: str = ""
    latitude: float | None = None
    longitude: float | None = None
    seeks_volunteers: bool = False
    register_number: str = ""
    verified: bool = False
    created_days_ago: float = 0.0
    confirmed_days_ago: float = 0.0
    opportunities: list[OpportunitySpec] = field(default_factory=list)


@cache
def vocabulary() -> dict:
    with VOCABULARY.open("rb") as file:
        return tomllib.load(file)


def slug_for(name: str) -> str:
    return slugify(name.translate(GERMAN_LETTERS))[:200] or "verein"


def place_name(municipality: Municipality) -> str:
    """ "Ostenfeld (Rendsburg)" is "Ostenfeld" in a club's name."""
    return re.sub(r"\s*\(.*\)$", "", municipality.name)


def _adjective(name: str) -> str:
    """ "Nortorf" → "Nortorfer", "Rade b. Rendsburg" → "Rader"."""
    base = name.split(" b. ")[0]
    return base + ("r" if base.endswith("e") else "er")


def _size(municipality: Municipality) -> int:
    """3: town or without an Amt, 2: the seat of an Amt, 1: a village."""
    if municipality.kind == Municipality.Kind.TOWN or municipality.amt_id is None:
        return 3
    return 2 if municipality.amt.seat == municipality.name else 1


def _where(municipality: Municipality) -> str:
    if municipality.amt_id:
        return f"im Amt {municipality.amt.name}"
    if municipality.kind == Municipality.Kind.TOWN:
        return f"in der Stadt {place_name(municipality)}"
    return f"in der Gemeinde {place_name(municipality)}"


def _about(number: int) -> int:
    """Members are counted roughly: 23 → 25, 1377 → 1380; small groups exactly."""
    return number if number < 20 else round(number / 5) * 5


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " und " + items[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


class Generator:
    """Invented, plausible associations over the given municipalities, from a seed.

    With `ortsteile` (the benchmark), entries are also placed in invented Ortsteile, and names
    may repeat (their slugs get a number); without it, each name and each kind per Gemeinde
    occurs once.
    """

    def __init__(self, municipalities: list[Municipality], *, seed: int, ortsteile=False):
        self.rng = random.Random(seed)  # noqa: S311 - invented demo data, no secrets
        self.municipalities = sorted(municipalities, key=lambda m: m.name)
        self.kinds = vocabulary()["kind"]
        self.common = vocabulary()["common"]
        self.ortsteile = ortsteile
        self.slugs: set[str] = set()
        self.kind_places: set[tuple[str, int]] = set()
        self.register_numbers = 0
        by_amt: dict[int, list[Municipality]] = {}
        for municipality in self.municipalities:
            if municipality.amt_id:
                by_amt.setdefault(municipality.amt_id, []).append(municipality)
        self.neighbours = {
            m.pk: [n for n in by_amt.get(m.amt_id, []) if n.pk != m.pk] for m in self.municipalities
        }
        # Kinds for bigger places go anywhere if there are none (another county's data).
        self.places = {
            size: [m for m in self.municipalities if _size(m) >= size] or self.municipalities
            for size in (1, 2, 3)
        }
        weight = {1: 1, 2: 3, 3: 6}
        self.place_weights = {
            size: [weight[_size(m)] for m in places] for size, places in self.places.items()
        }
        self.parts_of = {m.pk: self._invented_ortsteile() for m in self.municipalities}

    def _invented_ortsteile(self) -> list[str]:
        if not self.ortsteile:
            return []
        words = vocabulary()
        names = set()
        for _ in range(self.rng.randint(2, 8)):
            prefix = self.rng.choice(words["ortsteil_prefixes"])
            stem = self.rng.choice(words["ortsteil_stems"])
            names.add(prefix + (stem.capitalize() if prefix.endswith(" ") else stem))
        return sorted(names)

    def kind(self, key: str) -> dict:
        return next(k for k in self.kinds if k["key"] == key)

    def associations(self, count: int) -> list[AssociationSpec]:
        specs = []
        weights = [k["weight"] for k in self.kinds]
        attempts = 0
        while len(specs) < count and attempts < count * 50:
            attempts += 1
            kind = self.rng.choices(self.kinds, weights)[0]
            size = kind["size"]
            municipality = self.rng.choices(self.places[size], self.place_weights[size])[0]
            spec = self.association(kind, municipality)
            if spec is not None:
                specs.append(spec)
        return specs

    def association(
        self, kind: dict, municipality: Municipality, name: str = ""
    ) -> AssociationSpec | None:
        rng = self.rng
        place = place_name(municipality)
        if self.ortsteile and self.parts_of[municipality.pk] and rng.random() < 0.6:
            place = rng.choice(self.parts_of[municipality.pk])
        elif not self.ortsteile and (kind["key"], municipality.pk) in self.kind_places:
            return None
        neighbours = self.neighbours[municipality.pk]
        patterns = [p for p in kind["names"] if neighbours or "{nachbar}" not in p]
        activities = kind.get("activities") or ["Gemeinschaft"]
        shown = rng.sample(activities, min(len(activities), rng.randint(2, 4)))
        values = {
            "ort": place,
            "orter": _adjective(place),
            "nachbar": place_name(rng.choice(neighbours)) if neighbours else "",
            "amt": _where(municipality),
            "jahr": rng.randint(*kind["years"]),
            "mitglieder": _about(rng.randint(*kind["members"])),
            "aktivitaeten": _listing(shown),
            "aktivitaet": rng.choice(activities),
            "kurz": kind["short"],
        }
        name = name or rng.choice(patterns).format(**values)
        slug = slug_for(name)
        if slug in self.slugs:
            if not self.ortsteile:
                return None
            number = 2
            while f"{slug}-{number}" in self.slugs:
                number += 1
            slug = f"{slug}-{number}"
        self.slugs.add(slug)
        self.kind_places.add((kind["key"], municipality.pk))

        meeting_place = rng.choice(kind["places"]).format(**values)
        meeting_times = self._meeting_times(rng.choice(kind["times"]))
        sentences = rng.sample(kind["descriptions"], min(len(kind["descriptions"]), 2))
        sentences += rng.sample(self.common, rng.randint(1, 2))
        # The member count is told once.
        counted = [s for s in sentences if "{mitglieder}" in s]
        sentences = [s for s in sentences if s not in counted[1:]]
        sentences.append(f"Treffpunkt: {meeting_place}, {meeting_times}.")
        description = " ".join(_sentence(s.format(**values)) for s in sentences)

        spec = AssociationSpec(
            kind=kind["key"],
            name=name,
            slug=slug,
            municipality=municipality,
            categories=list(kind["categories"]),
            description=description,
            meeting_place=meeting_place,
            meeting_times=meeting_times,
            seeks_volunteers=rng.random() < kind["seeks"],
            verified=rng.random() < 0.5,
        )
        if rng.random() < 0.6:
            spec.contact_name = rng.choice(kind["contacts"])
        if rng.random() < 0.55:
            spec.email = f"{slug[:48].strip('-')}@example.org"
        if rng.random() < 0.3:
            spec.website = f"https://example.org/{slug}/"
        if municipality.latitude is not None and rng.random() < 0.3:
            spec.latitude = round(municipality.latitude + rng.uniform(-0.012, 0.012), 5)
            spec.longitude = round(municipality.longitude + rng.uniform(-0.02, 0.02), 5)
        if rng.random() < 0.4:
            self.register_numbers += 1
            spec.register_number = f"VR {1000 + self.register_numbers * 7 + rng.randint(0, 6)} KI"
        # Most were confirmed within the year; a few are due to be asked again.
        spec.confirmed_days_ago = (
            rng.uniform(3, 355) if rng.random() < 0.93 else rng.uniform(370, 425)
        )
        spec.created_days_ago = spec.confirmed_days_ago + rng.uniform(0, 2000)
        return spec

    def _meeting_times(self, pattern: str) -> str:
        rng = self.rng
        first, second = sorted(rng.sample(range(5), 2))  # working days, in week order
        if "{wochentag}" in pattern and rng.random() < 0.3:
            first = rng.choice([5, 6])  # a weekend
        hour = rng.choice(HOURS)
        hours, _colon, minutes = hour.partition(":")
        later = f"{int(hours) + 2}" + (f":{minutes}" if minutes else "")
        return pattern.format(
            wochentags=WEEKDAYS[first].lower() + "s",
            wochentags2=WEEKDAYS[second].lower() + "s",
            wochentag=WEEKDAYS[first],
            ordinal=rng.choice(ORDINALS),
            uhr=hour,
            uhr2=later,
        )

    def opportunity(self, spec: AssociationSpec, template: dict, *, ended=False) -> OpportunitySpec:
        rng = self.rng
        days = template.get("days")
        if ended:
            starts_in, ends_in = -rng.randint(60, 120), -rng.randint(3, 50)
        elif template["commitment"] == "one-off":
            ends_in = days + rng.randint(-10, 10) if days else rng.randint(20, 90)
            starts_in = ends_in
        else:
            starts_in = -rng.randint(1, 60) if rng.random() < 0.5 else None
            ends_in = rng.randint(120, 365) if rng.random() < 0.5 else None
        return OpportunitySpec(
            title=template["title"],
            description=template["description"],
            commitment=template["commitment"],
            hours=template.get("hours"),
            remote=template.get("remote", False),
            starts_in=starts_in,
            ends_in=ends_in,
        )

    def add_opportunities(self, specs: list[AssociationSpec], count: int, *, ended=0) -> None:
        """`count` open opportunities (and `ended` past ones) for entries whose kind has some."""
        candidates = [s for s in specs if self.kind(s.kind).get("opportunity")]
        chosen = self.rng.sample(candidates, min(len(candidates), count + ended))
        for number, spec in enumerate(chosen):
            template = self.rng.choice(self.kind(spec.kind)["opportunity"])
            spec.opportunities.append(self.opportunity(spec, template, ended=number >= count))
            spec.seeks_volunteers = spec.seeks_volunteers or number < count


# --- Writing it --------------------------------------------------------------------------------


def association_rows(
    specs: list[AssociationSpec], *, now, status=Association.Status.PUBLISHED
) -> list[Association]:
    return [
        Association(
            name=s.name,
            slug=s.slug,
            status=status,
            description=s.description,
            municipality=s.municipality,
            meeting_place=s.meeting_place,
            meeting_times=s.meeting_times,
            contact_name=s.contact_name,
            email=s.email,
            website=s.website,
            latitude=s.latitude,
            longitude=s.longitude,
            seeks_volunteers=s.seeks_volunteers,
            register_number=s.register_number,
            verified=s.verified,
            last_confirmed_at=now - timedelta(days=s.confirmed_days_ago),
            created_at=now - timedelta(days=s.created_days_ago),
        )
        for s in specs
    ]


def category_rows(specs: list[AssociationSpec], ids: dict[str, int]) -> list:
    """Through-table rows; `ids` maps slugs to the created associations' primary keys."""
    through = Association.categories.through
    categories = {c.slug: c.pk for c in Category.objects.all()}
    fallback = categories.get("sonstiges")
    rows = []
    for spec in specs:
        chosen = [categories[c] for c in spec.categories if c in categories] or [fallback]
        rows += [
            through(association_id=ids[spec.slug], category_id=c) for c in chosen if c is not None
        ]
    return rows


def load_municipalities(options: DemoOptions) -> list[str]:
    report = import_municipalities(
        municipalities=DATA / "municipalities.csv", amter=DATA / "amter.csv"
    )
    return [
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged (municipalities and Ämter)."
    ]


def demo_specs(municipalities: list[Municipality]) -> list[AssociationSpec]:
    """The demo directory: the representative's association first, then the generated ones."""
    generator = Generator(municipalities, seed=SEED)
    specs = []
    kind, place, name, title = ANCHOR
    anchor_place = next((m for m in municipalities if m.name == place), None)
    if anchor_place is not None:
        anchor = generator.association(generator.kind(kind), anchor_place, name=name)
        template = next(o for o in generator.kind(kind)["opportunity"] if o["title"] == title)
        anchor.opportunities.append(generator.opportunity(anchor, template))
        anchor.seeks_volunteers = True
        specs.append(anchor)
    generated = generator.associations(DEMO_ASSOCIATIONS - len(specs))
    generator.add_opportunities(generated, DEMO_OPPORTUNITIES, ended=3)
    return specs + generated


def load_associations(options: DemoOptions) -> list[str]:
    municipalities = list(Municipality.objects.select_related("amt"))
    if not municipalities:
        return ["No municipalities: no demo associations."]
    specs = demo_specs(municipalities)
    existing = set(
        Association.objects.filter(slug__in=[s.slug for s in specs]).values_list("slug", flat=True)
    )
    new = [s for s in specs if s.slug not in existing]
    taken = set(Association.objects.exclude(register_number="").values_list("register_number"))
    for spec in new:
        if (spec.register_number,) in taken:  # e.g. a real entry imported before
            spec.register_number = ""
    now = timezone.now()
    Association.objects.bulk_create(association_rows(new, now=now))
    ids = dict(Association.objects.filter(slug__in=[s.slug for s in new]).values_list("slug", "pk"))
    Association.categories.through.objects.bulk_create(category_rows(new, ids))
    people = _demo_people()
    opportunities = _opportunities(new, ids, now=now)
    states = _moderation_states(new, ids, people, now=now) if new else {}
    representative = _demo_representative(specs[0].slug if specs else "")
    services.refresh_search_vector(association_ids=list(ids.values()))
    for opportunity in Opportunity.objects.filter(pk__in=opportunities).select_related(
        "association"
    ):
        services.refresh_opportunity_search_vector(opportunity=opportunity)
    lines = [
        f"{len(new)} associations created, {len(existing)} existed already; "
        f"{len(opportunities)} opportunities created."
    ]
    if states:
        lines.append(", ".join(f"{count} {what}" for what, count in states.items()) + ".")
    if representative:
        lines.append(representative)
    return lines


def _demo_people() -> list:
    user_model = get_user_model()
    people = []
    for email, first, last in DEMO_PEOPLE:
        person, created = user_model.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        people.append(person)
    return people


def _opportunities(specs: list[AssociationSpec], ids: dict[str, int], *, now) -> list[int]:
    today = timezone.localdate()
    categories = {c.slug: c.pk for c in Category.objects.all()}
    rng = random.Random(SEED)  # noqa: S311 - invented demo data, no secrets
    rows = [
        Opportunity(
            association_id=ids[spec.slug],
            title=o.title,
            description=o.description,
            commitment=o.commitment,
            hours_per_month=o.hours,
            place=spec.meeting_place,
            remote=o.remote,
            municipality=spec.municipality,
            category_id=categories.get(spec.categories[0]),
            starts_on=None if o.starts_in is None else today + timedelta(days=o.starts_in),
            ends_on=None if o.ends_in is None else today + timedelta(days=o.ends_in),
            created_at=now - timedelta(days=rng.uniform(1, 50)),
        )
        for spec in specs
        for o in spec.opportunities
    ]
    Opportunity.objects.bulk_create(rows)
    return list(
        Opportunity.objects.filter(association_id__in=ids.values()).values_list("pk", flat=True)
    )


def _moderation_states(specs, ids, people, *, now) -> dict[str, int]:
    """Something for the office to moderate: proposals, hidden entries, claims, change requests,
    and representatives who keep a few entries current."""
    rng = random.Random(SEED)  # noqa: S311 - invented demo data, no secrets
    candidates = [s for s in specs[1:] if not s.opportunities]  # not the representative's
    if len(candidates) < 20:
        return {}
    chosen = rng.sample(candidates, 20)
    proposed, hidden, stale, represented, claimed = (
        chosen[:4],
        chosen[4:7],
        chosen[7:9],
        chosen[9:15],
        chosen[15:18],
    )
    Status, Reason, Source = Association.Status, Association.HiddenReason, AssociationChange.Source
    history = []
    for number, spec in enumerate(proposed):
        person = people[number % len(people)]
        Association.objects.filter(pk=ids[spec.slug]).update(
            status=Status.PROPOSED,
            created_by=person,
            verified=False,
            register_number="",
            last_confirmed_at=None,
            created_at=now - timedelta(days=rng.uniform(1, 20)),
        )
        history.append(
            AssociationChange(
                association_id=ids[spec.slug],
                changed_by=person,
                source=Source.REPRESENTATIVE,
                field="proposed",
                new_value=spec.name,
            )
        )
    Association.objects.filter(pk__in=[ids[s.slug] for s in hidden]).update(
        status=Status.HIDDEN, hidden_reason=Reason.STAFF
    )
    Association.objects.filter(pk__in=[ids[s.slug] for s in stale]).update(
        status=Status.HIDDEN,
        hidden_reason=Reason.STALE,
        last_confirmed_at=now - timedelta(days=430),
        confirmation_requested_at=now - timedelta(days=60),
    )
    # Asked to confirm, the answer still open (within the grace period).
    due = [
        ids[s.slug]
        for s in specs[1:]
        if s.confirmed_days_ago > 365 and s not in chosen and not s.opportunities
    ]
    Association.objects.filter(pk__in=due[::2]).update(
        confirmation_requested_at=now - timedelta(days=10)
    )
    for number, spec in enumerate(represented):
        person = people[number % len(people)]
        Representative.objects.create(association_id=ids[spec.slug], user=person)
        history.append(
            AssociationChange(
                association_id=ids[spec.slug],
                changed_by=person,
                source=Source.STAFF,
                field="representative",
                new_value=person.get_full_name(),
            )
        )
    categories = {c.slug: c.pk for c in Category.objects.all()}
    change_requests = [
        ChangeRequest(
            association_id=ids[represented[0].slug],
            requested_by=people[0],
            changes={"name": f"{represented[0].name} e. V."},
        ),
        ChangeRequest(
            association_id=ids[represented[1].slug],
            requested_by=people[1],
            changes={
                "categories": sorted(
                    {categories[c] for c in represented[1].categories if c in categories}
                    | {categories.get("kinder-jugend") or categories.get("sonstiges")}
                )
            },
        ),
        ChangeRequest(
            association_id=ids[represented[2].slug],
            requested_by=people[2],
            changes={"municipality": _neighbour(represented[2].municipality).pk},
        ),
    ]
    ChangeRequest.objects.bulk_create(change_requests)
    claims = [
        Claim(
            association_id=ids[spec.slug],
            user=people[3 + number % 3],
            message=message,
        )
        for number, (spec, message) in enumerate(
            zip(
                claimed,
                [
                    "Ich bin seit dem Frühjahr im Vorstand und möchte den Eintrag pflegen.",
                    "Ich bin die neue Schriftführerin.",
                    "",
                ],
                strict=True,
            )
        )
    ]
    Claim.objects.bulk_create(claims)
    AssociationChange.objects.bulk_create(history)
    return {
        "proposed": len(proposed),
        "hidden by the office": len(hidden),
        "hidden as not confirmed": len(stale),
        "asked to confirm": len(due[::2]),
        "with representatives": len(represented),
        "change requests": len(change_requests),
        "claims": len(claims),
    }


def _demo_representative(slug: str) -> str:
    """The demo account verein@… represents the first association (again, if it stepped down)."""
    user = get_user_model().objects.filter(email=REPRESENTATIVE_EMAIL).first()
    association = Association.objects.filter(slug=slug).first()
    if user is None or association is None:
        return ""
    _representative, created = Representative.objects.get_or_create(
        association=association, user=user
    )
    if created:
        AssociationChange.objects.create(
            association=association,
            changed_by=user,
            source=AssociationChange.Source.STAFF,
            field="representative",
            new_value=user.get_full_name(),
        )
        Opportunity.objects.filter(association=association, created_by=None).update(created_by=user)
    return f"{REPRESENTATIVE_EMAIL} represents {association.name}."


def _neighbour(municipality: Municipality) -> Municipality:
    """Another Gemeinde of the same Amt (an entry "moving" there), else any other one."""
    others = Municipality.objects.exclude(pk=municipality.pk).order_by("name")
    return others.filter(amt_id=municipality.amt_id).first() or others.first()


register_demo_data(DemoData("Municipalities", load_municipalities, order=10))
register_demo_data(DemoData("Associations", load_associations, order=30))
