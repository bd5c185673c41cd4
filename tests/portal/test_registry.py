"""Later apps plug into "Mein Konto", the export and the deletion without touching accounts/."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from portal import registry

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def plugged_in_app(monkeypatch, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]
    erased = []
    monkeypatch.setattr(registry, "_parts", dict(registry._parts))
    monkeypatch.setattr(registry, "_sections", dict(registry._sections))
    registry.register_personal_data(
        registry.PersonalDataPart(
            "bookings",
            export=lambda user: [{"topic": f"Vereinsrecht für {user.email}"}],
            erase=lambda user: erased.append(user.pk),
            order=50,
        )
    )
    registry.register_account_section(
        registry.AccountSection(
            "bookings",
            template="tests/account_section.html",
            context=lambda user: {"count": 3},
        )
    )
    return erased


@pytest.mark.django_db
def test_a_registered_part_appears_in_overview_export_and_deletion(
    client, user, password, plugged_in_app
):
    client.force_login(user)
    assert "3 Buchungen" in client.get(reverse("account_overview")).content.decode()
    data = json.loads(client.get(reverse("account_export")).content)
    assert data["bookings"] == [{"topic": f"Vereinsrecht für {user.email}"}]
    client.post(reverse("account_delete"), {"confirm": "on", "password": password})
    assert plugged_in_app == [user.pk]  # ran before the user row was deleted
    assert not User.objects.filter(pk=user.pk).exists()
