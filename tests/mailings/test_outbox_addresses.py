"""The outbox takes only recipients and headers that are safe to put into a mail header."""

import pytest
from django.urls import reverse
from django.utils import translation

from mailings import services
from mailings.exceptions import InvalidHeaderError, InvalidRecipientError
from mailings.models import Email
from tests.mailings.factories import EmailFactory, enqueue_report


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the messages below are the English msgids
        yield


BAD_ADDRESSES = [
    '"x\x0bY"@example.org',  # Python's validator takes it; in a header it is a line break
    "name@example.org\r\nBcc: alle@example.org",
    "kein-at-zeichen",
    "zwei@at@example.org",
    "name@exa mple.org",
    "name@[127.0.0.1]",
    "",
    "a" * 250 + "@example.org",
]


@pytest.mark.django_db
@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_enqueue_refuses_an_invalid_recipient_before_writing_anything(
    address, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(InvalidRecipientError, match="Invalid recipient address") as excinfo,
    ):
        enqueue_report("test:bad-to", to=address)
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.field == "to"
    assert not Email.objects.exists()
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize("address", [a for a in BAD_ADDRESSES if a])  # "" means: no Reply-To
def test_enqueue_refuses_an_invalid_reply_to_address(address):
    with pytest.raises(
        InvalidRecipientError, match="Invalid address in the Reply-To header"
    ) as excinfo:
        enqueue_report("test:bad-reply-to", reply_to=address)
    assert excinfo.value.field == "Reply-To"
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_a_reply_address_goes_into_its_indexed_column_not_the_headers(
    mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(InvalidHeaderError):
        enqueue_report("test:header-reply-to", headers={"Reply-To": "hanna@beispiel.de"})
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue_report("test:reply-to", reply_to="hanna@beispiel.de")
    assert (email.reply_to, email.headers) == ("hanna@beispiel.de", {})
    assert mailoutbox[0].reply_to == ["hanna@beispiel.de"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"X-Hinweis": "eins\r\nBcc: alle@example.org"},
        {"X-Hinweis": "eins\nzwei"},
        {"X-Hinweis": "nul\x00"},
        {"X-Hinweis": "zeile\u2028trenner"},
        {"X-Hinweis": 42},
        {"X-Hin\r\nBcc": "alle@example.org"},
        {"X Hinweis": "Leerzeichen im Namen"},
        {"X-Hinweis:": "Doppelpunkt im Namen"},
        {"X-Hinwéis": "kein ASCII im Namen"},
    ],
)
def test_enqueue_refuses_headers_with_line_breaks_or_control_characters(
    headers, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(InvalidHeaderError, match="header") as excinfo:
        enqueue_report("test:bad-header", headers=headers)
    assert isinstance(excinfo.value, ValueError)
    assert not Email.objects.exists()
    # Ordinary text, umlauts and dashes included, still go out.
    good = {"X-Hinweis": "Barriere gemeldet – bitte prüfen"}
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_report("test:good-headers", headers=good)
    sent = mailoutbox[0].extra_headers
    assert {name: sent[name] for name in good} == good


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"to": '"x\x0bY"@example.org'}, "Invalid recipient address"),
        ({"reply_to": "a@example.org\nBcc: b@example.org"}, "in the Reply-To header"),
        ({"headers": {"X-Hinweis": "a\r\nBcc: b@example.org"}}, "X-Hinweis header"),
    ],
)
def test_a_row_written_before_the_check_is_failed_not_sent(row, problem, mailoutbox):
    email = EmailFactory(sensitive=True, body_text="https://portal/geheimer-link", **row)
    assert services.deliver(email_id=email.id) == Email.Status.FAILED
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert email.last_error.startswith("Not sent: ")
    assert problem in email.last_error
    assert "geheimer-link" not in email.body_text  # nobody received the link: drop it
    assert mailoutbox == []


@pytest.mark.django_db
def test_barrier_report_with_an_address_unsafe_for_a_header_is_a_form_error(client):
    response = client.post(
        reverse("barrier_report"),
        {"description": "Kontrast", "email": '"x\x0bY"@example.org'},
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not Email.objects.exists()
