"""The portal's URLs: each app brings its own; content pages only at their known addresses."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from portal import views as portal_views
from portal.models import Page

admin.site.site_header = _("Portal administration")
admin.site.site_title = _("Portal administration")

PAGE_SLUGS = "|".join(Page.Slug.values)

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("health/", portal_views.health, name="health"),
    path("theme.css", portal_views.theme_css, name="theme_css"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    # The admin login is the portal login: same rate limits, same second factor.
    path("admin/login/", portal_views.admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("", include("mailings.urls")),
    path("", include("network.urls")),
    path("", include("advice.urls")),
    path("", include("trainings.urls")),
    path("", include("infothek.urls")),
    path("", include("newsletter.urls")),
    re_path(rf"^(?P<slug>{PAGE_SLUGS})/$", portal_views.page, name="page"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
