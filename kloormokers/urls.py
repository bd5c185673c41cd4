from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Portal administration")
admin.site.site_title = _("Portal administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # The admin login is the portal login: same rate limits, same second factor.
    path("admin/login/", views.admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("<slug:slug>/", views.page, name="page"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "kloormokers.views.error_400"
handler403 = "kloormokers.views.error_403"
handler404 = "kloormokers.views.error_404"
handler500 = "kloormokers.views.error_500"
