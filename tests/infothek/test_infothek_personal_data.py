"""The Infothek in the export and the account deletion: the person gets their deadline
reminders; deleting the account deletes them (the programmes stay)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import delete_account
from infothek import services
from infothek.models import DeadlineReminder, FundingProgramme
from tests.infothek.factories import ProgrammeFactory


def _export(client, person) -> dict:
    client.force_login(person)
    return json.loads(client.get(reverse("account_export")).content)


@pytest.mark.django_db
def test_the_export_holds_my_reminders_and_nothing_of_others(client, user, other_user):
    deadline = timezone.localdate() + timedelta(days=40)
    mine = ProgrammeFactory(title="Ehrenamt stärken", funder="DSEE", deadline=deadline)
    services.remember_deadline(user=user, programme=mine, days_before=28)
    services.remember_deadline(
        user=other_user, programme=ProgrammeFactory(title="Fremdes Programm"), days_before=7
    )
    data = _export(client, user)["infothek"]
    assert len(data) == 1
    (reminder,) = data
    assert reminder["programme"] == "Ehrenamt stärken"
    assert reminder["funder"] == "DSEE"
    assert reminder["deadline"] == deadline.isoformat()
    assert reminder["days_before"] == 28
    assert reminder["sent_at"] is None
    assert reminder["asked_at"]
    assert "Fremdes Programm" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.django_db
def test_deleting_the_account_deletes_my_reminders_only(user, other_user):
    programme = ProgrammeFactory()
    services.remember_deadline(user=user, programme=programme, days_before=14)
    services.remember_deadline(user=other_user, programme=programme, days_before=14)
    delete_account(user=user)
    assert list(DeadlineReminder.objects.values_list("user", flat=True)) == [other_user.pk]
    assert FundingProgramme.objects.filter(pk=programme.pk).exists()


@pytest.mark.django_db
def test_erasure_alone_removes_the_reminders(user):
    from infothek.personal_data import erase, export

    services.remember_deadline(user=user, programme=ProgrammeFactory(), days_before=14)
    erase(user)
    assert export(user) == []
