"""Bulk mail (newsletters): rows rendered by the caller, inserted many at once, sent in batches.

- `enqueue_many` inserts pre-rendered rows marked `bulk` with `bulk_create(ignore_conflicts=
  True)` on the unique key, so a resumed fan-out inserts only what is missing; it renders no
  template and checks each address and header with the outbox's rules (a bad one is skipped
  and counted). After commit it starts the bulk delivery task.
- `deliver_batch` claims up to OUTBOX_BULK_BATCH due bulk rows at once (`SELECT … FOR UPDATE
  SKIP LOCKED` in a short transaction and one `UPDATE` with a fresh claim token: two workers
  never get the same row), sends them over one SMTP connection, chunk by chunk within the rate
  limit (mailings.ratelimit), and records the results per chunk in a few statements, only for
  rows that still carry its claim token.
- `deliver_due` loops batches for the task `mailings.tasks.deliver_bulk` (queue "bulk"), which
  re-queues itself while more is due. The sweeper never hands bulk rows to the per-mail task;
  it starts the bulk task when bulk rows are due and none ran recently, and puts rows of a
  killed worker back into the queue after OUTBOX_STUCK_AFTER_SECONDS like any other mail.

A worker killed mid-batch leaves the rows it sent since the last recorded chunk (at most
OUTBOX_BULK_CHUNK) marked as sending; they are sent again after the stuck threshold, with the
same Message-ID, so a receiving server can drop the duplicate.
"""

import logging
import smtplib
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import translation

from . import ratelimit
from .exceptions import InvalidHeaderError, OutboxError
from .health import blocked_addresses, is_address_failure, record_permanent_failures
from .models import Email
from .services import (
    BULK_RUNNING_KEY,
    _breaks_a_header,
    _build_message,
    _check_addressing,
    _database_time,
    _is_temporary,
    backoff_seconds,
    kick_bulk_delivery,
)

__all__ = ["BulkMessage", "blocked_addresses", "deliver_batch", "deliver_due", "enqueue_many"]

logger = logging.getLogger(__name__)

_KEY_LENGTH = Email._meta.get_field("key").max_length
_SUBJECT_LENGTH = Email._meta.get_field("subject").max_length
_LANGUAGE_LENGTH = Email._meta.get_field("language").max_length
_TEMPLATE_LENGTH = Email._meta.get_field("template").max_length


@dataclass(frozen=True)
class BulkMessage:
    key: str  # idempotency key, e.g. "newsletter:<issue id>:<subscription id>"
    to: str
    subject: str
    body_text: str  # already rendered: per-recipient parts filled in by the caller
    body_html: str
    headers: dict  # e.g. List-Unsubscribe, List-Unsubscribe-Post
    language: str = "de"
    recipient_user_id: int | None = None


SkipHandler = Callable[[BulkMessage, str], None]


def enqueue_many(
    messages: Iterable[BulkMessage], *, batch_size: int = 1000, on_skip: SkipHandler | None = None
) -> int:
    """Bulk-insert outbox rows marked bulk (ignore_conflicts on the unique key: a resumed
    fan-out inserts only what is missing); returns how many rows are new. Starts the bulk
    delivery after commit. Addresses/headers are checked with the outbox's rules; a bad
    one is skipped and counted, never written.

    Skipped too: an address blocked for bulk mail (blocked_addresses). `on_skip(message,
    reason)` is called for each skipped message (the reason is in English, for logs and staff);
    the count is logged.
    """
    new = skipped = 0
    with transaction.atomic():
        for batch in _batched(messages, batch_size):
            rows, refused = _rows(batch)
            for message, reason in refused:
                skipped += 1
                if on_skip is not None:
                    on_skip(message, reason)
            new += _insert_missing(rows, batch_size=batch_size)
        if new:
            # robust: with the broker down the fan-out still commits; the sweeper starts it.
            transaction.on_commit(kick_bulk_delivery, robust=True)
    if skipped:
        logger.warning("Bulk enqueue: %d new, %d skipped (address or header refused)", new, skipped)
    return new


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, max(size, 1))):
        yield batch


def _rows(batch: list[BulkMessage]) -> tuple[list[Email], list[tuple[BulkMessage, str]]]:
    """The rows to insert, and the refused messages with the reason."""
    rows, refused = [], []
    with translation.override("en"):  # reasons are for logs and staff, like the outbox's errors
        checked = []
        for message in batch:
            try:
                _check_message(message)
            except OutboxError as exc:
                refused.append((message, str(exc)))
            else:
                checked.append(message)
    blocked = blocked_addresses(message.to for message in checked)
    for message in checked:
        if message.to in blocked:
            refused.append((message, "Not queued: the address is blocked for bulk mail."))
            continue
        rows.append(
            Email(
                key=message.key,
                to=message.to,
                recipient_user_id=message.recipient_user_id,
                language=message.language,
                template=("bulk/" + message.key.split(":", 1)[0])[:_TEMPLATE_LENGTH],
                subject=message.subject[:_SUBJECT_LENGTH],
                body_text=message.body_text,
                body_html=message.body_html,
                headers=message.headers,
                bulk=True,
            )
        )
    return rows, refused


def _check_message(message: BulkMessage) -> None:
    """Raise an OutboxError unless the message can be written and sent as it is."""
    if not isinstance(message.key, str) or not 0 < len(message.key) <= _KEY_LENGTH:
        raise InvalidHeaderError(f"The key must be 1 to {_KEY_LENGTH} characters.", field="key")
    _check_addressing(to=message.to, headers=message.headers)
    if not isinstance(message.subject, str) or (
        not message.subject.isprintable() and any(map(_breaks_a_header, message.subject))
    ):
        raise InvalidHeaderError(
            "The subject must be text without line breaks or control characters.",
            field="subject",
        )
    if not isinstance(message.language, str) or not 0 < len(message.language) <= _LANGUAGE_LENGTH:
        raise InvalidHeaderError("The language must be a language code.", field="language")
    if not isinstance(message.body_text, str) or not isinstance(message.body_html, str):
        raise InvalidHeaderError("The text and HTML bodies must be text.", field="body")
    if message.recipient_user_id is not None and not isinstance(message.recipient_user_id, int):
        raise InvalidHeaderError("The recipient account must be an id.", field="recipient_user")


def _insert_missing(rows: list[Email], *, batch_size: int) -> int:
    """Insert the rows whose key is not there yet; return how many are new."""
    if not rows:
        return 0
    existing = set(
        Email.objects.filter(key__in=[row.key for row in rows]).values_list("key", flat=True)
    )
    missing = {row.key: row for row in rows if row.key not in existing}  # a key twice: once
    if not missing:
        return 0
    Email.objects.bulk_create(missing.values(), batch_size=batch_size, ignore_conflicts=True)
    # ignore_conflicts returns no ids: count what is there now (a fan-out of the same keys
    # racing this one could make both count a row; the newsletter never sends an issue twice).
    return Email.objects.filter(key__in=list(missing)).count()


# --- Delivery -----------------------------------------------------------------------------


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0  # temporary failure: back in the queue with back-off
    failed: int = 0
    released: int = 0  # not tried (rate limit, time, connection lost): back in the queue
    wait: float | None = None  # the rate limit is used up: continue after this many seconds
    connection_lost: bool = False


def deliver_batch(*, limit: int | None = None) -> int:
    """Claim up to `limit` due bulk rows and send them over one SMTP connection; returns how
    many were sent (0 also when nothing was due)."""
    return run_batch(limit=limit).sent


def run_batch(*, limit: int | None = None) -> BatchResult:
    """deliver_batch, with the whole outcome."""
    token = uuid.uuid4()
    rows = _claim(limit or settings.OUTBOX_BULK_BATCH, token)
    result = BatchResult(claimed=len(rows))
    if not rows:
        return result
    batch = _Batch(token, result)
    try:
        rows = batch.refuse_unsendable(rows)
        if rows:
            _send(rows, batch)
    finally:
        # Whatever stopped the batch (an error, the task's soft time limit): record what was
        # done and put back what was not tried. Only a killed process leaves rows in sending.
        batch.flush()
        batch.release(batch.untried)
    return result


def _claim(limit: int, token: uuid.UUID) -> list[Email]:
    """Mark up to `limit` due bulk rows as ours; rows another worker has locked are skipped."""
    with transaction.atomic():
        ids = _pick_due(limit)
        if not ids:
            return []
        Email.objects.filter(_still_queued(ids)).update(
            status=Email.Status.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=Now(),
            claim_token=token,
            dispatched_at=None,
        )
    return list(Email.objects.filter(id__in=ids, claim_token=token).order_by("id"))


def _pick_due(limit: int) -> list[int]:
    """The oldest due bulk rows, locked for this transaction (email_bulk_due_idx)."""
    return list(
        Email.objects.filter(bulk=True, status=Email.Status.QUEUED, next_attempt_at__lte=Now())
        .order_by("next_attempt_at", "id")
        .select_for_update(skip_locked=True)
        .values_list("id", flat=True)[:limit]
    )


def _still_queued(ids: list[int]) -> Q:
    return Q(id__in=ids, status=Email.Status.QUEUED)


@dataclass
class _Batch:
    """The outcome of one claim, written in a few statements per chunk."""

    token: uuid.UUID
    result: BatchResult
    sent: list[int] = field(default_factory=list)
    failures: list[tuple[Email, Exception]] = field(default_factory=list)
    untried: list[int] = field(default_factory=list)

    def ours(self, ids: list[int]):
        # Like services._still_claimed_by: a row cancelled or taken over meanwhile stays as is.
        return Email.objects.filter(id__in=ids, status=Email.Status.SENDING, claim_token=self.token)

    def refuse_unsendable(self, rows: list[Email]) -> list[Email]:
        """Give up rows whose address is blocked now, or breaks the rules (written by hand)."""
        blocked = blocked_addresses(row.to for row in rows)
        refused: dict[str, list[int]] = defaultdict(list)
        sendable = []
        with translation.override("en"):
            for row in rows:
                try:
                    _check_addressing(to=row.to, headers=row.headers)
                except OutboxError as exc:
                    refused[f"Not sent: {exc}"].append(row.id)
                    continue
                if row.to in blocked:
                    refused["Not sent: the address is blocked for bulk mail."].append(row.id)
                    continue
                sendable.append(row)
        for error, ids in refused.items():
            self.result.failed += self.ours(ids).update(
                status=Email.Status.FAILED, last_error=error, claim_token=None
            )
        self.untried = [row.id for row in sendable]
        return sendable

    def flush(self) -> None:
        """Record the sent rows (one UPDATE) and the failures (one per kind)."""
        if self.sent:
            self.result.sent += self.ours(self.sent).update(
                status=Email.Status.SENT, sent_at=Now(), last_error="", claim_token=None
            )
        deferred: dict[tuple[int, str], list[int]] = defaultdict(list)
        failed: dict[str, list[int]] = defaultdict(list)
        address_errors = {}
        for email, exc in self.failures:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            if _is_temporary(exc) and email.attempts < settings.OUTBOX_MAX_ATTEMPTS:
                deferred[(backoff_seconds(email.attempts), error)].append(email.id)
            else:
                failed[error].append(email.id)
                if is_address_failure(exc):
                    address_errors[email.to] = error
        for (retry_in, error), ids in deferred.items():
            self.result.deferred += self.ours(ids).update(
                status=Email.Status.QUEUED,
                next_attempt_at=_database_time(timedelta(seconds=retry_in)),
                last_error=error,
                claim_token=None,
            )
        for error, ids in failed.items():
            self.result.failed += self.ours(ids).update(
                status=Email.Status.FAILED, last_error=error, claim_token=None
            )
        if self.failures:
            logger.warning("Bulk batch: %d of its mails failed", len(self.failures))
        record_permanent_failures(address_errors)
        self.sent, self.failures = [], []

    def release(self, ids: list[int], *, after_seconds: int = 0) -> None:
        """Put rows that were not tried back into the queue, their attempt not counted."""
        if ids:
            self.result.released += self.ours(ids).update(
                status=Email.Status.QUEUED,
                attempts=F("attempts") - 1,
                next_attempt_at=_database_time(timedelta(seconds=after_seconds)),
                claim_token=None,
            )
        done = set(ids)
        self.untried = [i for i in self.untried if i not in done]


def _send(rows: list[Email], batch: _Batch) -> None:
    """Send the claimed rows over one SMTP connection, a chunk at a time."""
    # Stop starting new mails well before the claim counts as stuck (the sweeper would hand the
    # rest to another worker): half of what is left once a hanging send has timed out.
    stop_at = time.monotonic() + max(
        (settings.OUTBOX_STUCK_AFTER_SECONDS - settings.EMAIL_TIMEOUT) / 2, 1
    )
    chunk_size = max(settings.OUTBOX_BULK_CHUNK, 1)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        # No server: every row is a temporary failure (its attempt counts, it backs off).
        batch.failures = [(row, exc) for row in rows]
        batch.untried = []
        batch.result.connection_lost = True
        return
    reopened = False
    position = 0
    try:
        while position < len(rows):
            if time.monotonic() >= stop_at:
                return  # the rest goes back untried (run_batch)
            chunk = rows[position : position + chunk_size]
            granted = ratelimit.acquire(len(chunk))
            if not granted:
                wait = ratelimit.seconds_to_next_window()
                if wait > settings.OUTBOX_BULK_RATE_MAX_SLEEP_SECONDS:
                    batch.result.wait = wait
                    return
                time.sleep(wait)
                continue
            for email in chunk[:granted]:
                error = _send_one(connection, email)
                if error is not None and _connection_lost(error) and not reopened:
                    reopened = True  # once per batch: a server that keeps dropping us waits
                    error = _reopen(connection) or _send_one(connection, email)
                position += 1
                batch.untried.remove(email.id)
                if error is None:
                    batch.sent.append(email.id)
                    continue
                batch.failures.append((email, error))
                if isinstance(error, SoftTimeLimitExceeded):
                    return  # the task must end now: the rest goes back untried (run_batch)
                if _connection_lost(error):
                    batch.result.connection_lost = True
                    batch.flush()
                    batch.release(batch.untried, after_seconds=backoff_seconds(1))
                    return
            batch.flush()
    finally:
        connection.close()


def _send_one(connection, email: Email) -> Exception | None:
    try:
        connection.send_messages([_build_message(email, connection)])
    except Exception as exc:
        return exc
    return None


def _reopen(connection) -> Exception | None:
    connection.close()
    try:
        connection.open()
    except Exception as exc:
        return exc
    return None


def _connection_lost(exc: Exception) -> bool:
    """The connection is gone (not just this mail refused): sending more on it is pointless."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # the server is closing the connection
    # smtplib's errors are OSErrors too; a plain OSError is the socket's (reset, timeout).
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def deliver_due(*, budget_seconds: float | None = None) -> float | None:
    """Send bulk batches until nothing is due or the time budget is used up. Returns None when
    done (nothing due, or the server is unreachable: the sweeper starts the task again when the
    rows are due), else the seconds after which the task should continue."""
    budget = settings.OUTBOX_BULK_TASK_SECONDS if budget_seconds is None else budget_seconds
    end = time.monotonic() + budget
    while True:
        cache.set(BULK_RUNNING_KEY, 1, timeout=settings.OUTBOX_SEND_TIME_LIMIT_SECONDS)
        result = run_batch()
        if not result.claimed or result.connection_lost:
            cache.delete(BULK_RUNNING_KEY)
            return None
        if result.wait is not None:
            # The task continues after the wait: the sweeper need not start another meanwhile.
            wait_and_run = int(result.wait) + settings.OUTBOX_SEND_TIME_LIMIT_SECONDS
            cache.set(BULK_RUNNING_KEY, 1, timeout=wait_and_run)
            return result.wait
        if time.monotonic() >= end:
            return 0
