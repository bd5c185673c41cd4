from django.urls import path

from .views import catalogue, certificates, participation

app_name = "trainings"

urlpatterns = [
    path("fortbildungen/", catalogue.catalogue, name="catalogue"),
    path("fortbildungen/kalender.ics", catalogue.calendar_feed, name="feed"),
    path("fortbildungen/wunsch/", participation.wish, name="wish"),
    path("fortbildungen/kurs/<slug:slug>/", catalogue.course, name="course"),
    path("fortbildungen/kurs/<slug:slug>/kalender.ics", catalogue.course_calendar, name="ics"),
    path("fortbildungen/kurs/<slug:slug>/anmelden/", participation.register, name="register"),
    # Signed link from the thank-you mail: no login needed
    path("fortbildungen/feedback/<str:token>/", participation.feedback, name="feedback"),
    # Anyone may check a certificate's code; they see name, course and dates only
    path("fortbildungen/bescheinigung/", certificates.verify, name="verify"),
    path("fortbildungen/bescheinigung/<str:code>/", certificates.verify_code, name="verify_code"),
    # Meine Fortbildungen (Mein Konto)
    path("konto/fortbildungen/", participation.my_trainings, name="my_trainings"),
    path("konto/fortbildungen/<int:pk>/abmelden/", participation.cancel, name="cancel"),
    path(
        "konto/fortbildungen/<int:pk>/bescheinigung.pdf",
        certificates.certificate_pdf,
        name="certificate_pdf",
    ),
]
