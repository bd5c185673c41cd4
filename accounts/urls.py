from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="account_overview"),
    path("daten/", views.profile, name="account_profile"),
    path("export/", views.export, name="account_export"),
    path("loeschen/", views.delete, name="account_delete"),
]
