import json

from allauth.core import ratelimit
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

from . import services
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
