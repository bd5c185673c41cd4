"""The outbox: enqueue a mail inside a business transaction, deliver it after commit.

Retries have one owner, the sweeper (a periodic task): a delivery task tries once and, on a
temporary failure, puts the mail back in the queue with its next attempt time in the database.
"""

import hashlib
import logging
import re
import smtplib
import unicodedata
import uuid
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Now
from django.utils import translation
from django.utils.translation import gettext as _

from portal.addresses import validate_email_address
from portal.models import SiteConfiguration

from .attachments import Attachment
from .exceptions import InvalidHeaderError, InvalidRecipientError, OutboxError
from .health import is_address_failure, record_permanent_failures
from .models import Email
from .rendering import render_email

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
ERASED_ADDRESS = "geloescht@invalid"
REMOVED_AFTER_SENDING = "(removed: contained a personal link or code)"
# Extra headers that carry an address: each holds one address under the portal's address rule.
# (Reply-To has its own column, see enqueue.)
ADDRESS_HEADERS = frozenset({"from", "sender", "to", "cc", "bcc"})
_HEADER_NAME = re.compile(r"[!-9;-~]+\Z")  # RFC 5322: printable US-ASCII except the colon
# Bulk delivery (mailings.bulk): set while a bulk task works, and when one was published.
BULK_RUNNING_KEY = "mailings:bulk-running"
BULK_KICKED_KEY = "mailings:bulk-kicked"


def enqueue(
    *,
    to: str,
    template: str,
    context: dict,
    key: str,
    language: str | None = None,
    headers: dict | None = None,
    reply_to: str = "",
    attachments: list[Attachment] | None = None,
    recipient_user=None,
    sensitive: bool = False,
) -> Email:
    """Write the outbox row in the caller's transaction; the same key twice is one mail.

    `reply_to` is the address of a person on whose behalf the mail goes out (kept in its own
    indexed column: it is their personal data); `recipient_user` ties the mail to an account
    (export, erasure); `sensitive` marks a mail with a personal link or code: hidden in admin,
    its text dropped once sent; `attachments` are small text files (e.g. an ICS invitation).
    An address or header that is not safe to send raises an OutboxError before anything is
    written.
    """
    _check_addressing(to=to, headers=headers or {})
    if reply_to:
        _check_address(reply_to, header="Reply-To")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    existing = Email.objects.filter(key=key).first()
    if existing:
        return existing
    rendered = render_email(template, context, language)
    email, created = _create_once(
        key=key,
        defaults={
            "to": to,
            "language": language,
            "template": template,
            "recipient_user": recipient_user,
            "sensitive": sensitive,
            "subject": rendered.subject[: Email._meta.get_field("subject").max_length],
            "body_text": rendered.text,
            "body_html": rendered.html,
            "headers": headers or {},
            "reply_to": reply_to,
            "attachments": [a.as_dict() for a in attachments or []],
        },
    )
    if created:
        _dispatch_after_commit(email.id)
    return email


def _create_once(*, key: str, defaults: dict) -> tuple[Email, bool]:
    """Insert the row for `key` unless there is one. Of two requests racing past the check in
    enqueue, the unique key lets one insert; get_or_create (in a savepoint, so the caller's
    transaction survives the IntegrityError) hands the other the winner's row."""
    with transaction.atomic():
        return Email.objects.get_or_create(key=key, defaults=defaults)


def requeue(*, email: Email) -> bool:
    """Staff resend: a failed (or long stuck) mail goes back to the queue with fresh attempts.

    A mail a worker is sending right now is left alone, so it cannot go out twice; a mail
    whose personal link was already removed cannot be sent again (the person asks anew).
    """
    resendable = Q(status=Email.Status.FAILED) | _stuck()
    with transaction.atomic():
        updated = (
            Email.objects.filter(resendable, id=email.id)
            .exclude(to=ERASED_ADDRESS)
            .exclude(body_text=REMOVED_AFTER_SENDING)
            .update(
                status=Email.Status.QUEUED,
                attempts=0,
                next_attempt_at=Now(),
                claim_token=None,
            )
        )
        if updated and email.bulk:
            # Back to the bulk worker (its queue, its rate limit, its check of blocked addresses).
            transaction.on_commit(kick_bulk_delivery, robust=True)
        elif updated:
            _dispatch_after_commit(email.id)
    return bool(updated)


def cancel_unsent(*, emails) -> int:
    """Stop mails that have not gone out yet (e.g. the recipient deleted their account).

    A mail being sent right now may still arrive; afterwards it stays cancelled, so neither
    a retry nor the sweeper sends it again.
    """
    unsent = [Email.Status.QUEUED, Email.Status.FAILED, Email.Status.SENDING]
    return emails.filter(status__in=unsent).update(status=Email.Status.CANCELLED, claim_token=None)


def purge_old(*, days: int) -> int:
    """Delete finished mails older than the retention period (data minimisation)."""
    cutoff = _database_time(-timedelta(days=days))
    done = [Email.Status.SENT, Email.Status.CANCELLED, Email.Status.FAILED]
    deleted, _per_model = Email.objects.filter(status__in=done, created_at__lt=cutoff).delete()
    return deleted


def deliver(*, email_id: int) -> str | None:
    """Send one queued, due mail; a row is claimed by one sender only, so it is sent once.

    The claim carries a fresh token and the result is recorded only while the row still
    carries it: a worker slower than the stuck threshold, whose mail the sweeper handed to
    another worker meanwhile, cannot overwrite that worker's result. Returns the status
    recorded, or None when this call recorded nothing.
    """
    token = uuid.uuid4()
    claimed = Email.objects.filter(_claimable(email_id)).update(
        status=Email.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=Now(),
        claim_token=token,
        dispatched_at=None,  # the task that was waiting for a worker has been picked up
    )
    if not claimed:
        return None
    email = Email.objects.get(id=email_id)
    email.claim_token = token  # ours; if the claim has ended by now, _finish records nothing
    try:
        with translation.override("en"):  # stored for staff in English, like the other errors
            _check_addressing(to=email.to, headers=email.headers)
            if email.reply_to:
                _check_address(email.reply_to, header="Reply-To")
    except OutboxError as exc:
        # Written before enqueue checked addresses: it must not reach a mail header.
        return _give_up(email, f"Not sent: {exc}")
    try:
        with get_connection(fail_silently=False) as connection:
            _build_message(email, connection).send()
    except Exception as exc:
        return _record_failure(email, exc)
    done = {"status": Email.Status.SENT, "sent_at": Now(), "last_error": ""}
    if email.sensitive:  # the link or code has done its job; do not keep it readable
        done |= {"body_text": REMOVED_AFTER_SENDING, "body_html": REMOVED_AFTER_SENDING}
    return Email.Status.SENT if _finish(email, **done) else None


def _claimable(email_id: int) -> Q:
    """The row may be claimed: queued and due. The claim is the UPDATE that matches this."""
    return Q(id=email_id, status=Email.Status.QUEUED, next_attempt_at__lte=Now())


def _still_claimed_by(email: Email) -> Q:
    """The row still carries the claim `email` was loaded with: not cancelled, not taken over."""
    return Q(id=email.id, status=Email.Status.SENDING, claim_token=email.claim_token)


def _finish(email: Email, **values) -> bool:
    """Record the outcome of our claim and end it, unless the claim is no longer ours."""
    return bool(Email.objects.filter(_still_claimed_by(email)).update(claim_token=None, **values))


def sweep() -> list[int]:
    """Hand out delivery tasks for what is due: retries after a temporary failure, mails whose
    task never reached the broker or got lost, and mails stuck in sending (worker died).

    A mail whose task was published less than OUTBOX_DISPATCH_GRACE_SECONDS ago is left
    alone: that task may still be waiting in the broker. Returns the ids handed out.
    """
    stuck = Email.objects.filter(_stuck())
    stuck.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=Email.Status.FAILED,
        claim_token=None,
        last_error="Given up: delivery got stuck too often.",
    )
    # A worker died mid-send: the server may or may not have taken the mail. Sending again
    # risks a duplicate (same Message-ID, so receivers can drop it); losing it is worse.
    # The worker's claim ends here: if it is only slow, its result will not be recorded.
    stuck.update(
        status=Email.Status.QUEUED,
        claim_token=None,
        next_attempt_at=Now(),
        last_error="Picked up again by the sweeper: the worker stopped while sending.",
    )
    with transaction.atomic():
        # Rows another sweep is handing out right now are skipped, not sent twice.
        due = list(
            Email.objects.filter(_dispatchable())
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:SWEEP_BATCH]
        )
        _mark_dispatched(due)
    _publish(due)
    _kick_bulk_if_idle()
    return due


def _dispatchable() -> Q:
    """Queued and due, and no delivery task for it published within the grace period."""
    grace = timedelta(seconds=settings.OUTBOX_DISPATCH_GRACE_SECONDS)
    no_task_waiting = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=_database_time(-grace))
    # Bulk rows are the bulk task's (mailings.bulk), never one delivery task each.
    return Q(status=Email.Status.QUEUED, bulk=False, next_attempt_at__lte=Now()) & no_task_waiting


def _kick_bulk_if_idle() -> None:
    """Start the bulk task when bulk rows are due and none is working or was just published
    (within OUTBOX_DISPATCH_GRACE_SECONDS): its worker was killed, or it stopped early."""
    if cache.get(BULK_RUNNING_KEY) is not None:
        return
    due = Email.objects.filter(bulk=True, status=Email.Status.QUEUED, next_attempt_at__lte=Now())
    if due.exists():
        kick_bulk_delivery(unless_kicked_recently=True)


def kick_bulk_delivery(*, unless_kicked_recently: bool = False) -> None:
    """Publish the bulk delivery task (queue "bulk"); it sends every due bulk row."""
    from .tasks import deliver_bulk

    grace = settings.OUTBOX_DISPATCH_GRACE_SECONDS
    if unless_kicked_recently and grace and not cache.add(BULK_KICKED_KEY, 1, timeout=grace):
        return
    if not unless_kicked_recently and grace:
        cache.set(BULK_KICKED_KEY, 1, timeout=grace)
    deliver_bulk.delay()


def _stuck() -> Q:
    """Claimed longer ago than the stuck threshold: its worker died (or is far too slow)."""
    stuck_before = _database_time(-timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS))
    return Q(status=Email.Status.SENDING, claimed_at__lt=stuck_before)


def _database_time(offset: timedelta) -> ExpressionWrapper:
    """The database's clock shifted by `offset`: one clock for every worker and web node."""
    return ExpressionWrapper(Now() + offset, output_field=DateTimeField())


def backoff_seconds(attempts: int) -> int:
    """Wait 1, 2, 4, … minutes after the n-th failed attempt, at most 30."""
    return min(60 * 2 ** max(attempts - 1, 0), 1800)


def _dispatch_after_commit(email_id: int) -> None:
    def dispatch():
        _mark_dispatched([email_id])
        _publish([email_id])

    # robust: if the broker is down the request still succeeds; the sweeper sends it later.
    transaction.on_commit(dispatch, robust=True)


def _mark_dispatched(email_ids: list[int]) -> None:
    Email.objects.filter(id__in=email_ids, status=Email.Status.QUEUED).update(dispatched_at=Now())


def _publish(email_ids: list[int]) -> None:
    """Put a delivery task for each mail into the broker (marked dispatched just before)."""
    from .tasks import deliver_email

    for position, email_id in enumerate(email_ids):
        try:
            deliver_email.delay(email_id)
        except Exception:
            # These never reached the broker: the next sweep may hand them out at once.
            Email.objects.filter(id__in=email_ids[position:], status=Email.Status.QUEUED).update(
                dispatched_at=None
            )
            raise


def _build_message(email: Email, connection) -> EmailMultiAlternatives:
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:24]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    headers = {
        # Stable across retries, so a receiving server can drop a duplicate.
        "Message-ID": f"<{digest}.{email.id}@{domain}>",
        "Auto-Submitted": "auto-generated",
        **email.headers,
    }
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _is_temporary(exc: Exception) -> bool:
    if isinstance(exc, SoftTimeLimitExceeded):  # the task's time limit: the server was too slow
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def _record_failure(email: Email, exc: Exception) -> str | None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_temporary(exc) and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        # Back in the queue; the sweeper hands it out again once it is due.
        retry_in = backoff_seconds(email.attempts)
        next_attempt_at = _database_time(timedelta(seconds=retry_in))
        deferred = _finish(
            email, status=Email.Status.QUEUED, next_attempt_at=next_attempt_at, last_error=error
        )
        if not deferred:
            return None
        logger.warning("Mail %s deferred for %ss: %s", email.id, retry_in, error)
        return Email.Status.QUEUED
    given_up = _give_up(email, error)
    if given_up and is_address_failure(exc):
        # Counts towards blocking the address for bulk mail; this mail's path never checks it.
        record_permanent_failures({email.to: error})
    return given_up


def _give_up(email: Email, error: str) -> str | None:
    given_up = {"status": Email.Status.FAILED, "last_error": error}
    if email.sensitive:  # a link nobody received must not stay readable either
        given_up |= {"body_text": REMOVED_AFTER_SENDING, "body_html": REMOVED_AFTER_SENDING}
    if not _finish(email, **given_up):
        return None
    logger.error("Mail %s failed: %s", email.id, error)
    return Email.Status.FAILED


def _check_addressing(*, to: str, headers: dict) -> None:
    """Raise an OutboxError unless the recipient and every extra header are safe to send."""
    _check_address(to)
    if not isinstance(headers, dict):
        raise InvalidHeaderError(
            _("The extra headers must map header names to text."), field="headers"
        )
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise InvalidHeaderError(
                _("A header name may only contain printable ASCII characters except the colon."),
                field="headers",
            )
        if name.lower() == "reply-to":
            raise InvalidHeaderError(
                _("Give a reply address as reply_to, not as a header."), field=name
            )
        if name.lower() in ADDRESS_HEADERS:
            _check_address(value, header=name)
        elif not isinstance(value, str) or (
            # isprintable() is False for every character _breaks_a_header refuses (and for
            # some harmless ones, e.g. no-break space): only those values are looked at closely.
            not value.isprintable() and any(_breaks_a_header(char) for char in value)
        ):
            raise InvalidHeaderError(
                _("The %(header)s header must be text without line breaks or control characters.")
                % {"header": name},
                field=name,
            )


def _check_address(value: str, *, header: str | None = None) -> None:
    try:
        validate_email_address(value)
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        if header is None:
            message = _("Invalid recipient address: %(reason)s") % {"reason": reason}
        else:
            message = _("Invalid address in the %(header)s header: %(reason)s") % {
                "header": header,
                "reason": reason,
            }
        raise InvalidRecipientError(message, field=header or "to") from exc


def _breaks_a_header(char: str) -> bool:
    # Control and format characters (CR, LF, NUL, …) and the Unicode line/paragraph separators.
    category = unicodedata.category(char)
    return category[0] == "C" or category in ("Zl", "Zp")


def report_barrier(*, description: str, page_url: str, name: str, email: str) -> Email:
    """Mail the office a barrier report (accessibility statement); the reporter's address,
    if given, becomes Reply-To. Raises an OutboxError if the office address cannot be used."""
    office = SiteConfiguration.load()
    with transaction.atomic():
        return enqueue(
            to=office.email,
            template="emails/barrier_report",
            context={
                "description": description,
                "page_url": page_url,
                "name": name,
                "email": email,
            },
            key=f"barrier-report:{uuid.uuid4().hex}",
            language=settings.LANGUAGE_CODE,  # the office works in German
            reply_to=email,
        )
