"""Qualifizierung in the export and the account deletion: the person gets their
registrations, certificates, wishes and feedback; deleting the account gives their future
seats to the waiting list, keeps the registrations for the statistics without the person,
deletes wishes and certificates, and keeps feedback ratings without the comment."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mailings.models import Email
from tests.factories import UserFactory
from tests.network.factories import AssociationFactory
from tests.trainings.factories import CourseFactory, past_course, topic
from trainings import services
from trainings.models import Certificate, CourseWish, Feedback, Registration


@pytest.fixture
def vera(db):
    return UserFactory(first_name="Vera", last_name="Freiwillig", email="vera@beispiel.de")


def _attended(user, title) -> Registration:
    registration = Registration.objects.create(
        course=past_course(title=title),
        user=user,
        status=Registration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        needs="vegetarisch",
    )
    services.mark_attendance(registrations=[registration], attended=True)
    registration.refresh_from_db()
    return registration


@pytest.fixture
def history(vera, other_user):
    """Vera: a confirmed seat in a full course (someone waits), a place on a waiting list, an
    attended course with certificate and feedback, a wish; someone else's registration."""
    full = CourseFactory(title="Kassenführung im Verein", capacity=1)
    seat = services.register(
        course=full,
        user=vera,
        association=AssociationFactory(name="Heimatverein Westensee"),
        needs="Rollstuhl",
    )
    next_in_line = services.register(course=full, user=other_user)
    other_full = CourseFactory(title="Erste Hilfe", capacity=1)
    services.register(course=other_full, user=UserFactory())
    waiting = services.register(course=other_full, user=vera)
    behind = services.register(course=other_full, user=UserFactory())
    held = _attended(vera, "Datenschutz im Verein")
    certificate = services.issue_certificate(registration=held)
    services.give_feedback(registration=held, rating=4, comment="Vera fand es gut")
    services.wish_course(user=vera, topic=topic("kinderschutz"), text="Bitte in Nortorf")
    services.register(course=CourseFactory(title="Fremder Kurs"), user=other_user)
    return {
        "seat": seat,
        "next_in_line": next_in_line,
        "waiting": waiting,
        "behind": behind,
        "held": held,
        "certificate": certificate,
    }


def _export(client, person) -> dict:
    client.force_login(person)
    return json.loads(client.get(reverse("account_export")).content)


@pytest.mark.django_db
def test_the_export_holds_registrations_certificates_wishes_and_feedback(client, vera, history):
    data = _export(client, vera)["trainings"]
    registrations = {r["course"]: r for r in data["registrations"]}
    assert set(registrations) == {"Kassenführung im Verein", "Erste Hilfe", "Datenschutz im Verein"}
    seat = registrations["Kassenführung im Verein"]
    assert seat["status"] == "confirmed"
    assert seat["needs"] == "Rollstuhl"
    assert seat["association"] == "Heimatverein Westensee"
    assert seat["dates"][0]["starts_at"]
    assert seat["registered_at"]
    assert registrations["Erste Hilfe"]["waiting_list_position"] == 1
    assert registrations["Datenschutz im Verein"]["attendance"] == "attended"
    (certificate,) = data["certificates"]
    assert certificate["code"] == history["certificate"].code
    assert certificate["course"] == "Datenschutz im Verein"
    assert certificate["issued_at"]
    (wish,) = data["course_wishes"]
    assert (wish["topic"], wish["text"]) == ("Kinderschutz", "Bitte in Nortorf")
    (feedback,) = data["feedback"]
    assert (feedback["rating"], feedback["comment"]) == (4, "Vera fand es gut")
    assert "Fremder Kurs" not in json.dumps(data)


@pytest.mark.django_db
def test_deleting_the_account_frees_the_seats_and_forgets_the_person(
    client, vera, history, password
):
    client.force_login(vera)
    response = client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    assert response.status_code == 302
    assert not User.objects.filter(pk=vera.pk).exists()
    # The seat went to the next in line, who was told; the waiting list closed its gap.
    next_in_line = Registration.objects.get(pk=history["next_in_line"].pk)
    assert next_in_line.status == Registration.Status.CONFIRMED
    assert Email.objects.filter(
        to=next_in_line.user.email, template="emails/trainings/promoted"
    ).exists()
    behind = Registration.objects.get(pk=history["behind"].pk)
    assert behind.position == 1
    # The registrations stay for the statistics, without the person and their needs.
    for key in ("seat", "waiting", "held"):
        registration = Registration.objects.get(pk=history[key].pk)
        assert registration.user is None
        assert registration.needs == ""
    assert Registration.objects.get(pk=history["seat"].pk).status == "cancelled"
    assert Registration.objects.get(pk=history["held"].pk).attendance == "attended"
    assert not Certificate.objects.exists()
    assert not CourseWish.objects.exists()
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment) == (4, "")
    # Nothing is mailed to the deleted person.
    assert not Email.objects.filter(to="vera@beispiel.de", status=Email.Status.QUEUED).exists()
    assert not Email.objects.filter(to="vera@beispiel.de", status=Email.Status.SENT).filter(
        template="emails/trainings/cancelled"
    )
