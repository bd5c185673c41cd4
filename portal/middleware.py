"""Site-wide request handling: the language rule and personal pages kept out of caches."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .language import preferred_language, remember_language


class PortalLocaleMiddleware:
    """Speak the language of portal.language.preferred_language (not Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(preferred_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies  # a choice just made
        ):
            # The profile's language also holds after logging out (e.g. its notice). Asked
            # again now: a login request began anonymous, in the default language.
            remember_language(response, preferred_language(request))
        return response


class NoStoreForPersonalPagesMiddleware:
    """Pages for a logged-in person and the account area are never stored by a browser or
    proxy cache (shared computers, the back button after logging out)."""

    PRIVATE_PREFIXES = ("/konto/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = request.path.startswith(self.PRIVATE_PREFIXES) or (
            user is not None and user.is_authenticated
        )
        if personal and response.get("Content-Type", "").startswith(
            ("text/html", "application/json")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
