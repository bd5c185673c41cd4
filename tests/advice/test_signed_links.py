"""The cancel and move links in the booking mails work without logging in: a GET only shows
(mail scanners follow links), a POST acts; a link is dead after use, after a move, past the
cut-off, when forged, and it never touches another booking."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlparse

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from advice import slots
from advice.links import SALT
from advice.models import AdviceRequest
from portal.models import SiteConfiguration
from tests.advice.factories import topic
from tests.advice.helpers import adviser, book, bookable_monday, rules, slot_at, token_for
from tests.factories import UserFactory


def _text(response) -> str:
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _links(message) -> dict:
    """The cancel and move links of a booking mail, as paths."""
    found = dict(re.findall(r"^(Absagen|Verschieben): (\S+)$", message.body, re.M))
    return {"cancel": urlparse(found["Absagen"]).path, "move": urlparse(found["Verschieben"]).path}


def _mail_to(mailoutbox, person, number):
    return [m for m in mailoutbox if m.to == [person.email] and number in m.subject][-1]


def _is_free(slot) -> bool:
    return (
        slots.free_slots(topic=topic(), start=timezone.localdate(slot.starts_at), days=1)
        .filter(pk=slot.pk)
        .exists()
    )


@pytest.fixture
def bernd(db):
    return adviser(name="Bernd Berater")


@pytest.fixture
def booked(bernd, user, mailoutbox, django_capture_on_commit_callbacks):
    slot = slot_at(bernd, bookable_monday(), 9)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(user, slot)
    return booking, _links(_mail_to(mailoutbox, user, booking.number))


# --- Cancel -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opening_the_cancel_link_only_shows_the_appointment(client, booked):
    booking, links = booked
    response = client.get(links["cancel"])
    assert response.status_code == 200
    text = _text(response)
    assert booking.number in text
    assert "Ja, Termin absagen" in text
    booking.refresh_from_db()
    assert booking.cancelled_at is None


@pytest.mark.django_db
def test_the_cancel_link_cancels_on_post_and_the_slot_is_free_at_once(
    client, booked, user, mailoutbox, django_capture_on_commit_callbacks
):
    booking, links = booked
    assert not _is_free(booking.slot)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(links["cancel"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("advice:overview")
    assert "ist abgesagt" in _text(response)
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert _is_free(booking.slot)
    assert any("abgesagt" in m.subject for m in mailoutbox if m.to == [user.email])
    # Used: the link (and its sibling) is dead now.
    for path in links.values():
        dead = client.get(path)
        assert dead.status_code == 404
        assert "Dieser Link ist nicht mehr gültig" in _text(dead)
    assert client.post(links["cancel"]).status_code == 404


@pytest.mark.django_db
def test_a_dead_link_page_gives_the_office_phone(client, booked):
    _booking, links = booked
    client.post(links["cancel"])
    response = client.get(links["cancel"])
    assert SiteConfiguration.load().phone in _text(response)


@pytest.mark.django_db
def test_a_logged_in_owner_returns_to_my_bookings_after_cancelling(client, booked, user):
    _booking, links = booked
    client.force_login(user)
    response = client.post(links["cancel"])
    assert response["Location"] == reverse("advice:my_bookings")


# --- Move -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_move_link_shows_free_times_of_the_same_topic_by_day(client, booked, bernd):
    booking, links = booked
    adviser(name="Steffi Steuer", topics=[topic("steuern")])
    monday = bookable_monday()
    start = {} if monday == _first_week() else {"start": monday.isoformat()}
    response = client.get(links["move"], start)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Steffi Steuer" not in html
    assert f'<legend class="kern-label kern-label--large">Montag, {monday.day}.' in html
    radios = re.findall(r'type="radio" name="slot" value="(\d+)"', html)
    assert str(slot_at(bernd, monday, 10).pk) in radios
    assert str(booking.slot_id) not in radios  # the current time is not offered again
    booking.refresh_from_db()
    assert booking.slot == slot_at(bernd, monday, 9)


def _first_week():
    from advice.forms import Weeks

    return Weeks().first


@pytest.mark.django_db
def test_the_move_link_moves_on_post_frees_the_old_time_and_kills_the_old_links(
    client, booked, bernd, user, mailoutbox, django_capture_on_commit_callbacks
):
    booking, links = booked
    old, new = booking.slot, slot_at(bernd, bookable_monday(), 11)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(links["move"], {"slot": new.pk}, follow=True)
    assert "Ihr Termin ist auf den" in _text(response)
    booking.refresh_from_db()
    assert booking.slot == new
    assert _is_free(old)
    assert not _is_free(new)
    for path in links.values():
        assert client.get(path).status_code == 404
    # The update mail carries links for the new time, and they work.
    moved_mail = [m for m in mailoutbox if m.to == [user.email] and "verschoben" in m.body][-1]
    new_links = _links(moved_mail)
    assert client.get(new_links["cancel"]).status_code == 200
    assert client.get(new_links["move"]).status_code == 200


@pytest.mark.django_db
def test_moving_needs_a_chosen_time_of_the_topic(client, booked):
    booking, links = booked
    other_topic = slot_at(
        adviser(name="Steffi Steuer", topics=[topic("steuern")]), bookable_monday(), 9
    )
    for value, message in [
        ("", "Bitte wählen Sie einen neuen Termin."),
        ("abc", "Bitte wählen Sie einen neuen Termin."),
        ("99999999999999999999999", "Bitte wählen Sie einen neuen Termin."),
        ("987654", "Bitte wählen Sie eine der angezeigten Zeiten."),
        (str(other_topic.pk), "berät nicht zu diesem Thema"),
    ]:
        response = client.post(links["move"], {"slot": value})
        assert response.status_code == 200, value
        assert message in _text(response), value
    booking.refresh_from_db()
    assert booking.slot.advisor.display_name == "Bernd Berater"


@pytest.mark.django_db
def test_a_time_taken_meanwhile_is_named_and_another_offered(client, booked, bernd, other_user):
    booking, links = booked
    wanted = slot_at(bernd, bookable_monday(), 10)
    book(other_user, wanted)
    response = client.post(links["move"], {"slot": wanted.pk})
    assert response.status_code == 200
    assert "Bitte wählen Sie eine andere Zeit." in _text(response)
    booking.refresh_from_db()
    assert booking.slot_id != wanted.pk


@pytest.mark.django_db
def test_phone_times_are_not_offered_for_a_booking_without_a_number(client, booked):
    _booking, links = booked
    phone_slot = slot_at(adviser(name="Tanja Telefon", format="phone"), bookable_monday(), 9)
    monday = bookable_monday()
    start = {} if monday == _first_week() else {"start": monday.isoformat()}
    html = client.get(links["move"], start).content.decode()
    assert f'name="slot" value="{phone_slot.pk}"' not in html
    assert "per Telefon, Tanja Telefon" not in html
    response = client.post(links["move"], {"slot": phone_slot.pk})
    assert "Bitte wählen Sie eine der angezeigten Zeiten." in _text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"start": "1999-01-01"}, {"start": "9999-12-31"}, {"adviser": "abc"}, {"format": "x"}],
    ids=str,
)
def test_hostile_parameters_on_the_move_page_give_a_page(client, booked, params):
    _booking, links = booked
    assert client.get(links["move"], params).status_code == 200


# --- Dead links: forged, another booking, past the cut-off --------------------------------------


@pytest.mark.django_db
def test_a_link_for_one_booking_does_nothing_for_another(client, booked, bernd, other_user):
    booking, links = booked
    other = book(other_user, slot_at(bernd, bookable_monday(), 10))
    # The signed data names the booking and its slot: swapping in the other's id breaks it.
    forged = signing.dumps({"r": other.pk, "s": booking.slot_id}, salt=SALT, compress=True)
    for path in (
        reverse("advice:cancel_link", args=[forged]),
        reverse("advice:reschedule_link", args=[forged]),
    ):
        assert client.get(path).status_code == 404
        assert (
            client.post(path, {"slot": slot_at(bernd, bookable_monday(), 11).pk}).status_code == 404
        )
    client.post(links["cancel"])
    other.refresh_from_db()
    assert other.cancelled_at is None
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "x" * 600,
        "eyJyIjoxLCJzIjoxfQ:1vXYZ:tampered",
        "%00",
        "..",
    ],
    ids=lambda t: t[:12],
)
def test_a_forged_token_gets_the_friendly_404(client, booked, token):
    for name in ("advice:cancel_link", "advice:reschedule_link"):
        response = client.get(
            f"/beratung/link/{token}/{'absagen' if 'cancel' in name else 'verschieben'}/"
        )
        assert response.status_code == 404
    booking, _unused = booked
    booking.refresh_from_db()
    assert booking.cancelled_at is None


@pytest.mark.django_db
def test_a_token_signed_for_something_else_is_refused(client, booked):
    booking, _unused = booked
    other_salt = signing.dumps({"r": booking.pk, "s": booking.slot_id}, compress=True)
    assert client.get(reverse("advice:cancel_link", args=[other_salt])).status_code == 404


@pytest.mark.django_db
def test_a_link_past_the_cut_off_is_dead_and_changes_nothing(client, booked):
    booking, links = booked
    hours_left = (booking.slot.starts_at - timezone.now()) / timedelta(hours=1)
    rules(cancel_cutoff_hours=int(hours_left) + 1)
    for path in links.values():
        response = client.get(path)
        assert response.status_code == 404
        assert "Dieser Link ist nicht mehr gültig" in _text(response)
    client.post(links["cancel"])
    booking.refresh_from_db()
    assert booking.cancelled_at is None


@pytest.mark.django_db
def test_a_link_after_the_appointment_is_dead(client, bernd, user):
    booking = book(user, slot_at(bernd, bookable_monday(), 9))
    token = token_for(booking)
    AdviceRequest.objects.filter(pk=booking.pk).update(slot=booking.slot)
    booking.slot.__class__.objects.filter(pk=booking.slot_id).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    assert client.get(reverse("advice:cancel_link", args=[token])).status_code == 404


@pytest.mark.django_db
def test_a_link_works_for_anyone_who_has_it_and_nobody_needs_to_log_in(client, booked):
    """The link is the key (as in the mail); a different logged-in person changes nothing about
    that, and the page shows nothing but this appointment."""
    booking, links = booked
    client.force_login(UserFactory())
    response = client.get(links["cancel"])
    assert response.status_code == 200
    assert booking.concern not in response.content.decode()
