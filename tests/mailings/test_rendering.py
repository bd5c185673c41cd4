"""Text people typed never becomes a link or markup in the county's mails."""

import pytest
from django.urls import reverse

from mailings.rendering import text_to_html
from tests.factories import UserFactory


def test_text_is_escaped_and_only_the_portals_own_links_become_anchors():
    text = "Name: <b>Eve</b> https://evil.example/x\nBitte bestätigen: https://portal.de/k?a=1&b=2"
    html = text_to_html(text, ["https://portal.de/k?a=1&b=2"])
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert 'href="https://evil.example' not in html
    assert '<a href="https://portal.de/k?a=1&amp;b=2">' in html


@pytest.mark.django_db
def test_a_url_in_a_barrier_report_is_not_a_link_in_the_office_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("barrier_report"),
            {"description": "Siehe www.evil.example/phish", "name": "https://evil.example/x"},
        )
    html = mailoutbox[0].alternatives[0][0]
    assert "evil.example" in html
    assert '<a href="https://evil.example' not in html
    assert 'href="http://www.evil.example' not in html


@pytest.mark.django_db
def test_a_name_with_a_url_is_not_a_link_but_the_reset_link_is(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="eve@beispiel.de", first_name="https://evil.example/x")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "eve@beispiel.de"})
    html = mailoutbox[0].alternatives[0][0]
    assert 'href="https://evil.example' not in html
    assert '<a href="http://testserver/konto/password/reset/key/' in html


@pytest.mark.django_db
def test_the_html_part_says_the_language_of_the_mail(
    mailoutbox, django_capture_on_commit_callbacks
):
    from tests.mailings.factories import enqueue_report

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_report("test:en", language="en")
    assert '<html lang="en">' in mailoutbox[0].alternatives[0][0]
