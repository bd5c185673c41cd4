"""Lowering the seats in admin while someone registers: the course form checks the seats under
the course's row lock, held until the admin's save commits, so the registration waits and
then finds the new number of seats. Without that lock the registration takes a seat between
the check and the save, and the save fails."""

import threading
import time
from types import SimpleNamespace

import pytest
from django.urls import reverse

from portal.staff_groups import QUALIFIZIERUNG
from tests.advice.staff_helpers import form_data, logged_in
from tests.factories import UserFactory
from tests.race import run_together
from trainings import admin as trainings_admin
from trainings import services
from trainings.exceptions import TrainingError

from .factories import CourseFactory


def _race(client, monkeypatch):
    """The admin lowers 3 seats to 2 (2 confirmed) while a third person registers, right
    after the form's check and before the save."""
    staff_client = client
    logged_in(staff_client, QUALIFIZIERUNG)
    course = CourseFactory(capacity=3)
    for _ in range(2):
        services.register(course=course, user=UserFactory())
    newcomer = UserFactory()
    url = reverse("admin:trainings_course_change", args=[course.pk])
    data = form_data(staff_client.get(url), "course_form")
    data["capacity"] = "2"

    checked = threading.Event()
    check = trainings_admin.CourseForm.clean_capacity

    def clean_capacity(form):
        value = check(form)
        checked.set()
        return value

    change = services.change_capacity

    def slow_change_capacity(**kwargs):
        time.sleep(0.5)  # the window a registration would need
        return change(**kwargs)

    monkeypatch.setattr(trainings_admin.CourseForm, "clean_capacity", clean_capacity)
    monkeypatch.setattr(services, "change_capacity", slow_change_capacity)

    def register_after_the_check():
        assert checked.wait(10)
        return services.register(course=course, user=newcomer)

    results, errors = run_together(
        lambda: staff_client.post(url, data), register_after_the_check, timeout=30
    )
    course.refresh_from_db()
    return course, results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_registration_during_the_admins_save_waits_and_gets_the_waiting_list(client, monkeypatch):
    course, (response, registration), errors = _race(client, monkeypatch)
    assert errors == []
    assert response.status_code == 302
    assert course.capacity == 2
    assert (registration.status, registration.position) == ("waitlisted", 1)
    assert course.registrations.filter(status="confirmed").count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_negative_control_without_the_forms_lock_the_save_fails_half_way(client, monkeypatch):
    """Shows the test above would catch a form that checks without the lock."""
    monkeypatch.setattr(trainings_admin, "connection", SimpleNamespace(in_atomic_block=False))
    course, (_response, registration), errors = _race(client, monkeypatch)
    assert registration.status == "confirmed"  # took the third seat during the check
    assert [type(error) for error in errors] == [TrainingError]  # the admin's save broke
    assert course.capacity == 3  # rolled back whole: nothing half-saved
