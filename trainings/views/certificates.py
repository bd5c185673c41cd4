"""Certificates: the owner downloads their Teilnahmebescheinigung; anyone checks a code.

The public check shows what the certificate itself says — name, course, dates, hours, issue
date — and nothing else of the person. Lookups are rate-limited per address, so the codes
cannot be tried out in bulk.
"""

import re

from allauth.core.internal import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..certificates import certificate_pdf as render_certificate
from ..certificates import pdf_filename
from ..models import Certificate, Registration
from ..services import CERTIFICATE_ALPHABET

CODE_LENGTH = 12
MAX_ID = 2**31 - 1


def too_many_message() -> str:
    return _("You have done this several times in a short while. Please try again later.")


def normalised_code(value: str) -> str | None:
    """A code as people type it (lower case, spaces, without hyphens) in its stored form."""
    compact = re.sub(r"[\s-]", "", value or "").upper()
    if len(compact) != CODE_LENGTH or any(c not in CERTIFICATE_ALPHABET for c in compact):
        return None
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=40,
        help_text=gettext_lazy(
            "It is printed at the bottom of the certificate, e.g. ABCD-EFGH-JKLM."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalised_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A code has twelve letters and digits, e.g. ABCD-EFGH-JKLM.")
            )
        return code


@login_required
def certificate_pdf(request, pk: int):
    """The person's own certificate as a PDF; 404 for anyone else or without a certificate."""
    if pk > MAX_ID:
        raise Http404
    certificate = (
        Certificate.objects.filter(
            registration__pk=pk,
            registration__user=request.user,
            registration__status=Registration.Status.CONFIRMED,
            registration__attendance=Registration.Attendance.ATTENDED,
        )
        .select_related("registration")
        .first()
    )
    if certificate is None:
        raise Http404
    # Making the PDF costs the server about half a second: not on an endless loop.
    usage = ratelimit.consume(
        request,
        app="allauth.account",
        action="training_certificate_pdf",
        user=request.user,
        limit_get=True,
    )
    if not usage:
        messages.error(request, too_many_message())
        return redirect("trainings:my_trainings")
    response = HttpResponse(render_certificate(certificate), content_type="application/pdf")
    filename = pdf_filename("teilnahmebescheinigung", certificate.code)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _lookup(request, code: str):
    """The certificate with this code, or None; False when the address asked too often."""
    # The check is a GET (a link on the certificate): allauth limits only other methods unless
    # told to, hence its internal consume with limit_get (as accounts/ratelimits.py uses it).
    usage = ratelimit.consume(
        request, app="allauth.account", action="training_certificate_check", limit_get=True
    )
    if not usage:
        return False
    return Certificate.objects.filter(code=code).first()


def verify(request):
    """A form asking for the code (GET ?code=…); a valid code shows the result here."""
    form = VerifyForm(request.GET or None)
    context = {"form": form}
    status = 200
    if form.is_bound and form.is_valid():
        found = _lookup(request, form.cleaned_data["code"])
        if found is False:
            form.add_error("code", too_many_message())
            status = 429
        elif found is None:
            context["not_found"] = form.cleaned_data["code"]
            status = 404
        else:
            return redirect("trainings:verify_code", found.code)
    return render(request, "trainings/certificate_verify.html", context, status=status)


def verify_code(request, code: str):
    """What the certificate with this code says (name, course, dates, hours, issue date)."""
    normal = normalised_code(code[:40])
    if normal is None:
        found = None
    else:
        if normal != code:
            return redirect("trainings:verify_code", normal)
        found = _lookup(request, normal)
    if found is False:
        return render(
            request,
            "trainings/certificate_verify.html",
            {"form": VerifyForm(), "too_many": too_many_message()},
            status=429,
        )
    if found is None:
        return render(
            request,
            "trainings/certificate_verify.html",
            {"form": VerifyForm(initial={"code": code[:40]}), "not_found": code[:40]},
            status=404,
        )
    return render(request, "trainings/certificate_verify_result.html", {"certificate": found})
