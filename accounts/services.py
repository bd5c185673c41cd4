"""What a person does with their own account: export it, delete it, edit it; their sessions."""

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.utils import timezone

from portal.registry import personal_data_parts

from .exceptions import AuditedAccountError
from .models import Session, User
from .session_store import SessionStore


def export_personal_data(*, user: User) -> dict:
    """Everything the portal holds about this person, one key per app part."""
    data = {
        "generated_at": timezone.now().isoformat(),
        "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
    }
    for part in personal_data_parts():
        data[part.name] = part.export(user)
    return data


def has_audit_history(user: User) -> bool:
    """Staff, or anyone whose actions are in the admin's change history."""
    return user.is_staff or LogEntry.objects.filter(user=user).exists()


def delete_account(*, user: User) -> None:
    """Erase the person: each app deletes or anonymises its part, the user row goes last.

    Accounts with admin history are deactivated by an administrator instead, so the history
    of who changed what in the administration survives (it would cascade with the user).
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if has_audit_history(user):
            raise AuditedAccountError
        for part in reversed(personal_data_parts()):
            part.erase(user)


def deactivate_accounts(*, users) -> int:
    """Staff leaving: no more logins, sessions ended, the admin history kept."""
    with transaction.atomic():
        ids = list(users.values_list("pk", flat=True))
        count = User.objects.filter(pk__in=ids, is_active=True).update(is_active=False)
        Session.objects.filter(user_id__in=ids).delete()
    return count


def update_profile(
    *, user: User, first_name: str, last_name: str, phone: str, language: str
) -> User:
    """Save the person's own details."""
    user.first_name, user.last_name, user.phone = first_name, last_name, phone
    user.language = language
    user.save(update_fields=["first_name", "last_name", "phone", "language"])
    return user


def change_language(*, user: User, language: str) -> None:
    """The person's language, also for their e-mails."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def record_privacy_consent(*, user: User) -> None:
    """The time and text version of the privacy notice the person accepted."""
    user.privacy_consent_at = timezone.now()
    user.privacy_consent_version = settings.PRIVACY_NOTICE_VERSION


def end_other_sessions(*, user: User, keep_session_key: str | None = None) -> int:
    """Log the person out everywhere else (e.g. after a second factor was added)."""
    sessions = Session.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    deleted, _per_model = sessions.delete()
    return deleted


def clear_expired_sessions() -> None:
    """Delete expired sessions and those of people who no longer exist (periodic)."""
    SessionStore.clear_expired()
    Session.objects.filter(user__isnull=False).exclude(
        user_id__in=User.objects.values("pk")
    ).delete()
