"""Site-wide pages: start page, content pages (Impressum …), health check, error pages."""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mailings.exceptions import OutboxError

from .forms import BarrierReportForm
from .language import supported
from .models import Page, SiteConfiguration
from .services import report_barrier


def home(request):
    return render(request, "kloormokers/home.html")


@cache_control(max_age=300)
def theme_css(request):
    """The county's theme colour from the site configuration (a stylesheet: no inline CSS)."""
    color = SiteConfiguration.load().theme_color  # validated as #rrggbb
    return HttpResponse(f":root {{ --portal-theme: {color}; }}\n", content_type="text/css")


@require_http_methods(["GET", "POST"])
def page(request, slug):
    page = Page.objects.for_slug(slug)
    if page is None:
        raise Http404
    form = None
    if slug == Page.Slug.ACCESSIBILITY:
        form = BarrierReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not ratelimit.consume(request, action="barrier_report"):
                form.add_error(
                    None,
                    _(
                        "You have sent several reports in a short time. "
                        "Please try again in a few minutes or write us an e-mail."
                    ),
                )
            else:
                try:
                    report_barrier(**form.cleaned_data)
                except OutboxError:
                    # e.g. the office address in the configuration cannot be mailed to
                    form.add_error(
                        None,
                        _("Your report could not be sent. Please write us an e-mail instead."),
                    )
                else:
                    messages.success(
                        request, _("Thank you! We have received your report and will answer soon.")
                    )
                    return redirect("page", slug=slug)
    elif request.method == "POST":
        return redirect("page", slug=slug)
    return render(request, "kloormokers/page_detail.html", {"page": page, "form": form})


@never_cache
def health(request):
    """For the load balancer: the database and the cache answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    cache.set("health-check", "ok", timeout=10)
    if cache.get("health-check") != "ok":
        return JsonResponse({"status": "cache unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_POST
def set_language(request):
    """Django's language switch; a logged-in person's choice also goes to the profile,
    so their e-mails come in the same language."""
    response = i18n.set_language(request)
    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def admin_login(request):
    """The admin login is the portal login (same rate limits, same second factor)."""
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied  # logged in, but not staff: no redirect loop to the login page
    query = request.GET.urlencode()
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))


def error_400(request, exception=None):
    # Not Django's default: it re-runs the CSRF check, which reads the unreadable body again.
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors: the database may be what failed; the county's name comes from
    # the settings' defaults instead of the site configuration row.
    language = translation.get_language() or settings.LANGUAGE_CODE
    context = {"site_config": settings.COUNTY_DEFAULTS, "LANGUAGE_CODE": language}
    return HttpResponseServerError(loader.get_template("500.html").render(context))
