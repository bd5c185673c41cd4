"""Bulk mail into the outbox (newsletters): many rows in one statement per batch.

A minimal stand-in for the interface of issue 11; the bulk delivery branch replaces it. Rows
written here are ordinary queued outbox rows: the sweeper hands them out and `deliver` sends
them one by one, like any other mail.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction

from .exceptions import OutboxError
from .models import Email
from .services import _check_addressing

BULK_TEMPLATE = "bulk"
SUBJECT_MAX = Email._meta.get_field("subject").max_length


@dataclass(frozen=True)
class BulkMessage:
    key: str  # idempotency key, e.g. "newsletter:<issue id>:<subscription id>"
    to: str
    subject: str
    body_text: str  # already rendered: per-recipient parts filled in by the caller
    body_html: str
    headers: dict = field(default_factory=dict)  # e.g. List-Unsubscribe, List-Unsubscribe-Post
    language: str = "de"
    recipient_user_id: int | None = None


def enqueue_many(messages: Iterable[BulkMessage], *, batch_size: int = 1000) -> int:
    """Insert the outbox rows of `messages` whose key is not there yet; returns how many are new.

    Addresses and headers are checked with the outbox's rules: a bad one is skipped, never
    written. The unique key makes a re-run insert only what is missing.
    """
    new = 0
    iterator = iter(messages)
    while batch := list(islice(iterator, batch_size)):
        rows = {}
        for message in batch:
            try:
                _check_addressing(to=message.to, headers=message.headers)
            except OutboxError:
                continue
            rows[message.key] = Email(
                key=message.key,
                to=message.to,
                recipient_user_id=message.recipient_user_id,
                language=message.language,
                template=BULK_TEMPLATE,
                subject=message.subject[:SUBJECT_MAX],
                body_text=message.body_text,
                body_html=message.body_html,
                headers=message.headers,
            )
        with transaction.atomic():
            existing = set(
                Email.objects.filter(key__in=list(rows)).order_by().values_list("key", flat=True)
            )
            missing = [row for key, row in rows.items() if key not in existing]
            Email.objects.bulk_create(missing, ignore_conflicts=True)
        new += len(missing)
    return new


def blocked_addresses(addresses: Iterable[str]) -> set[str]:
    """Addresses that had too many permanent failures for bulk mail (none in this stand-in)."""
    return set()
