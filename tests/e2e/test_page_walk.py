"""The page walk: every page a person can reach, at 320 px, without sideways scrolling
(WCAG 1.4.10 reflow) and with no axe-core violation.

WALK is the one list of pages. A feature that adds a page adds a Stop here: who opens it, where,
and – for pages that only appear after doing something (a form with errors, a notice after an
action) – what they do first. The walk fails if a page answers with another status than the
stop expects (a 404 or 500 is never a pass).

The volunteer has a long e-mail address and a long German name, and a second long address:
the notices, tables and lists that show them must wrap, not widen the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page as BrowserPage
from playwright.sync_api import Response

from advice.models import Slot
from advice.services import book_slot
from advice.slots import regenerate_slots
from infothek.services import remember_deadline
from newsletter import services as newsletter_services
from newsletter.models import Issue, Segment
from portal.models import Page
from tests.advice.factories import AdvisorFactory, AvailabilityFactory, topic
from tests.e2e.conftest import NARROW
from tests.e2e.infothek_content import GUIDE, NEWS, QUESTION, make_infothek_content
from tests.e2e.infothek_content import PROGRAMME as SOON_PROGRAMME
from tests.factories import PASSWORD, UserFactory
from tests.infothek.factories import ProgrammeFactory
from tests.network.factories import (
    AssociationFactory,
    MunicipalityFactory,
    OpportunityFactory,
    RepresentativeFactory,
)
from tests.trainings.factories import CourseFactory, VenueFactory, past_course
from tests.trainings.factories import topic as training_topic
from trainings.links import feedback_token
from trainings.models import Registration, Speaker
from trainings.services import issue_certificate, mark_attendance, register

# Long, with no hyphen to break at: 90+ characters of address in runs of 40+ letters.
LONG_EMAIL = "ehrenamtskoordinationfreiwilligenmanagement@kreisjugendfeuerwehrverbandrendsburg.de"
SECOND_EMAIL = (
    "zweiteadressefuerdievereinsarbeitundnachbarschaftshilfe@seniorenbeiratwesterroenfeld.de"
)
NEW_EMAIL = "neueadressefuerdieanmeldungzurfortbildungsreihe@ehrenamtsboersebuedelsdorf.de"
FIRST_NAME = "Anna-Katharina Friederike"
LAST_NAME = "Donaudampfschifffahrtsgesellschaftskapitänswitwe"

ASSOCIATION = "Jugendfeuerwehrförderverein Hohenwestedt und Umgebung von 1952"
OPPORTUNITY = "Jugendfeuerwehrwartstellvertreter:in für die Kinderfeuerwehrabteilung"
ADVISER = "Hauptamtliche Ehrenamtskoordinatorin Friederike Schleswig-Holsteinerin"
PROGRAMME = "Engagementförderung für Jugendfeuerwehrverbände im ländlichen Raum"
FUNDER = "Deutsche Stiftung für Engagement und Ehrenamt (Bundesstiftung)"
ISSUE = "Ehrenamtsförderungsrichtlinienänderungsbekanntmachung im Kreisgebiet"
COURSE = "Vereinsvorstandshaftungsrecht und Kassenprüfungsgrundsätze für Ehrenamtliche"
FULL_COURSE = "Kinderschutzkonzeptentwicklung in Jugendfeuerwehrabteilungen"
PAST_COURSE = "Öffentlichkeitsarbeitsgrundlagen mit kleinem Vereinsbudget"
VENUE = "Dorfgemeinschaftshaus Hohenwestedt-Land Süd, Mehrzweckraum im Obergeschoss"
ANONYMOUS = "anonymous"
VOLUNTEER = "volunteer"


@dataclass(frozen=True)
class Stop:
    """One page of the walk.

    url: a URL name (reversed with args) or a path starting with "/".
    who: ANONYMOUS, or VOLUNTEER (logged in through the login form first).
    then: what the person does on that page before the check; it returns the response of the
        page it leads to (the page that is then checked).
    status: the status the checked page must answer with.
    shows: text the checked page's main content must show (the notice an action leads to), so
        a stop cannot pass on a page its action never reached.
    """

    name: str
    url: str
    args: tuple = ()
    who: str = ANONYMOUS
    then: Callable[[BrowserPage, dict], Response | None] | None = None
    status: int = 200
    shows: str = ""

    def path(self, context: dict) -> str:
        if self.url.startswith("/"):
            return self.url
        args = [context[a[1:]] if str(a).startswith("$") else a for a in self.args]
        return reverse(self.url, args=args)


# The innermost elements that reach past the right edge: what to fix when a page scrolls.
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5)
  .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > innerWidth + 0.5))
  .slice(0, 5)
  .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} `
    + `(${Math.round(e.getBoundingClientRect().right)} px): `
    + e.textContent.trim().slice(0, 60))"""


def _submit(page: BrowserPage, selector: str = "main form button[type=submit]") -> Response:
    with page.expect_navigation() as navigation:
        page.locator(selector).first.click()
    return navigation.value


def _log_in(page: BrowserPage, context: dict) -> Response:
    page.fill("input[name=login]", context["email"])
    page.fill("input[name=password]", PASSWORD)
    return _submit(page)


def _sign_up_with_errors(page, context):
    page.fill("input[name=email]", LONG_EMAIL.replace("@", ""))
    page.fill("input[name=last_name]", LAST_NAME)
    return _submit(page)


def _sign_up(page, context):
    page.fill("input[name=email]", NEW_EMAIL)
    page.fill("input[name=first_name]", FIRST_NAME)
    page.fill("input[name=last_name]", LAST_NAME)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=privacy_consent]")
    return _submit(page)


def _request_password_reset(page, context):
    page.fill("input[name=email]", context["email"])
    return _submit(page)


def _report_barrier_with_errors(page, context):
    page.fill("input[name=email]", LONG_EMAIL.replace("@", ""))
    return _submit(page)


def _report_barrier(page, context):
    page.fill("textarea[name=description]", "Der Kontrast der Schaltflächen ist zu schwach.")
    page.fill("input[name=email]", context["email"])
    return _submit(page)


def _save_profile(page, context):
    return _submit(page)


def _add_address(page, context):
    page.fill("input[type=email][name=email]", NEW_EMAIL)
    return _submit(page, "button[name=action_add]")


def _resend_verification(page, context):
    page.check(f"input[type=radio][value='{SECOND_EMAIL}']")
    return _submit(page, "button[name=action_send]")


def _remove_address(page, context):
    page.check(f"input[type=radio][value='{SECOND_EMAIL}']")
    page.once("dialog", lambda dialog: dialog.accept())  # allauth asks "really remove?"
    return _submit(page, "button[name=action_remove]")


def _subscribe_with_errors(page, context):
    page.fill("input[name=email]", LONG_EMAIL.replace("@", ""))
    return _submit(page)


def _subscribe(page, context):
    page.fill("input[name=email]", NEW_EMAIL)
    page.check("input[name=segments] >> nth=0")
    page.check("input[name=consent]")
    return _submit(page)


def _change_password_with_errors(page, context):
    page.fill("input[name=oldpassword]", "falsch")
    return _submit(page)


def _reauthenticate(page, context):
    page.fill("input[name=password]", PASSWORD)
    return _submit(page)


def _remember_deadline(page, context):
    page.select_option("select[name=days_before]", "28")
    return _submit(page, "#frist-merken form button[type=submit]")


def _delete_account(page, context):
    page.check("input[name=confirm]")
    page.fill("input[name=password]", PASSWORD)
    return _submit(page)


# --- Infothek (issue 10); tests/e2e/test_infothek.py scans the same stops at desktop width.
INFOTHEK_WALK = [
    Stop("start page with news and deadlines", "home", shows=SOON_PROGRAMME),
    Stop("Infothek overview", "infothek:overview", shows=NEWS),
    Stop("guides filtered by topic", "/infothek/ratgeber/?topic=vereinsgruendung", shows=GUIDE),
    Stop(
        "guide with a table and a download",
        "infothek:guide",
        ("$guide",),
        shows="Mustersatzung",
    ),
    Stop("news list", "infothek:news", shows=NEWS),
    Stop("news item", "infothek:news_item", ("$news",), shows=NEWS),
    Stop("questions and answers", "infothek:faq", shows=QUESTION),
    Stop("Infothek search with results", "/infothek/suche/?q=Satzung", shows=GUIDE),
    Stop("Infothek search, nothing found", "/infothek/suche/?q=Quastenflosser&kind=news"),
    Stop("Infothek search, start", "infothek:search"),
]


def _register_for_course(page, context):
    page.fill("textarea[name=needs]", "Ich komme mit dem Rollstuhl.")
    return _submit(page, "main form button[type=submit].kern-btn--primary")


WALK = [
    # --- public pages
    Stop("start page", "home"),
    *[Stop(f"content page {slug}", "page", (slug,)) for slug in Page.Slug.values],
    Stop(
        "barrier report with errors",
        "page",
        ("barrierefreiheit",),
        then=_report_barrier_with_errors,
        shows="Was hat für Sie nicht funktioniert? – ",
    ),
    Stop(
        "barrier report sent (notice)",
        "page",
        ("barrierefreiheit",),
        then=_report_barrier,
        shows="Vielen Dank",
    ),
    Stop("unknown page", "/gibt-es-nicht/", status=404),
    # --- signing up and in
    Stop("login", "account_login"),
    Stop("signup", "account_signup"),
    Stop("signup with errors", "account_signup", then=_sign_up_with_errors, shows="Vorname – "),
    Stop("verification sent", "account_signup", then=_sign_up, shows=NEW_EMAIL),
    Stop(
        "confirm e-mail link",
        "account_confirm_email",
        ("$confirmation_key",),
        shows=SECOND_EMAIL,
    ),
    Stop("password reset", "account_reset_password"),
    Stop("password reset done", "account_reset_password", then=_request_password_reset),
    Stop("password reset link", "account_reset_password_from_key", ("$uidb36", "$reset_key")),
    Stop(
        "logged in: Mein Konto with the greeting",
        "account_login",
        then=_log_in,
        shows=f"{FIRST_NAME} {LAST_NAME}",
    ),
    # --- the volunteer's pages
    Stop("Mein Konto", "account_overview", who=VOLUNTEER),
    Stop("profile", "account_profile", who=VOLUNTEER),
    Stop(
        "profile saved (notice)",
        "account_profile",
        who=VOLUNTEER,
        then=_save_profile,
        shows="gespeichert",
    ),
    Stop("e-mail settings", "account_email", who=VOLUNTEER, shows=SECOND_EMAIL),
    Stop(
        "e-mail address added (notice)",
        "account_email",
        who=VOLUNTEER,
        then=_add_address,
        shows=f"an {NEW_EMAIL}",
    ),
    Stop(
        "verification re-sent (notice)",
        "account_email",
        who=VOLUNTEER,
        then=_resend_verification,
        shows=f"an {SECOND_EMAIL}",
    ),
    Stop(
        "e-mail address removed (notice)",
        "account_email",
        who=VOLUNTEER,
        then=_remove_address,
        shows=f"{SECOND_EMAIL} entfernt",
    ),
    Stop("password change", "account_change_password", who=VOLUNTEER),
    Stop(
        "password change with errors",
        "account_change_password",
        who=VOLUNTEER,
        then=_change_password_with_errors,
        shows="Aktuelles Passwort – ",
    ),
    Stop("two-factor overview", "mfa_index", who=VOLUNTEER),
    Stop("two-factor set-up", "mfa_activate_totp", who=VOLUNTEER),
    Stop("password again (reauthenticate)", "account_reauthenticate", who=VOLUNTEER),
    Stop(
        "password again, confirmed",
        "account_reauthenticate",
        who=VOLUNTEER,
        then=_reauthenticate,
    ),
    Stop("delete account", "account_delete", who=VOLUNTEER),
    Stop(
        "account deleted (notice)",
        "account_delete",
        who=VOLUNTEER,
        then=_delete_account,
        shows="gelöscht",
    ),
    Stop("log out", "account_logout", who=VOLUNTEER),
    Stop("admin as a volunteer", "/admin/", who=VOLUNTEER, status=403),
    # --- Vernetzung: the directory, its map and opportunities (issue 7)
    Stop("directory", "network:directory", shows=ASSOCIATION),
    Stop("directory searched", "/vereine/?q=Jugendfeuerwehr", shows=ASSOCIATION),
    Stop("directory, nothing found", "/vereine/?q=Quastenflosser", shows="0 Vereine"),
    Stop("directory map", "network:map", shows=ASSOCIATION),
    Stop("association page", "network:association", ("$association",), shows=ASSOCIATION),
    Stop("opportunities", "network:opportunities", shows=OPPORTUNITY),
    Stop("opportunity page", "network:opportunity", ("$opportunity",), shows=OPPORTUNITY),
    Stop("propose an association", "network:propose", who=VOLUNTEER),
    Stop("ask to represent", "network:claim", ("$association",), who=VOLUNTEER),
    Stop("Interesse melden", "network:interest", ("$opportunity",), who=VOLUNTEER),
    # --- Beratung (issue 8)
    Stop("advice overview", "advice:overview", shows="Vereinsrecht"),
    Stop("advice slots", "/beratung/termin/?topic=vereinsrecht", shows=ADVISER),
    Stop("book a slot", "advice:book", ("$slot",), who=VOLUNTEER, shows=ADVISER),
    Stop("written question", "advice:question", who=VOLUNTEER),
    Stop("Meine Beratungen", "advice:my_bookings", who=VOLUNTEER, shows="$number"),
    *INFOTHEK_WALK,
    # --- Infothek: Förderprogramme and Frist merken (issue 10)
    Stop(
        "programmes with filters",
        "/infothek/foerderprogramme/?topic=foerderung&within=8&funder=federal",
        shows=PROGRAMME,
    ),
    Stop(
        "programmes, nothing found",
        "/infothek/foerderprogramme/?topic=kinderschutz&within=2",
        shows="0 ",
    ),
    Stop("programme page", "infothek:programme", ("$programme",), shows=FUNDER),
    Stop(
        "programme page with my reminder",
        "infothek:programme",
        ("$programme",),
        who=VOLUNTEER,
        shows=PROGRAMME,
    ),
    Stop(
        "deadline remembered (notice)",
        "infothek:programme",
        ("$programme",),
        who=VOLUNTEER,
        then=_remember_deadline,
        shows=PROGRAMME,
    ),
    Stop("Meine Fristen", "infothek:my_reminders", who=VOLUNTEER, shows=PROGRAMME),
    # --- Newsletter (issue 11)
    Stop("newsletter sign-up", "newsletter:subscribe"),
    Stop(
        "newsletter sign-up with errors",
        "newsletter:subscribe",
        then=_subscribe_with_errors,
        shows="Themen – ",
    ),
    Stop("newsletter: check your inbox", "newsletter:subscribe", then=_subscribe),
    Stop("newsletter sign-up, logged in", "newsletter:subscribe", who=VOLUNTEER),
    Stop("newsletter confirm page", "newsletter:confirm", ("$newsletter_token",), shows=LONG_EMAIL),
    Stop(
        "newsletter unsubscribe page",
        "newsletter:unsubscribe",
        ("$newsletter_token",),
        shows=LONG_EMAIL,
    ),
    Stop("newsletter settings", "newsletter:manage", ("$newsletter_token",), shows=LONG_EMAIL),
    Stop("newsletter link no longer valid", "/newsletter/abmelden/falsch/", status=404),
    Stop("newsletter archive", "newsletter:archive", shows=ISSUE),
    Stop(
        "newsletter archive issue", "newsletter:archive_issue", ("$newsletter_issue",), shows=ISSUE
    ),
    Stop("Mein Konto: newsletter", "newsletter:my_newsletter", who=VOLUNTEER, shows=LONG_EMAIL),
    # --- Qualifizierung (issue 9)
    Stop(
        "training catalogue, filtered",
        "/fortbildungen/?q=Kassenpr%C3%BCfung&topic=finanzen&free=1&seats=1&format=on_site",
        shows=COURSE,
    ),
    Stop("training catalogue, nothing found", "/fortbildungen/?q=Quastenflosser"),
    Stop("course page", "trainings:course", ("$course",), shows=VENUE),
    Stop(
        "course page, seat confirmed",
        "trainings:course",
        ("$confirmed_course",),
        who=VOLUNTEER,
        shows=COURSE,
    ),
    Stop(
        "course page, waitlisted",
        "trainings:course",
        ("$full_course",),
        who=VOLUNTEER,
        shows=FULL_COURSE,
    ),
    Stop("register for a course", "trainings:register", ("$course",), who=VOLUNTEER),
    Stop(
        "registered for a course (notice)",
        "trainings:register",
        ("$course",),
        who=VOLUNTEER,
        then=_register_for_course,
        shows=VENUE,
    ),
    Stop(
        "cancel a training registration",
        "trainings:cancel",
        ("$registration",),
        who=VOLUNTEER,
        shows=COURSE,
    ),
    Stop(
        "leave a waiting list",
        "trainings:cancel",
        ("$waiting_registration",),
        who=VOLUNTEER,
        shows=FULL_COURSE,
    ),
    Stop("Meine Fortbildungen", "trainings:my_trainings", who=VOLUNTEER, shows=PAST_COURSE),
    Stop("course wish", "trainings:wish", who=VOLUNTEER),
    Stop("course feedback", "trainings:feedback", ("$feedback_token",), shows=PAST_COURSE),
    Stop("course feedback, invalid link", "/fortbildungen/feedback/ungueltig/", status=410),
    # --- Qualifizierung: the public check of a certificate (issue 9)
    Stop("certificate check", "trainings:verify"),
    Stop(
        "certificate check, unknown code",
        "/fortbildungen/bescheinigung/?code=ABCD-EFGH-JKLM",
        status=404,
        shows="ABCD-EFGH-JKLM",
    ),
    Stop("certificate check, bad code", "/fortbildungen/bescheinigung/?code=x", shows=" – "),
    Stop("certificate confirmed", "trainings:verify_code", ("$certificate",), shows=LAST_NAME),
]


def test_the_walk_names_each_page_once():
    names = [stop.name for stop in WALK]
    assert len(names) == len(set(names))


def _certificate_context(volunteer) -> dict:
    """A course the volunteer attended, with their certificate (its public check)."""
    from tests.trainings.factories import past_course
    from trainings.models import Registration
    from trainings.services import issue_certificate

    registration = Registration.objects.create(
        course=past_course(title="Datenschutz-Grundverordnungsumsetzungsworkshop für Vereine"),
        user=volunteer,
        status=Registration.Status.CONFIRMED,
        attendance=Registration.Attendance.ATTENDED,
    )
    return {"certificate": issue_certificate(registration=registration).code}


@pytest.fixture
def walk_context(transactional_db):
    """The volunteer with the long address and name, a second long address not yet confirmed,
    and the keys of the links the portal mails (confirmation, password reset)."""
    volunteer = UserFactory(email=LONG_EMAIL, first_name=FIRST_NAME, last_name=LAST_NAME)
    second = EmailAddress.objects.create(
        user=volunteer, email=SECOND_EMAIL, verified=False, primary=False
    )
    association = AssociationFactory(
        name=ASSOCIATION, municipality=MunicipalityFactory(name="Hohenwestedt-Land Süd")
    )
    RepresentativeFactory(association=association)
    opportunity = OpportunityFactory(association=association, title=OPPORTUNITY)
    advisor = AdvisorFactory(display_name=ADVISER)
    next_week = timezone.localdate() + timedelta(days=7)
    AvailabilityFactory(
        advisor=advisor, weekday=next_week.weekday(), starts_at=time(9), ends_at=time(12)
    )
    regenerate_slots(advisor=advisor)
    bookable = Slot.objects.filter(
        advisor=advisor, starts_at__gte=timezone.now() + timedelta(days=2)
    ).order_by("starts_at")
    booked_slot, free_slot = bookable[:2]
    booking = book_slot(user=volunteer, slot=booked_slot, topic=topic(), concern="Satzungsänderung")
    programme = ProgrammeFactory(
        title=PROGRAMME,
        funder=FUNDER,
        amount_min=500,
        amount_max=25000,
        own_contribution="Mindestens zehn Prozent Eigenanteil, auch als Arbeitsleistung",
        deadline=timezone.localdate() + timedelta(days=40),
    )
    remember_deadline(user=volunteer, programme=programme, days_before=14)
    subscription = newsletter_services.subscribe(
        email=volunteer.email, segments=Segment.objects.all(), user=volunteer
    )
    issue = Issue.objects.create(
        subject=ISSUE,
        body="## Fristen\n\nAnträge bis zum **31. Januar**: " + "https://" + "x" * 80 + ".de",
    )
    newsletter_services.start_sending(issue=issue)
    newsletter_services.fan_out(issue_id=issue.pk)
    trainings = _trainings(volunteer)
    return {
        **make_infothek_content(),
        "programme": programme.slug,
        "newsletter_token": subscription.token,
        "newsletter_issue": issue.pk,
        **trainings,
        **_certificate_context(volunteer),
        "slot": free_slot.pk,
        "number": booking.number,
        "association": association.slug,
        "opportunity": opportunity.pk,
        "email": volunteer.email,
        "confirmation_key": EmailConfirmationHMAC(second).key,
        "uidb36": user_pk_to_url_str(volunteer),
        "reset_key": default_token_generator.make_token(volunteer),
    }


def _trainings(volunteer) -> dict:
    """A course with a long title and venue, the volunteer's confirmed seat in another and a
    waiting place in a full one, an attended course of last week (certificate, feedback)."""
    venue = VenueFactory(
        name=VENUE,
        municipality=MunicipalityFactory(name="Hohenwestedt-Land Süd"),
        hearing_loop=True,
        accessibility_notes="Aufzug neben dem Haupteingang",
    )
    start = timezone.now().replace(microsecond=0) + timedelta(days=10)
    open_course = CourseFactory(
        title=COURSE,
        summary="Haftung, Kasse und Kassenprüfung: was ein Vorstand wissen muss.",
        topic=training_topic("finanzen"),
        venue=venue,
        what_to_bring="Satzung und letzter Kassenbericht",
        dates=[
            (start, start + timedelta(hours=3)),
            (start + timedelta(days=7), start + timedelta(days=7, hours=3)),
        ],
    )
    open_course.speakers.add(Speaker.objects.create(name=ADVISER, role="Steuerberaterin"))
    confirmed_course = CourseFactory(title=f"{COURSE} – Aufbaukurs", venue=venue)
    seat = register(course=confirmed_course, user=volunteer)
    full = CourseFactory(title=FULL_COURSE, capacity=1, format="online", venue=None)
    register(course=full, user=UserFactory())
    waiting = register(course=full, user=volunteer)
    held = past_course(title=PAST_COURSE, venue=venue)
    attended = Registration.objects.create(
        course=held, user=volunteer, status="confirmed", confirmed_at=timezone.now()
    )
    mark_attendance(registrations=[attended], attended=True)
    issue_certificate(registration=attended)
    return {
        "course": open_course.slug,
        "confirmed_course": confirmed_course.slug,
        "full_course": full.slug,
        "registration": seat.pk,
        "waiting_registration": waiting.pk,
        "feedback_token": feedback_token(attended),
    }


@pytest.mark.parametrize("stop", WALK, ids=[stop.name for stop in WALK])
def test_page_fits_320_px_and_passes_axe(page, live_server, assert_accessible, walk_context, stop):
    page.set_viewport_size(NARROW)
    if stop.who == VOLUNTEER:
        page.goto(live_server.url + reverse("account_login"))
        _log_in(page, walk_context)
        page.wait_for_url(live_server.url + reverse("account_overview"))
    response = page.goto(live_server.url + stop.path(walk_context))
    if stop.then is not None:
        assert response.status == 200, f"{stop.name}: the page to act on answered {response.status}"
        response = stop.then(page, walk_context)
    assert response is not None
    assert response.status == stop.status, f"{stop.name}: {response.status} at {page.url}"
    page.wait_for_load_state()
    if stop.shows:
        shows = walk_context[stop.shows[1:]] if stop.shows.startswith("$") else stop.shows
        assert shows in page.locator("main").inner_text(), f"{stop.name}: {page.url}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (
        f"{stop.name} scrolls sideways: {width} px at {page.url}\n"
        + "\n".join(page.evaluate(WIDEST))
    )
    assert_accessible(page, stop.name)


def test_text_is_hyphenated_in_the_page_language(page, live_server, transactional_db):
    """Long German words break with a hyphen where the browser has a dictionary for `lang`;
    addresses never get a hyphen that is not theirs."""
    page.set_viewport_size(NARROW)
    page.goto(live_server.url + reverse("page", args=["barrierefreiheit"]))
    assert page.locator("html").get_attribute("lang") == "de"
    style = "(selector) => getComputedStyle(document.querySelector(selector)).hyphens"
    assert page.evaluate(style, "main p") == "auto"
    assert page.evaluate(style, "main h1") == "auto"
    assert page.evaluate(style, "main a[href^='mailto:']") == "manual"
    assert page.evaluate(style, "footer a[href^='mailto:']") == "manual"
