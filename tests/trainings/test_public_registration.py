"""Registering /fortbildungen/kurs/<slug>/anmelden/ and cancelling
/konto/fortbildungen/<pk>/abmelden/: login first (and back), confirmed or waitlisted with the
position, the association and needs, rate limits, cancelling a seat vs leaving the waiting
list, the deadline, and who may open what (someone else's registration is not found)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mailings.models import Email
from tests.factories import StaffFactory, UserFactory
from tests.network.factories import AssociationFactory, RepresentativeFactory
from tests.trainings.factories import CourseFactory
from tests.trainings.helpers import html, qualifizierung_staff, text
from trainings import services
from trainings.models import Course, Registration


def _register_url(course) -> str:
    return reverse("trainings:register", args=[course.slug])


def _cancel_url(registration) -> str:
    return reverse("trainings:cancel", args=[registration.pk])


@pytest.fixture
def course(db):
    return CourseFactory(title="Vereinsrecht kompakt", capacity=1)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- Registering ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_log_in_first_and_come_back_to_the_form(client, course, user):
    response = client.get(_register_url(course))
    assert response.status_code == 302
    login = reverse("account_login")
    assert response["Location"] == f"{login}?next={_register_url(course)}"
    response = client.post(
        response["Location"], {"login": user.email, "password": "ein-sicheres-Passwort-42"}
    )
    assert response["Location"] == _register_url(course)


@pytest.mark.django_db
def test_the_form_says_the_seat_will_be_confirmed(client, course, user):
    client.force_login(user)
    response = client.get(_register_url(course))
    assert response.status_code == 200
    assert "Ihr Platz wird sofort bestätigt" in text(response)
    page = html(response)
    assert 'name="association"' in page
    assert 'name="needs"' in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_one_click_confirms_the_seat_and_mails_the_person(client, course, user):
    client.force_login(user)
    response = client.post(_register_url(course), {}, follow=True)
    assert response.redirect_chain[-1][0] == course.get_absolute_url()
    assert "ist bestätigt" in _messages(response)
    registration = Registration.objects.get(course=course, user=user)
    assert registration.status == Registration.Status.CONFIRMED
    assert Email.objects.filter(to=user.email, template="emails/trainings/confirmed").exists()


@pytest.mark.django_db
def test_a_full_course_puts_the_person_on_the_waiting_list_with_the_position(client, course, user):
    services.register(course=course, user=UserFactory())
    client.force_login(user)
    assert "Sie kommen auf die Warteliste" in text(client.get(_register_url(course)))
    response = client.post(_register_url(course), {}, follow=True)
    assert "Warteliste, Position 1" in _messages(response)
    assert "Sie stehen auf der Warteliste, Position 1." in text(response)
    registration = Registration.objects.get(course=course, user=user)
    assert (registration.status, registration.position) == ("waitlisted", 1)


@pytest.mark.django_db
def test_association_and_needs_are_kept(client, course, user):
    own = AssociationFactory(name="Turnverein Hohn")
    RepresentativeFactory(association=own, user=user)
    client.force_login(user)
    assert "Turnverein Hohn" in html(client.get(_register_url(course)))
    client.post(_register_url(course), {"association": own.pk, "needs": "Rollstuhl"})
    registration = Registration.objects.get(course=course, user=user)
    assert registration.association == own
    assert registration.needs == "Rollstuhl"


@pytest.mark.django_db
def test_any_published_association_is_found_by_name_without_javascript(client, course, user):
    other = AssociationFactory(name="Gemischter Chor Osdorf")
    client.force_login(user)
    response = client.post(
        _register_url(course), {"find_association": "1", "association_search": "Chor"}
    )
    assert response.status_code == 200
    assert f'<option value="{other.pk}">Gemischter Chor Osdorf' in html(response)
    assert not Registration.objects.filter(user=user).exists()  # searching is not registering
    client.post(_register_url(course), {"association": other.pk})
    assert Registration.objects.get(user=user).association == other


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"association": "999999999"},
        {"association": "abc"},
        {"needs": "x" * 5000},
        {"association_search": "\x00" * 10, "find_association": "1"},
    ],
    ids=str,
)
def test_bad_form_values_are_named_never_a_500(client, course, user, data):
    client.force_login(user)
    response = client.post(_register_url(course), data)
    assert response.status_code == 200
    if "find_association" not in data:
        assert 'id="error-summary"' in html(response)
    assert not Registration.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_person_already_registered_is_sent_back_to_the_course(client, course, user):
    services.register(course=course, user=user)
    client.force_login(user)
    response = client.post(_register_url(course), {}, follow=True)
    assert response.redirect_chain[-1][0] == course.get_absolute_url()
    assert Registration.objects.filter(course=course, user=user).count() == 1


@pytest.mark.django_db
def test_a_closed_registration_is_explained(client, course, user):
    Course.objects.filter(pk=course.pk).update(
        registration_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(user)
    response = client.post(_register_url(course), {}, follow=True)
    assert "geschlossen" in _messages(response)
    assert not Registration.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_registering_is_rate_limited(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "training_registration": "2/h/user",
    }
    client.force_login(user)
    courses = [CourseFactory() for _ in range(3)]
    for course in courses[:2]:
        client.post(_register_url(course), {})
    response = client.post(_register_url(courses[2]), {})
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response)
    assert Registration.objects.filter(user=user).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["gibt-es-nicht", "x" * 200])
def test_registering_for_an_unknown_course_is_not_found(client, user, slug):
    client.force_login(user)
    assert client.get(f"/fortbildungen/kurs/{slug}/anmelden/").status_code == 404


# --- Cancelling -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_a_seat_promotes_the_first_waiting(client, course, user):
    mine = services.register(course=course, user=user)
    waiting = services.register(course=course, user=UserFactory())
    client.force_login(user)
    page = client.get(_cancel_url(mine))
    assert "Ihren Platz wirklich abgeben" in text(page)
    response = client.post(_cancel_url(mine), follow=True)
    assert response.redirect_chain[-1][0] == reverse("trainings:my_trainings")
    assert "ist storniert" in _messages(response)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert Email.objects.filter(to=waiting.user.email, template="emails/trainings/promoted")


@pytest.mark.django_db
def test_leaving_the_waiting_list_is_worded_so_and_closes_the_gap(client, course, user):
    services.register(course=course, user=UserFactory())
    mine = services.register(course=course, user=user)
    after = services.register(course=course, user=UserFactory())
    client.force_login(user)
    page = text(client.get(_cancel_url(mine)))
    assert "Warteliste verlassen" in page
    assert "Position 1" in page
    response = client.post(_cancel_url(mine), follow=True)
    assert "Warteliste für „Vereinsrecht kompakt“ verlassen" in _messages(response)
    after.refresh_from_db()
    assert after.position == 1


@pytest.mark.django_db
def test_after_the_deadline_the_page_explains_to_contact_the_office(client, course, user):
    mine = services.register(course=course, user=user)
    Course.objects.filter(pk=course.pk).update(
        cancellation_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(user)
    response = client.get(_cancel_url(mine))
    assert "im Portal nicht mehr möglich" in text(response)
    assert '<form method="post" class="portal-form-actions">' not in html(response)
    client.post(_cancel_url(mine))
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CONFIRMED


@pytest.mark.django_db
def test_the_waiting_list_can_be_left_after_the_deadline(client, course, user):
    services.register(course=course, user=UserFactory())
    mine = services.register(course=course, user=user)
    Course.objects.filter(pk=course.pk).update(
        cancellation_deadline=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(user)
    client.post(_cancel_url(mine))
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED


@pytest.mark.django_db
def test_an_already_cancelled_registration_says_so(client, course, user):
    mine = services.register(course=course, user=user)
    services.cancel_registration(registration=mine)
    client.force_login(user)
    response = client.get(_cancel_url(mine))
    assert response.status_code == 200
    assert "Bereits abgemeldet" in text(response)
    assert "Bereits abgemeldet" in text(client.post(_cancel_url(mine)))


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["0", "99999999", "99999999999999999999"])
def test_unknown_registration_numbers_are_not_found(client, user, pk):
    client.force_login(user)
    assert client.get(f"/konto/fortbildungen/{pk}/abmelden/").status_code == 404


# --- Access: every view, every role -----------------------------------------------------------

LOGIN_REQUIRED = ["register", "cancel", "my_trainings", "wish"]


def _urls(course, registration) -> dict:
    return {
        "catalogue": reverse("trainings:catalogue"),
        "course": course.get_absolute_url(),
        "ics": reverse("trainings:ics", args=[course.slug]),
        "feed": reverse("trainings:feed"),
        "register": _register_url(course),
        "cancel": _cancel_url(registration),
        "my_trainings": reverse("trainings:my_trainings"),
        "wish": reverse("trainings:wish"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["anonymous", "owner", "other volunteer", "staff", "staff of Qualifizierung"]
)
@pytest.mark.parametrize(
    "view", ["catalogue", "course", "ics", "feed", "register", "cancel", "my_trainings", "wish"]
)
def test_access_for_every_view_and_role(client, course, who, view):
    owner = UserFactory()
    registration = services.register(course=CourseFactory(), user=owner)
    people = {
        "owner": owner,
        "other volunteer": UserFactory(),
        "staff": StaffFactory(),
        "staff of Qualifizierung": qualifizierung_staff(),
    }
    if who in people:
        client.force_login(people[who])
    url = _urls(course, registration)[view]
    response = client.get(url)
    if who == "anonymous" and view in LOGIN_REQUIRED:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    elif view == "cancel" and who != "owner":
        assert response.status_code == 404  # someone else's registration: not found
    else:
        assert response.status_code == 200
    if view == "cancel" and who != "owner":
        client.post(url)
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CONFIRMED
