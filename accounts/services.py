"""What a person does with their own account: export it, delete it, edit it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import User
from .registry import personal_data_parts


def export_personal_data(*, user: User) -> dict:
    """Everything the portal holds about this person, one key per app part."""
    data = {
        "generated_at": timezone.now().isoformat(),
        "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
    }
    for part in personal_data_parts():
        data[part.name] = part.export(user)
    return data


def delete_account(*, user: User) -> None:
    """Erase the person: each app deletes or anonymises its part, the user row goes last."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for part in reversed(personal_data_parts()):
            part.erase(user)


def record_privacy_consent(*, user: User) -> None:
    """The time and text version of the privacy notice the person accepted."""
    user.privacy_consent_at = timezone.now()
    user.privacy_consent_version = settings.PRIVACY_NOTICE_VERSION
