"""network's side of the association panels: generic, and silent for whoever gets None."""

import pytest
from django.test import RequestFactory

from network import admin_panels
from tests.factories import StaffFactory
from tests.network.factories import AssociationFactory


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(admin_panels, "_panels", {})
    return admin_panels


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.django_db
def test_registered_panels_render_in_order_and_none_hides_a_panel(registry, tmp_path, settings):
    (tmp_path / "panel.html").write_text("<p>{{ title }}: {{ association.name }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    club = AssociationFactory(name="TSV <Test>")
    registry.register_association_panel(
        name="second", template="panel.html", context=lambda a, r: {"title": "B", "association": a}
    )
    registry.register_association_panel(
        name="first",
        template="panel.html",
        context=lambda a, r: {"title": "A", "association": a},
        order=10,
    )
    registry.register_association_panel(
        name="hidden", template="panel.html", context=lambda a, r: None
    )
    html = registry.render_association_panels(club, _request(StaffFactory()))
    assert html == "<p>A: TSV &lt;Test&gt;</p><p>B: TSV &lt;Test&gt;</p>"


def test_the_panel_registry_of_network_names_no_app_above_it():
    source = admin_panels.__loader__.get_source(admin_panels.__name__)
    assert "advice" not in source.split('"""', 2)[2]  # the docstring may name its users
