"""The admin's change history keeps what happened to a person's records, not who they were.

LogEntry rows name the object they are about (`object_repr`, e.g. a person's name or
address). When a person is erased, apps anonymise the entries about their objects; the
entries stay, so the history of staff actions remains complete.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

ERASED_REPR = "–"


def entries_about(model, object_ids) -> Q:
    """Entries about these objects of `model`."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return Q(content_type=content_type, object_id__in=[str(pk) for pk in object_ids])


def entries_naming(texts) -> Q:
    """Entries whose object name contains one of these texts (e.g. e-mail addresses)."""
    condition = Q(pk__in=[])
    for text in texts:
        if text:
            condition |= Q(object_repr__icontains=text)
    return condition


def anonymise(condition: Q) -> int:
    # change_message holds field names only (Django writes JSON of changed fields), never values.
    return LogEntry.objects.filter(condition).update(object_repr=ERASED_REPR)


def export(condition: Q) -> list[dict]:
    """What happened to the person's records, without the staff members' identities."""
    return [
        {
            "at": entry.action_time.isoformat(),
            "action": entry.get_action_flag_display(),
            "object": entry.object_repr,
            "change": entry.get_change_message(),
        }
        for entry in LogEntry.objects.filter(condition).order_by("action_time")
    ]
