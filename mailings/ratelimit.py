"""A rate limit for bulk mail that holds across workers: a fixed one-minute window counted in
the shared cache (Redis in production; the embedded default's local-memory cache counts for
its one process).

Each worker asks for permits before it sends a chunk; the counter of the current minute is
raised atomically (Redis INCR), and what was asked for beyond the limit is given back, so
the permits granted in one minute never add up to more than the limit, however many workers
ask at once. Windows follow the workers' clocks (kept in step by NTP); a skew of a second
lets at most that second's share through twice.
"""

import time

from django.conf import settings
from django.core.cache import cache

KEY = "mailings:bulk-rate:{window}"
WINDOW_SECONDS = 60
_clock = time.time  # the worker's clock (a test holds it still)


def per_minute() -> int:
    """The configured limit; 0 means unlimited."""
    return settings.OUTBOX_BULK_RATE_PER_MINUTE


def acquire(wanted: int, *, now: float | None = None) -> int:
    """Take up to `wanted` permits from the current minute; returns how many were granted."""
    limit = per_minute()
    if limit <= 0 or wanted <= 0:
        return max(wanted, 0)
    now = _clock() if now is None else now
    key = KEY.format(window=int(now // WINDOW_SECONDS))
    cache.add(key, 0, timeout=2 * WINDOW_SECONDS)  # the window's counter, unless it exists
    try:
        used = cache.incr(key, wanted)
    except ValueError:  # evicted between add and incr: start it again
        cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
        used = cache.incr(key, wanted)
    granted = min(wanted, max(limit - (used - wanted), 0))
    if granted < wanted:
        # Give back what is not used, so a worker asking later in the minute gets it.
        cache.decr(key, wanted - granted)
    return granted


def seconds_to_next_window(*, now: float | None = None) -> float:
    now = _clock() if now is None else now
    return WINDOW_SECONDS - (now % WINDOW_SECONDS)
