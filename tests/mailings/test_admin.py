import pytest
from django.contrib.auth.models import Group

from mailings.models import Email
from portal.staff_groups import REDAKTION
from tests.factories import StaffFactory
from tests.helpers import log_in_with_second_factor
from tests.mailings.factories import EmailFactory


@pytest.fixture
def editor(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=REDAKTION))
    log_in_with_second_factor(client, staff)
    return staff


@pytest.mark.django_db
def test_staff_filter_failed_mails_and_send_them_again(
    client, editor, mailoutbox, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    failed = EmailFactory(status=Email.Status.FAILED, last_error="550 unbekannt", attempts=6)
    EmailFactory.create_batch(5, status=Email.Status.SENT, sent_at=failed.created_at)
    # session, user, second factor, permissions ×2, counts ×2, site configuration ×2, rows,
    # date hierarchy ×2, the language and template filters: fixed, whatever the number of mails
    with django_assert_max_num_queries(14):
        response = client.get("/admin/mailings/email/?status__exact=failed")
    assert response.status_code == 200
    html = response.content.decode()
    assert failed.subject in html
    assert html.count('name="_selected_action"') == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/mailings/email/",
            {"action": "resend", "_selected_action": [failed.pk]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Email.Status.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_personal_links_are_hidden_from_staff(client, editor):
    secret = EmailFactory(sensitive=True, body_text="https://portal/konto/password/reset/key/x")
    html = client.get(f"/admin/mailings/email/{secret.pk}/change/").content.decode()
    assert "reset/key" not in html
