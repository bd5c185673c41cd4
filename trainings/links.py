"""Signed links in training mails: give feedback without logging in. A link names one
registration; it is useless once feedback was given (one per registration)."""

from django.core import signing

from .models import Registration

FEEDBACK_SALT = "trainings.feedback-link"
FEEDBACK_MAX_AGE = 60 * 60 * 24 * 90  # three months after the thank-you mail


def feedback_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=FEEDBACK_SALT, compress=True)


def registration_for_feedback(token: str) -> Registration | None:
    """The attended registration the link may still give feedback for, or None."""
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT, max_age=FEEDBACK_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Registration.objects.select_related("course")
        .filter(
            pk=data.get("r"),
            status=Registration.Status.CONFIRMED,
            attendance=Registration.Attendance.ATTENDED,
            feedback__isnull=True,
        )
        .first()
    )
