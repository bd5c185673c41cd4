"""Real browser: sign up for the newsletter with a form error first, confirm through the link
of the mail (GET shows a button, the button confirms), change topics, unsubscribe through the
link; the archive and Mein Konto. Every page passes axe-core at desktop width and at 320 px,
without horizontal scrolling."""

import pytest
from django.urls import reverse

from mailings.models import Email
from newsletter import services
from newsletter.models import Issue, Subscription
from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import PASSWORD, UserFactory

ADDRESS = "leserin.aus.westensee@beispiel.de"


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def check(page, assert_accessible):
    """One h1, axe-core and no horizontal scrolling at desktop width and at 320 px."""

    def run(label):
        assert page.locator("h1").count() == 1, label
        for viewport in (DESKTOP, NARROW):
            page.set_viewport_size(viewport)
            assert _no_horizontal_scroll(page), f"{label} at {viewport['width']} px"
            assert_accessible(page, f"{label} at {viewport['width']} px")
        page.set_viewport_size(DESKTOP)

    return run


def _click(page, selector):
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_sign_up_confirm_change_topics_and_unsubscribe(page, live_server, check, transactional_db):
    page.goto(live_server.url + reverse("newsletter:subscribe"))
    check("sign-up")
    page.fill("input[name=email]", ADDRESS)
    _click(page, "main form button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    check("sign-up with errors")
    page.check("input[name=segments] >> nth=0")
    page.check("input[name=consent]")
    _click(page, "main form button[type=submit]")
    assert page.url.endswith(reverse("newsletter:check_inbox"))
    check("check your inbox")

    # The mail went out (its text, a personal link, is removed once sent): the link is this.
    assert Email.objects.get(to=ADDRESS, key__startswith="newsletter:confirm:").status == "sent"
    token = Subscription.objects.get().token
    page.goto(live_server.url + reverse("newsletter:confirm", args=[token]))
    check("confirm page")
    assert Subscription.objects.get().confirmed_at is None
    _click(page, "main form button[type=submit]")
    assert Subscription.objects.get().confirmed_at is not None
    check("settings after confirming")
    page.check("input[name=segments] >> nth=2")
    _click(page, "main form button[type=submit]")
    assert Subscription.objects.get().segments.count() == 2

    subscription = Subscription.objects.get()
    page.goto(live_server.url + reverse("newsletter:unsubscribe", args=[subscription.token]))
    check("unsubscribe page")
    assert Subscription.objects.get().unsubscribed_at is None
    _click(page, "main form button[type=submit]")
    assert Subscription.objects.get().unsubscribed_at is not None
    check("unsubscribed")


def test_archive_and_mein_konto(page, live_server, check, transactional_db):
    person = UserFactory()
    services.subscribe(email=person.email, segments=[], user=person)
    issue = Issue.objects.create(subject="Ausgabe Dezember", body="## Fristen\n\n- eins\n- zwei")
    services.start_sending(issue=issue)
    services.fan_out(issue_id=issue.pk)
    page.goto(live_server.url + reverse("newsletter:archive"))
    check("archive")
    _click(page, "main a[href*='/newsletter/archiv/']")
    check("archive issue")

    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", PASSWORD)
    _click(page, "main form button[type=submit]")
    page.goto(live_server.url + reverse("newsletter:my_newsletter"))
    check("Mein Konto: newsletter")
