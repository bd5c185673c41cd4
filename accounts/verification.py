"""The verification mail at sign-up and at a login with an unconfirmed address: say honestly
whether one went out, and send it again on request, through allauth's own flow.

allauth sends at most one verification mail per address in three minutes (ACCOUNT_RATE_LIMITS
"confirm_email") and, when the limit holds one back, still shows "we have sent you an e-mail".
The adapter notes whether a mail really went out (`note_mail_sent`), the page reads it.
Sign-up with an address that already has an account goes through the same steps (allauth sends
that address an "account already exists" mail instead), so the page never tells whether an
address has an account.
"""

from allauth.account.internal.flows.email_verification import send_verification_email_at_login
from allauth.account.stages import EmailVerificationStage, LoginStageController
from allauth.account.utils import has_verified_email

from .ratelimits import minutes_until_allowed

# The mails allauth sends when it asks a person to confirm an address (or, preventing
# enumeration, in their place).
VERIFICATION_MAILS = {
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/account_already_exists",
    "account/email/unknown_account",
}
STATE_SESSION_KEY = "accounts_verification_mail"
_SENT_IN_THIS_REQUEST = "_accounts_verification_mail_sent"


def note_mail_sent(request, template_prefix: str) -> None:
    if request is not None and template_prefix in VERIFICATION_MAILS:
        setattr(request, _SENT_IN_THIS_REQUEST, True)


def remember_outcome(request) -> None:
    """After allauth tried to send the verification mail: did one go out?"""
    request.session[STATE_SESSION_KEY] = {"sent": getattr(request, _SENT_IN_THIS_REQUEST, False)}


def pending_verification(request):
    """The half-finished sign-up or login waiting for the address to be confirmed, if any."""
    return LoginStageController.enter(request, EmailVerificationStage.key)


def _address(stage) -> str | None:
    """The address the mail goes to (a sign-up names the person, not the address)."""
    login = stage.login
    return login.email or getattr(login.user, "email", None)


def page_state(request) -> dict:
    """What the verification page may say: sent (True/False, None if unknown), whether a new
    mail can be asked for here, and after how many minutes the limit lets one through."""
    stage = pending_verification(request)
    sent = (request.session.get(STATE_SESSION_KEY) or {}).get("sent")
    minutes = None
    address = _address(stage) if stage is not None else None
    if address and sent is False:
        minutes = minutes_until_allowed(request, action="confirm_email", key=address.lower())
    return {"sent": sent, "can_resend": address is not None, "wait_minutes": minutes}


def resend(request) -> str:
    """Send the verification mail again through allauth's flow and rate limit. Returns "sent",
    "limited" (the limit held it back), "confirmed" (the address was confirmed meanwhile) or
    "nothing pending" (no sign-up or login in this session waits for it: timed out or never)."""
    stage = pending_verification(request)
    if stage is None or not _address(stage):
        return "nothing pending"
    if stage.login.user is not None and has_verified_email(stage.login.user, _address(stage)):
        stage.abort()  # log in anew; only the person who typed the password gets this far
        return "confirmed"
    send_verification_email_at_login(request, stage.login)
    remember_outcome(request)
    return "sent" if request.session[STATE_SESSION_KEY]["sent"] else "limited"
