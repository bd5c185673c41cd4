"""Course wishes /fortbildungen/wunsch/ (login, topic or text, "notify me", the person's open
wishes) and feedback through the signed link of the thank-you mail (no login; a used, forged
or expired link gets a friendly page, never a 500)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.trainings.factories import past_course, topic
from tests.trainings.helpers import html, text
from trainings import services
from trainings.links import feedback_token
from trainings.models import CourseWish, Feedback, Registration

WISH = reverse("trainings:wish")


# --- Wishes -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wish_with_a_topic_and_notice_is_recorded_and_listed(client, user):
    client.force_login(user)
    response = client.get(WISH)
    assert response.status_code == 200
    assert re.search(r'<input[^>]*name="notify"[^>]*checked', html(response))
    response = client.post(
        WISH,
        {"topic": topic("kinderschutz").pk, "text": "Ein Kurs in Nortorf", "notify": "on"},
        follow=True,
    )
    wish = CourseWish.objects.get(user=user)
    assert (wish.topic.slug, wish.notify, wish.text) == (
        "kinderschutz",
        True,
        "Ein Kurs in Nortorf",
    )
    page = text(response)
    assert "Kinderschutz" in page.split("Meine offenen Wünsche", 1)[1]
    assert "Ein Kurs in Nortorf" in page


@pytest.mark.django_db
def test_a_wish_needs_a_topic_or_a_text(client, user):
    client.force_login(user)
    response = client.post(WISH, {"text": "   "})
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response)
    assert not CourseWish.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{"topic": "999999"}, {"topic": "abc"}, {"text": "x" * 5000}], ids=str
)
def test_bad_wish_values_are_named_never_a_500(client, user, data):
    client.force_login(user)
    response = client.post(WISH, data)
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response)


@pytest.mark.django_db
def test_other_peoples_wishes_are_not_shown(client, user, other_user):
    services.wish_course(user=other_user, topic=None, text="Geheimer Wunsch")
    client.force_login(user)
    assert "Geheimer Wunsch" not in text(client.get(WISH))


@pytest.mark.django_db
def test_wishing_needs_login(client):
    response = client.get(WISH)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={WISH}"


# --- Feedback ---------------------------------------------------------------------------------


@pytest.fixture
def attended(db):
    course = past_course(title="Öffentlichkeitsarbeit mit kleinem Budget")
    registration = Registration.objects.create(
        course=course,
        user=UserFactory(),
        status=Registration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    services.mark_attendance(registrations=[registration], attended=True)
    return registration


def _url(token: str) -> str:
    return reverse("trainings:feedback", args=[token])


@pytest.mark.django_db
def test_feedback_through_the_link_without_login(client, attended):
    url = _url(feedback_token(attended))
    response = client.get(url)
    assert response.status_code == 200
    page = html(response)
    assert "Öffentlichkeitsarbeit mit kleinem Budget" in text(response)
    # The rating is a radio group in a fieldset with its legend.
    fieldset = page.split('<fieldset id="div_id_rating"', 1)[1].split("</fieldset>", 1)[0]
    assert "<legend" in fieldset
    assert fieldset.count('type="radio"') == 5
    response = client.post(url, {"rating": "4", "comment": "Sehr praxisnah"})
    assert response.status_code == 200
    assert "Danke für Ihre Rückmeldung" in text(response)
    feedback = Feedback.objects.get(registration=attended)
    assert (feedback.rating, feedback.comment) == (4, "Sehr praxisnah")


@pytest.mark.django_db
def test_feedback_without_a_rating_is_named(client, attended):
    response = client.post(_url(feedback_token(attended)), {"comment": "ohne Note"})
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response)
    assert not Feedback.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("rating", ["0", "6", "abc", "-1", "99999999999999999999"])
def test_a_rating_out_of_range_is_named(client, attended, rating):
    response = client.post(_url(feedback_token(attended)), {"rating": rating})
    assert response.status_code == 200
    assert 'id="error-summary"' in html(response)
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_a_used_link_gets_the_friendly_page(client, attended):
    url = _url(feedback_token(attended))
    client.post(url, {"rating": "5"})
    response = client.get(url)
    assert response.status_code == 410
    assert "nicht mehr gültig" in text(response)
    assert client.post(url, {"rating": "1"}).status_code == 410
    assert Feedback.objects.get().rating == 5


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["kaputt", "a" * 2000, "eyJyIjoxfQ:abc:def", "%00"])
def test_a_forged_or_broken_link_gets_the_friendly_page(client, attended, token):
    response = client.get(_url(token))
    assert response.status_code == 410
    assert response.content.decode().count("<h1") == 1


@pytest.mark.django_db
def test_a_person_who_did_not_attend_cannot_give_feedback(client, attended):
    services.mark_attendance(registrations=[attended], attended=False)
    assert client.get(_url(feedback_token(attended))).status_code == 410
