"""The error summary at the top of a failed form: each entry names its field and links to it."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.forms import BarrierReportForm


def _summary_items(html: str) -> list[str]:
    summary = html.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary)]


def test_summary_separates_a_label_ending_in_a_question_mark_from_its_message():
    form = BarrierReportForm(data={"description": ""})
    assert not form.is_valid()
    with translation.override("de"):
        html = render_to_string("components/_error_summary.html", {"form": form})
    items = _summary_items(html)
    assert items == ["Was hat für Sie nicht funktioniert? – Dieses Feld ist zwingend erforderlich."]
    assert "?:" not in html
    assert 'href="#id_description"' in html


@pytest.mark.django_db
def test_barrier_form_summary_on_the_page_reads_label_dash_message(client):
    response = client.post(reverse("barrier_report"), {"description": "", "email": "kein-mail"})
    items = _summary_items(response.content.decode())
    assert "Was hat für Sie nicht funktioniert? – Dieses Feld ist zwingend erforderlich." in items
    assert any(item.startswith("Ihre E-Mail-Adresse – ") for item in items), items
    assert not any("?:" in item for item in items)
