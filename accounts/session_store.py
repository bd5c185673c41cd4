"""Database sessions that know their person (SESSION_ENGINE = "accounts.session_store")."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

# allauth keeps a half-finished login (password done, second factor pending) in the session;
# such a session already names the person and must go with them too.
PENDING_LOGIN_KEYS = ("account_authentication_methods_user",)
PENDING_LOGIN_STATE = "account_login"


def session_owner_id(data: dict) -> int | None:
    """The id of the person a session belongs to or is logging in, if any."""
    candidates = [data.get(SESSION_KEY), *(data.get(key) for key in PENDING_LOGIN_KEYS)]
    pending = data.get(PENDING_LOGIN_STATE)
    if isinstance(pending, dict):
        candidates.append(pending.get("user_pk"))
    for value in candidates:
        if value is not None and str(value).isdigit():
            return int(value)
    return None


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = session_owner_id(data)
        return session
