"""How long until allauth's rate limits let a person try again, so messages can say so.

allauth counts attempts in the cache (one list of timestamps per rate, e.g. "5/5m/key") but
only answers "allowed or not". These read the same lists; they rely on allauth's internal
`allauth.core.internal.ratelimit` (65.x): tests/accounts/test_rate_limit_messages.py notices
when an upgrade changes it.
"""

import math
import time

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.utils.translation import ngettext


def seconds_until_allowed(request, *, action: str, key: str | None = None) -> int:
    """Seconds until the next attempt at `action` (for `key`, e.g. an address) is let through."""
    now = time.time()
    wait = 0.0
    for rate in allauth_ratelimit.get_rates(app="allauth.account", action=action):
        if (rate.per == "key" and key is None) or (
            rate.per == "user" and not request.user.is_authenticated
        ):
            continue
        cache_key = allauth_ratelimit.get_cache_key(
            request, app="allauth.account", action=action, rate=rate, key=key
        )
        counted = sorted(
            (stamp for stamp in cache.get(cache_key, []) if stamp > now - rate.duration),
            reverse=True,
        )
        if len(counted) >= rate.amount:
            # Allowed again once the attempt that fills the limit has left the window.
            wait = max(wait, counted[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def minutes_until_allowed(request, *, action: str, key: str | None = None) -> int:
    """The wait in whole minutes, at least one (said to a person, not to a machine)."""
    return max(1, math.ceil(seconds_until_allowed(request, action=action, key=key) / 60))


def too_many_failed_logins_message(minutes: int) -> str:
    return ngettext(
        "Too many failed attempts. Please try again in %(minutes)d minute.",
        "Too many failed attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
