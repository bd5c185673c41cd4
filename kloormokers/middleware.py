"""Language: German unless the person chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language; a county portal speaks German
first and offers English on request: the language switch (cookie) or the profile decides.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .language import supported


class PortalLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._chosen(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def _chosen(request) -> str | None:
        chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        user = getattr(request, "user", None)
        if chosen is None and user is not None and user.is_authenticated:
            chosen = supported(user.language)
        return chosen


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
