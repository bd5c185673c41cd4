"""Which outbox rows a member of staff may see in admin.

The outbox holds every mail, and so the personal data of every app (an advice case's topic,
a volunteer's message to an association). An app registers the templates of its mails with
the permission that already lets staff see that data; the outbox admin shows such rows only
to staff who hold it (superusers see all).
"""

from django.db.models import Q

_restricted: dict[str, str] = {}  # template prefix -> "app_label.codename"


def restrict_templates(prefix: str, *, permission: str) -> None:
    _restricted[prefix] = permission


def hidden_from(user) -> Q:
    """The rows `user` may not see, as a condition (matches nothing when all are allowed)."""
    hidden = Q(pk__in=[])
    for prefix, permission in _restricted.items():
        if not user.has_perm(permission):
            hidden |= Q(template__startswith=prefix)
    return hidden
