import pytest
from django.contrib.auth.models import Group

from mailings.models import Email
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor
from tests.mailings.factories import EmailFactory
from tests.queries import assert_queries_do_not_grow

OUTBOX = "/admin/mailings/email/"


@pytest.fixture
def editor(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=REDAKTION))
    log_in_with_second_factor(client, staff)
    return staff


def _shown_rows(response) -> int:
    return response.content.decode().count('name="_selected_action"')


@pytest.mark.django_db
def test_outbox_list_needs_the_same_queries_for_3_or_30_failed_mails(client, editor):
    def add_rows(count):
        EmailFactory.create_batch(count, status=Email.Status.FAILED, last_error="550 unbekannt")
        EmailFactory.create_batch(count, status=Email.Status.QUEUED)  # filtered out

    # session, user, second factor, permissions ×2, counts ×2, site configuration ×2 (does it
    # exist: the sidebar's add link; the row: the layout), the rows, date hierarchy ×2, the
    # language and template filters: 14 for 3 failed mails as for 30
    small, large = assert_queries_do_not_grow(
        lambda: client.get(OUTBOX, {"status__exact": "failed"}), add_rows=add_rows, queries=14
    )
    assert (_shown_rows(small), _shown_rows(large)) == (3, 30)


@pytest.mark.django_db
def test_staff_filter_failed_mails_and_send_them_again(
    client, editor, mailoutbox, django_capture_on_commit_callbacks
):
    failed = EmailFactory(status=Email.Status.FAILED, last_error="550 unbekannt", attempts=6)
    EmailFactory.create_batch(5, status=Email.Status.SENT, sent_at=failed.created_at)
    response = client.get(OUTBOX, {"status__exact": "failed"})
    assert response.status_code == 200
    assert failed.subject in response.content.decode()
    assert _shown_rows(response) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OUTBOX, {"action": "resend", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Email.Status.SENT
    assert len(mailoutbox) == 1


def _change_page(client, email) -> str:
    response = client.get(f"{OUTBOX}{email.pk}/change/")
    assert response.status_code == 200  # a 403 or a redirect would hide the text as well
    html = response.content.decode()
    assert email.to in html  # the row is on the page, not an empty form
    assert email.subject in html
    return html


@pytest.mark.django_db
def test_personal_links_are_hidden_from_staff(client, editor):
    secret = EmailFactory(
        sensitive=True,
        to="rieke@beispiel.de",
        subject="Passwort zurücksetzen",
        body_text="https://portal/konto/password/reset/key/x-geheim",
        body_html='<a href="https://portal/konto/password/reset/key/x-geheim">Link</a>',
    )
    html = _change_page(client, secret)
    assert "reset/key" not in html
    assert "x-geheim" not in html


@pytest.mark.django_db
def test_the_text_of_an_ordinary_mail_is_shown_to_staff(client, editor):
    """The control for the test above: the change page does show a mail's text."""
    ordinary = EmailFactory(
        to="fiete@beispiel.de",
        subject="Barriere gemeldet",
        body_text="Der Kontrast auf der Startseite ist zu schwach.",
    )
    assert "Der Kontrast auf der Startseite ist zu schwach." in _change_page(client, ordinary)


@pytest.mark.django_db
def test_redaktion_does_not_see_the_mails_of_advice_cases_beratung_does(client):
    """The outbox holds every app's mails; an advice booking's mail names the person, topic
    and time, which only Beratung may see (mailings.visibility)."""
    from portal.staff_groups import BERATUNG

    booking_mail = EmailFactory(template="emails/advice/booking_confirmed", subject="Termin X")
    EmailFactory(template="emails/barrier_report", subject="Barriere Y")
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name=REDAKTION))
    log_in_with_second_factor(client, editor)
    html = client.get("/admin/mailings/email/").content.decode()
    assert "Barriere Y" in html
    assert "Termin X" not in html
    assert client.get(f"/admin/mailings/email/{booking_mail.pk}/change/").status_code == 302
    editor.groups.add(Group.objects.get(name=BERATUNG))
    editor = type(editor).objects.get(pk=editor.pk)  # fresh permission cache
    log_in_with_second_factor(client, editor)
    assert "Termin X" in client.get("/admin/mailings/email/").content.decode()
