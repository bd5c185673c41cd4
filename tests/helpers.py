"""Small helpers shared by tests: TOTP codes and links from mails."""

import re
import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value


def activate_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def first_link(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in: {text!r}"
    return match.group(0)
