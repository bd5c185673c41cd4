"""Staff reach admin only with a second factor: no TOTP set up → sent to set it up."""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_mfa_setup(request):
            messages.info(
                request,
                _("Please set up two-factor authentication before you use the administration."),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.path})}")
        return self.get_response(request)

    @staticmethod
    def _needs_mfa_setup(request) -> bool:
        if not request.path.startswith(reverse("admin:index")):
            return False
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
