"""Site-wide pages: start page, content pages (Impressum …), health check, error pages."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from .forms import BarrierReportForm
from .models import Page, SiteConfiguration
from .registry import home_sections


@require_safe
def home(request):
    # The sections of later apps (news, deadlines) change with time: rendered on every request,
    # outside the start page's shared fragment.
    sections = [{"section": s, "context": s.context(request)} for s in home_sections()]
    return render(request, "portal/home.html", {"sections": sections})


@require_safe
def page(request, slug):
    return render_page(request, load_page_or_404(slug))


def load_page_or_404(slug: str) -> Page:
    try:
        return Page.load(slug)
    except Page.DoesNotExist:
        raise Http404 from None


def render_page(request, page: Page, *, barrier_form: BarrierReportForm | None = None, status=200):
    """A content page; the accessibility statement carries the barrier-report form."""
    if page.slug == Page.Slug.ACCESSIBILITY and barrier_form is None:
        barrier_form = BarrierReportForm()
    context = {"page": page, "form": barrier_form}
    return render(request, "portal/page_detail.html", context, status=status)


@require_safe
@cache_control(max_age=300)
def theme_css(request):
    """The county's theme colour from the site configuration (a stylesheet: no inline CSS)."""
    color = SiteConfiguration.load().theme_color  # validated as #rrggbb
    return HttpResponse(f":root {{ --portal-theme: {color}; }}\n", content_type="text/css")


@never_cache
def health(request):
    """For the load balancer: the database and the cache answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    cache.set("health-check", "ok", timeout=10)
    if cache.get("health-check") != "ok":
        return JsonResponse({"status": "cache unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


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
