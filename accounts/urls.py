from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="account_overview"),
    path("daten/", views.profile, name="account_profile"),
    path("export/", views.export, name="account_export"),
    path("loeschen/", views.delete, name="account_delete"),
    # Before allauth's URLs (kloormokers/urls.py includes these first): same address and name.
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
    path("confirm-email/", views.email_verification_sent, name="account_email_verification_sent"),
]
