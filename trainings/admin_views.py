"""The Qualifizierung admin's pages of their own: a course's participants as CSV, its sign-in
sheet as PDF, and the statistics.

Each is reached through CourseAdmin.get_urls (admin login, second factor) and checks the
trainings permission itself: staff of other groups get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from portal.period import PeriodForm

from . import participant_export
from .certificates import certificate_pdf as render_certificate
from .certificates import pdf_filename, sign_in_sheet_pdf
from .models import Certificate, Course
from .statistics import training_report

MAX_ID = 2**31 - 1


def _context(request, model_admin, title, **values):
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "has_view_permission": model_admin.has_view_permission(request),
        **values,
    }


def _course(pk: int) -> Course:
    course = Course.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if course is None:
        raise Http404
    return course


def _may_see_participants(request) -> bool:
    return request.user.has_perm("trainings.view_registration")


def participants_csv(request, model_admin, pk: int):
    """Every registration of the course (confirmed, waiting, cancelled) as CSV."""
    if not _may_see_participants(request):
        raise PermissionDenied
    course = _course(pk)
    return participant_export.csv_response(
        course.registrations.all(), name=f"teilnehmende-{course.slug}"
    )


def sign_in_sheet(request, model_admin, pk: int):
    """The Teilnehmendenliste to print: confirmed participants with a signature column."""
    if not _may_see_participants(request):
        raise PermissionDenied
    course = _course(pk)
    response = HttpResponse(sign_in_sheet_pdf(course), content_type="application/pdf")
    filename = f"teilnehmendenliste-{slugify(course.slug)[:60]}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def certificate_pdf(request, model_admin, pk: int):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    certificate = Certificate.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if certificate is None:
        raise Http404
    response = HttpResponse(render_certificate(certificate), content_type="application/pdf")
    filename = pdf_filename("teilnahmebescheinigung", certificate.code)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Statistics -----------------------------------------------------------------------------------


def statistics(request, model_admin):
    """Counts only: registrations, attendance, waiting lists per course, topic and month."""
    if not request.user.has_perm("trainings.view_statistics"):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    report = None
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data if form.is_bound else {}
        report = training_report(since=period.get("since"), until=period.get("until"))
    return TemplateResponse(
        request,
        "admin/trainings/statistics.html",
        _context(
            request,
            model_admin,
            gettext("Trainings in numbers"),
            form=form,
            report=report,
            today=timezone.localdate(),
        ),
    )
