"""Staff reach admin only after this session passed a second factor.

No TOTP yet → set it up; TOTP set up but this session logged in with the password only
(e.g. before the factor existed) → confirm with a code first.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .second_factor import has_second_factor, session_passed_second_factor


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._guards_admin(request):
            user = request.user
            if not has_second_factor(user):
                messages.info(
                    request,
                    _("Please set up two-factor authentication before you use the administration."),
                )
                return self._redirect("mfa_activate_totp", request)
            if not session_passed_second_factor(request):
                messages.info(
                    request,
                    _("Please confirm with a code from your authenticator app to continue."),
                )
                return self._redirect("mfa_reauthenticate", request)
        return self.get_response(request)

    @staticmethod
    def _guards_admin(request) -> bool:
        user = request.user
        return (
            request.path.startswith(reverse("admin:index"))
            and user.is_authenticated
            and user.is_staff
        )

    @staticmethod
    def _redirect(url_name: str, request):
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
