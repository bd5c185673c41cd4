"""Booking a slot and asking a written question on the site: login on the way keeps the chosen
slot, the form's rules, the person's limit, the lost race, the confirmation page and its
calendar file; and who may open which page."""

import re
from html import unescape
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from icalendar import Calendar

from advice import services
from advice.models import AdviceRequest, Format
from mailings.models import Email
from network.models import Association
from tests.advice.factories import topic
from tests.advice.helpers import BERLIN, adviser, beratung_staff, book, bookable_monday, slot_at
from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.helpers import first_link
from tests.network.factories import (
    AssociationFactory,
    MunicipalityFactory,
    RepresentativeFactory,
)

LOGIN = reverse("account_login")


def _text(response) -> str:
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _book_url(slot, topic_slug="vereinsrecht") -> str:
    return f"{reverse('advice:book', args=[slot.pk])}?topic={topic_slug}"


@pytest.fixture
def bernd(db):
    return adviser(name="Bernd Berater", topics=[topic(), topic("steuern")])


@pytest.fixture
def slot(bernd):
    return slot_at(bernd, bookable_monday(), 9)


def _form(**values) -> dict:
    return {
        "topic": topic().pk,
        "concern": "Wir möchten unsere Satzung an das neue Vereinsrecht anpassen.",
        "consent": "on",
        **values,
    }


# --- Logging in or signing up on the way keeps the slot ---------------------------------------


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in_with_the_slot_kept(client, slot):
    response = client.get(_book_url(slot))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{LOGIN}?next={reverse('advice:book', args=[slot.pk])}%3Ftopic%3Dvereinsrecht"
    )


@pytest.mark.django_db
def test_logging_in_on_the_way_returns_to_the_chosen_slot(client, slot, user):
    login_page = client.get(client.get(_book_url(slot))["Location"])
    assert f'value="{_book_url(slot)}"' in login_page.content.decode()
    response = client.post(
        LOGIN, {"login": user.email, "password": PASSWORD, "next": _book_url(slot)}
    )
    assert response["Location"] == _book_url(slot)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "09:00–09:45 Uhr, vor Ort, Bernd Berater" in _text(page)


@pytest.mark.django_db
def test_signing_up_and_confirming_the_address_returns_to_the_chosen_slot(
    client, slot, mailoutbox, django_capture_on_commit_callbacks
):
    login_page = client.get(client.get(_book_url(slot))["Location"]).content.decode()
    signup_url = unescape(re.findall(r'href="([^"]*/signup/\?next=[^"]+)"', login_page)[0])
    signup_page = client.get(signup_url).content.decode()
    assert f'name="next" value="{_book_url(slot)}"' in signup_page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signup_url,
            {
                "email": "nina@beispiel.de",
                "first_name": "Nina",
                "last_name": "Neu",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "privacy_consent": "on",
                "next": _book_url(slot),
            },
        )
    confirm = urlparse(first_link(mailoutbox[-1].body)).path
    response = client.post(confirm)
    assert response["Location"] == _book_url(slot)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_book_url(slot), _form())
    booking = AdviceRequest.objects.get(requester__email="nina@beispiel.de")
    assert response["Location"] == reverse("advice:booked", args=[booking.number])
    assert booking.slot == slot


# --- The form ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_topic_is_preselected_and_only_the_advisers_topics_are_offered(client, slot, user):
    client.force_login(user)
    html = client.get(_book_url(slot, "steuern")).content.decode()
    select = html.split('name="topic"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{topic("steuern").pk}" selected>' in select
    assert "Vereinsrecht &amp; Satzung" in select
    assert "Fördermittel" not in select


@pytest.mark.django_db
def test_a_topic_the_adviser_does_not_offer_is_refused(client, slot, user):
    client.force_login(user)
    response = client.post(_book_url(slot), _form(topic=topic("foerdermittel").pk))
    assert response.status_code == 200
    assert "Bitte wählen Sie ein Thema aus der Liste." in _text(response)
    assert not AdviceRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"concern": ""}, "Bitte beschreiben Sie Ihr Anliegen"),
        ({"concern": "x" * 3001}, "höchstens 3000 Zeichen (er hat 3001)"),
        ({"consent": ""}, "Bitte stimmen Sie zu"),
        ({"topic": ""}, "Bitte wählen Sie ein Thema."),
        ({"topic": "abc"}, "Bitte wählen Sie ein Thema aus der Liste."),
        ({"topic": "99999999999999999999"}, "Bitte wählen Sie ein Thema aus der Liste."),
        ({"phone": "bitte anrufen"}, "nur mit Ziffern"),
        ({"association": "abc"}, "Bitte wählen Sie einen Verein aus der Liste."),
        ({"municipality": "99999999999999999999"}, "Gemeinde"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_a_form_error_is_named_and_the_text_kept(client, slot, user, values, message):
    client.force_login(user)
    data = _form(**{"concern": "Mein Anliegen bleibt stehen.", **values})
    response = client.post(_book_url(slot), data)
    assert response.status_code == 200
    text = _text(response)
    assert "Bitte korrigieren Sie die folgenden Angaben" in text
    assert message in text
    if "concern" not in values:
        assert "Mein Anliegen bleibt stehen." in response.content.decode()
    assert not AdviceRequest.objects.exists()


@pytest.mark.django_db
def test_a_phone_appointment_needs_a_number_and_others_do_not(client, user):
    phone_adviser = adviser(name="Tanja Telefon", format="phone")
    by_phone = slot_at(phone_adviser, bookable_monday(), 9)
    client.force_login(user)
    response = client.post(_book_url(by_phone), _form())
    assert "Bitte geben Sie die Nummer an" in _text(response)
    response = client.post(_book_url(by_phone), _form(phone="04331 / 123-456"))
    assert response.status_code == 302
    assert AdviceRequest.objects.get().phone == "04331 / 123-456"


@pytest.mark.django_db
def test_the_phone_is_prefilled_from_the_profile(client, slot):
    person = UserFactory(phone="0151 2345678")
    client.force_login(person)
    assert 'value="0151 2345678"' in client.get(_book_url(slot)).content.decode()


@pytest.mark.django_db
def test_booking_records_the_case_and_shows_the_reference_number(
    client, slot, user, mailoutbox, django_capture_on_commit_callbacks
):
    place = MunicipalityFactory(name="Hohn", amt__name="Hohner Harde")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_book_url(slot), _form(municipality=place.pk))
    booking = AdviceRequest.objects.get()
    assert response["Location"] == reverse("advice:booked", args=[booking.number])
    assert (booking.requester, booking.slot, booking.topic) == (user, slot, topic())
    assert booking.municipality == place
    assert booking.consent_at is not None
    assert booking.format == Format.ON_SITE
    page = client.get(response["Location"])
    text = _text(page)
    assert f"Ihre Terminnummer ist {booking.number}." in text
    assert "09:00–09:45 Uhr" in text
    assert "Vor Ort – Kaiserstraße 8, 24768 Rendsburg" in text
    assert "So geht es weiter" in text
    assert reverse("advice:calendar", args=[booking.number]) in page.content.decode()
    assert {m.to[0] for m in mailoutbox} == {user.email, slot.advisor.user.email}


@pytest.mark.django_db
def test_the_municipality_select_is_grouped_by_amt(client, slot, user):
    MunicipalityFactory(name="Hohn", amt__name="Hohner Harde")
    client.force_login(user)
    html = client.get(_book_url(slot)).content.decode()
    assert '<optgroup label="Amt Hohner Harde">' in html


# --- The association: own ones in the select, others by search ---------------------------------


@pytest.mark.django_db
def test_the_associations_i_represent_are_offered_and_others_found_by_search(client, slot, user):
    mine = RepresentativeFactory(user=user, association__name="Heimatverein Westensee").association
    other = AssociationFactory(name="Shantychor Hohn", municipality__name="Hohn")
    AssociationFactory(name="Shantychor Geheim", status=Association.Status.HIDDEN)
    client.force_login(user)
    html = client.get(_book_url(slot)).content.decode()
    assert f'<option value="{mine.pk}">Heimatverein Westensee</option>' in html
    assert "Shantychor" not in html

    data = _form(concern="Noch nicht fertig", association_search="Shanty", find_association="1")
    response = client.post(_book_url(slot), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" not in html  # searching is not sending
    assert f'<option value="{other.pk}">Shantychor Hohn (Hohn)</option>' in html
    assert "Shantychor Geheim" not in html
    assert "1 Verein gefunden" in _text(response)
    assert "Noch nicht fertig" in html
    assert not AdviceRequest.objects.exists()

    response = client.post(
        _book_url(slot), _form(association=other.pk, association_search="Shanty")
    )
    assert response.status_code == 302
    assert AdviceRequest.objects.get().association == other


@pytest.mark.django_db
def test_a_hidden_association_cannot_be_posted(client, slot, user):
    hidden = AssociationFactory(status=Association.Status.HIDDEN)
    client.force_login(user)
    response = client.post(_book_url(slot), _form(association=hidden.pk))
    assert "Bitte wählen Sie einen Verein aus der Liste." in _text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["Shanty\x00", "\x00", "x" * 5000, "&|!:*()'\"\\", "<b>"])
def test_a_hostile_association_search_is_harmless(client, slot, user, text):
    client.force_login(user)
    data = _form(association_search=text, find_association="1")
    assert client.post(_book_url(slot), data).status_code == 200
    data = _form(association_search=text)
    assert client.post(_book_url(slot), data).status_code in (200, 302)


@pytest.mark.django_db
def test_a_search_without_matches_says_so(client, slot, user):
    client.force_login(user)
    data = _form(association_search="Gibtsnichtverein", find_association="1")
    assert "Kein veröffentlichter Verein passt" in _text(client.post(_book_url(slot), data))


@pytest.mark.django_db
def test_the_booking_form_needs_the_same_queries_for_few_and_many_associations(
    client, slot, user, django_assert_num_queries
):
    client.force_login(user)
    data = _form(association_search="Sportverein", find_association="1")
    client.post(_book_url(slot), data)  # warm up the caches (site configuration, rules)
    # session, user, the slot, its bookability (booked, absent, daily cap), the adviser's
    # topics, the person's associations, the search (and the spelling of its words), the
    # municipalities, open bookings
    with django_assert_num_queries(12) as few:
        client.post(_book_url(slot), data)
    for n in range(60):
        AssociationFactory(name=f"Sportverein {n}")
        if n % 10 == 0:
            RepresentativeFactory(user=user, association__name=f"Mein Sportverein {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.post(_book_url(slot), data)


# --- The person's limit and the lost race ------------------------------------------------------


@pytest.mark.django_db
def test_too_many_open_bookings_is_explained_and_nothing_is_lost(client, bernd, user):
    monday = bookable_monday()
    book(user, slot_at(bernd, monday, 9))
    book(user, slot_at(bernd, monday, 10))
    third = slot_at(bernd, monday, 11)
    client.force_login(user)
    assert "Sie haben bereits 2 offene Termine." in _text(client.get(_book_url(third)))
    response = client.post(_book_url(third), _form(concern="Mein dritter Wunsch"))
    assert response.status_code == 200
    assert "Sie haben bereits 2 offene Termine." in _text(response)
    assert "Mein dritter Wunsch" in response.content.decode()
    assert AdviceRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_slot_taken_meanwhile_leads_to_the_next_free_slots_with_a_message(
    client, slot, user, other_user
):
    client.force_login(user)
    assert client.get(_book_url(slot)).status_code == 200
    book(other_user, slot)  # someone else was quicker
    response = client.post(_book_url(slot), _form(), follow=True)
    assert response.redirect_chain[0][0] == (
        f"{reverse('advice:slots')}?topic=vereinsrecht&start={bookable_monday().isoformat()}"
    )
    text = _text(response)
    assert (
        "Dieser Termin wurde leider gerade vergeben. Hier sind die nächsten freien Zeiten." in text
    )
    assert "10:00–10:45 Uhr" in text  # the next free time is offered
    assert AdviceRequest.objects.get().requester == other_user


@pytest.mark.django_db
def test_the_loser_of_a_race_inside_the_service_gets_the_message_and_the_next_slots(
    client, slot, user, other_user, monkeypatch
):
    """The view's own check passed, the service found the slot taken (the race itself is in
    test_booking_race.py)."""
    client.force_login(user)
    book(other_user, slot)
    monkeypatch.setattr("advice.views.booking.is_bookable", lambda slot: True)
    response = client.post(_book_url(slot), _form(), follow=True)
    text = _text(response)
    assert (
        "Dieser Termin wurde leider gerade vergeben. Hier sind die nächsten freien Zeiten." in text
    )
    assert "10:00–10:45 Uhr" in text
    assert AdviceRequest.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("slot_id", [0, 987654, 2**63 - 1, 2**63, 10**30])
def test_an_unknown_slot_leads_back_to_the_picker(client, user, slot_id):
    client.force_login(user)
    response = client.get(reverse("advice:book", args=[slot_id]) + "?topic=vereinsrecht")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('advice:slots')}?topic=vereinsrecht"


@pytest.mark.django_db
def test_a_hostile_topic_parameter_on_the_booking_page_is_harmless(client, slot, user):
    client.force_login(user)
    response = client.get(reverse("advice:book", args=[slot.pk]) + "?topic=%00%3Cscript%3E")
    assert response.status_code == 200


# --- Confirmation page and calendar file ------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_file_is_the_appointment_in_berlin_time(client, slot, user):
    booking = book(user, slot)
    client.force_login(user)
    response = client.get(reverse("advice:calendar", args=[booking.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="termin-{booking.number}.ics"'
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Berlin"
    assert start.dt == slot.starts_at.astimezone(BERLIN)
    assert start.dt.hour == 9


@pytest.mark.django_db
def test_the_confirmation_page_of_a_cancelled_booking_says_so(client, slot, user):
    booking = book(user, slot)
    services.cancel_booking(booking=booking, actor=user)
    client.force_login(user)
    text = _text(client.get(reverse("advice:booked", args=[booking.number])))
    assert "Ihr abgesagter Termin" in text
    assert "Dieser Termin ist abgesagt." in text
    assert "Termin absagen" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["advice:booked", "advice:calendar"])
def test_someone_elses_booking_is_not_found(client, slot, user, other_user, name):
    booking = book(user, slot)
    for person in (other_user, beratung_staff(), StaffFactory()):
        client.force_login(person)
        assert client.get(reverse(name, args=[booking.number])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["ABCD-EFGH", "abcd", "A" * 500, "ABCD-EFG%00", "--"])
def test_a_made_up_number_is_not_found(client, user, number):
    client.force_login(user)
    assert client.get(f"/beratung/bestaetigt/{number}/").status_code == 404


# --- The written question ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_written_question_becomes_a_case_and_is_acknowledged(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(user)
    html = client.get(reverse("advice:question") + "?topic=steuern").content.decode()
    assert f'<option value="{topic("steuern").pk}" selected>' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("advice:question"),
            _form(topic=topic("steuern").pk, concern="Dürfen wir Spendenquittungen ausstellen?"),
        )
    case = AdviceRequest.objects.get()
    assert response["Location"] == reverse("advice:question_sent", args=[case.number])
    assert (case.kind, case.requester, case.slot) == (AdviceRequest.Kind.QUESTION, user, None)
    assert case.concern == "Dürfen wir Spendenquittungen ausstellen?"
    text = _text(client.get(response["Location"]))
    assert f"Ihre Terminnummer ist {case.number}." in text
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert Email.objects.get().template == "emails/advice/question_received"


@pytest.mark.django_db
def test_a_question_without_text_or_consent_is_named(client, user):
    client.force_login(user)
    response = client.post(reverse("advice:question"), {"topic": topic().pk})
    text = _text(response)
    assert "Bitte beschreiben Sie Ihr Anliegen" in text
    assert "Bitte stimmen Sie zu" in text
    assert not AdviceRequest.objects.exists()


@pytest.mark.django_db
def test_questions_are_rate_limited_per_person(client, user):
    client.force_login(user)
    for _ in range(5):
        client.post(reverse("advice:question"), _form())
    response = client.post(reverse("advice:question"), _form())
    assert response.status_code == 200
    assert "mehrmals" in _text(response)
    assert AdviceRequest.objects.count() == 5


@pytest.mark.django_db
def test_someone_elses_question_is_not_found(client, user, other_user):
    client.force_login(user)
    client.post(reverse("advice:question"), _form())
    case = AdviceRequest.objects.get()
    client.force_login(other_user)
    assert client.get(reverse("advice:question_sent", args=[case.number])).status_code == 404
    client.force_login(user)
    assert client.get(reverse("advice:booked", args=[case.number])).status_code == 404


# --- Access: every view, every role -----------------------------------------------------------

ROLES = ["anonymous", "owner", "other_volunteer", "staff", "beratung"]


@pytest.fixture
def world(slot, bernd):
    owner = UserFactory()
    booking = book(owner, slot)
    question = AdviceRequest.objects.create(
        number="QQQQ-2222",
        kind=AdviceRequest.Kind.QUESTION,
        requester=owner,
        topic=topic(),
        concern="Frage",
    )
    return {
        "booking": booking,
        "question": question,
        "free_slot": slot_at(bernd, bookable_monday(), 10),
        "users": {
            "anonymous": None,
            "owner": owner,
            "other_volunteer": UserFactory(),
            "staff": StaffFactory(),
            "beratung": beratung_staff(),
        },
    }


LOGGED_IN_FOR_ALL = dict.fromkeys(ROLES, 200) | {"anonymous": "login"}
OWNER_ONLY = dict.fromkeys(ROLES, 404) | {"anonymous": "login", "owner": 200}
PUBLIC = dict.fromkeys(ROLES, 200)

PAGES = {
    "overview": (lambda w: reverse("advice:overview"), PUBLIC),
    "slots": (lambda w: reverse("advice:slots") + "?topic=vereinsrecht", PUBLIC),
    "book": (lambda w: _book_url(w["free_slot"]), LOGGED_IN_FOR_ALL),
    "booked": (lambda w: reverse("advice:booked", args=[w["booking"].number]), OWNER_ONLY),
    "calendar": (lambda w: reverse("advice:calendar", args=[w["booking"].number]), OWNER_ONLY),
    "question": (lambda w: reverse("advice:question"), LOGGED_IN_FOR_ALL),
    "question_sent": (
        lambda w: reverse("advice:question_sent", args=[w["question"].number]),
        OWNER_ONLY,
    ),
    "my_bookings": (lambda w: reverse("advice:my_bookings"), LOGGED_IN_FOR_ALL),
    "cancel": (lambda w: reverse("advice:cancel", args=[w["booking"].number]), OWNER_ONLY),
    "reschedule": (
        lambda w: reverse("advice:reschedule", args=[w["booking"].number]),
        OWNER_ONLY,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_answers_each_role_as_it_should(client, world, page, role):
    url_of, expected = PAGES[page]
    url = url_of(world)
    user = world["users"][role]
    if user:
        client.force_login(user)
    response = client.get(url)
    if expected[role] == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    else:
        assert response.status_code == expected[role]
    if expected[role] == 404 or expected[role] == "login":
        # A POST changes nothing either.
        response = client.post(url, {"slot": world["free_slot"].pk})
        assert response.status_code in (302, 404)
        world["booking"].refresh_from_db()
        assert world["booking"].cancelled_at is None
        assert world["booking"].slot != world["free_slot"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_volunteer", "staff", "beratung"])
def test_nobody_else_sees_the_owners_concern_anywhere(client, world, role):
    client.force_login(world["users"][role])
    for url in (
        reverse("advice:my_bookings"),
        reverse("advice:slots") + "?topic=vereinsrecht",
        reverse("account_overview"),
    ):
        html = client.get(url).content.decode()
        assert world["booking"].number not in html
        assert world["booking"].concern not in html
