"""The language rule, in one place: German unless the person chose English.

The choice is the language switch (a cookie) or, for a logged-in person, their profile; the
browser's Accept-Language is not followed (a county portal speaks German first).
"""

from django.conf import settings
from django.utils import translation


def supported(code: str | None) -> str | None:
    """The portal's language for a code like "en-us", or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def preferred_language(request) -> str:
    """The language to speak to this person: switch cookie, else profile, else German."""
    chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    user = getattr(request, "user", None)
    if chosen is None and user is not None and user.is_authenticated:
        chosen = supported(user.language)
    return chosen or settings.LANGUAGE_CODE


def remember_language(response, language: str) -> None:
    """Keep the choice in the switch cookie, so it holds after logging out too."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
