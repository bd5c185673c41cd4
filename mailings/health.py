"""Permanent delivery failures per address: after OUTBOX_BULK_BLOCK_AFTER of them an address
gets no more bulk mail until staff reset it. Transactional mail is never held back by this."""

import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Now

from .models import AddressHealth

_IN_CHUNK = 5000  # addresses per IN (...) list


def is_address_failure(exc: Exception) -> bool:
    """A 5xx answer about the recipient: refused at RCPT, or the message refused at DATA.
    Not a refused sender (that is the portal's problem, and would block everybody)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(500 <= code < 600 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return False
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def record_permanent_failures(errors: dict[str, str]) -> None:
    """Count one permanent failure for each address (`address -> error`) and block those that
    reached the threshold. Three statements for any number of addresses; safe when two workers
    record failures of one address at once (the increment happens in the database)."""
    errors = {address.lower(): error[:2000] for address, error in errors.items()}
    if not errors:
        return
    AddressHealth.objects.bulk_create(
        [AddressHealth(address=address) for address in errors], ignore_conflicts=True
    )
    rows = AddressHealth.objects.filter(address__in=list(errors))
    rows.update(
        permanent_failures=F("permanent_failures") + 1,
        last_failure_at=Now(),
        last_error=Case(
            *[When(address=address, then=Value(error)) for address, error in errors.items()],
            output_field=TextField(),
        ),
    )
    rows.filter(
        blocked_since__isnull=True, permanent_failures__gte=settings.OUTBOX_BULK_BLOCK_AFTER
    ).update(blocked_since=Now())


def blocked_addresses(addresses: Iterable[str]) -> set[str]:
    """The given addresses (as given) that get no bulk mail: too many permanent failures."""
    by_lower: dict[str, list[str]] = {}
    for address in addresses:
        by_lower.setdefault(address.lower(), []).append(address)
    lowered = list(by_lower)
    blocked: set[str] = set()
    for start in range(0, len(lowered), _IN_CHUNK):
        found = (
            AddressHealth.objects.filter(
                address__in=lowered[start : start + _IN_CHUNK], blocked_since__isnull=False
            )
            .order_by()
            .values_list("address", flat=True)
        )
        for address in found:
            blocked.update(by_lower[address])
    return blocked


def reset(*, rows) -> int:
    """Staff: the addresses may receive bulk mail again; their failures count from zero."""
    return rows.update(permanent_failures=0, blocked_since=None)
