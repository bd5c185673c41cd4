"""Same-origin POSTs without a CSRF token, for the one harmless form on every page.

The language switch is in the layout of every page. With a CSRF token it made every page
generate and mask a token and set the CSRF cookie — a third of the layout's time. Choosing a
language changes nothing but the language (and a logged-in person's preferred one), so it is
protected by the browser's own statement of where the request comes from instead: browsers send
`Sec-Fetch-Site` and `Origin` with every cross-site form POST.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.views.decorators.csrf import csrf_exempt


def is_same_origin(request) -> bool:
    """False when the browser says the request was sent by another site."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        # No browser leaves out both on a cross-site POST; a client that does is not a
        # victim's browser, so there is no request to forge.
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


def same_origin_without_token(view):
    """Accept the view's POSTs without a CSRF token, but only from the portal's own pages."""

    @csrf_exempt
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_same_origin(request):
            raise PermissionDenied("Cross-site request")
        return view(request, *args, **kwargs)

    return guarded
