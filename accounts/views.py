import json
from urllib.parse import urlencode

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import EmailVerificationSentView
from allauth.core import ratelimit
from allauth.mfa.totp.views import ActivateTOTPView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from portal.language import remember_language, supported
from portal.origin import same_origin_without_token
from portal.registry import account_sections

from . import services, verification
from .forms import DeleteAccountForm, ProfileForm


@login_required
def overview(request):
    sections = [{"section": s, "context": s.context(request.user)} for s in account_sections()]
    return render(request, "accounts/account_detail.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.update_profile(user=request.user, **form.cleaned_data)
        translation.activate(user.language)  # the confirmation speaks the new language
        messages.success(request, _("Your details have been saved."))
        response = redirect("account_overview")
        remember_language(response, user.language)
        return response
    return render(request, "accounts/profile_form.html", {"form": form})


@same_origin_without_token
@require_POST
def set_language(request):
    """Django's language switch; a logged-in person's choice also goes to the profile,
    so their e-mails come in the same language. No CSRF token (it is on every page):
    only the portal's own pages may send it (portal.origin)."""
    response = i18n.set_language(request)
    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        services.change_language(user=request.user, language=language)
    return response


@login_required
def export(request):
    data = services.export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"kloormokers-daten-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    if services.has_audit_history(request.user):
        # Staff are deactivated by an administrator; the admin history must stay whole.
        return render(request, "accounts/account_delete_refused.html", status=403)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    ):
        # The password check must not become a way to guess a password with a stolen session.
        form.add_error(None, _("Too many attempts. Please try again in a few minutes."))
    elif request.method == "POST" and form.is_valid():
        services.delete_account(user=request.user)
        logout(request)
        messages.success(request, _("Your account and your data have been deleted."))
        return redirect("home")
    return render(request, "accounts/account_confirm_delete.html", {"form": form})


class ActivateTotpView(ActivateTOTPView):
    """allauth's TOTP set-up, keeping where the person was going: admin sends staff here with
    ?next=/admin/, and the page after activation (the recovery codes) leads on there."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        secret = context["form"].secret
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["next_url"] = get_next_redirect_url(self.request)
        return context

    def get_success_url(self):
        url = super().get_success_url()
        next_url = get_next_redirect_url(self.request)
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url


activate_totp = ActivateTotpView.as_view()


class VerificationSentView(EmailVerificationSentView):
    """allauth's "confirm your address" page, honest about whether a mail went out, with a
    button that sends it again (allauth's flow and rate limit)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **verification.page_state(self.request)}

    def post(self, request, *args, **kwargs):
        outcome = verification.resend(request)
        if outcome == "nothing pending":
            messages.info(
                request,
                _(
                    "Please log in again with your e-mail address and password: we then send you "
                    "a new e-mail."
                ),
            )
            return redirect("account_login")
        if outcome == "confirmed":
            messages.success(request, _("Your e-mail address is confirmed. Please log in."))
            return redirect("account_login")
        if outcome == "sent":
            messages.success(request, _("We have sent you a new e-mail."))
        return redirect("account_email_verification_sent")  # "limited": the page says so


email_verification_sent = VerificationSentView.as_view()
