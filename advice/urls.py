from django.urls import path

from .views import booking, cases

app_name = "advice"

urlpatterns = [
    path("beratung/", booking.overview, name="overview"),
    path("beratung/termin/", booking.slot_picker, name="slots"),
    path("beratung/termin/<int:slot_id>/", booking.book, name="book"),
    path("beratung/bestaetigt/<str:number>/", booking.booked, name="booked"),
    path("beratung/frage/", booking.question, name="question"),
    path("beratung/frage/gesendet/<str:number>/", booking.question_sent, name="question_sent"),
    # Signed links from the booking mails: no login needed
    path("beratung/link/<str:token>/absagen/", cases.cancel_link, name="cancel_link"),
    path("beratung/link/<str:token>/verschieben/", cases.reschedule_link, name="reschedule_link"),
    # Meine Beratungen (Mein Konto)
    path("konto/beratungen/", cases.my_bookings, name="my_bookings"),
    path("konto/beratungen/<str:number>/absagen/", cases.cancel, name="cancel"),
    path("konto/beratungen/<str:number>/verschieben/", cases.reschedule, name="reschedule"),
    path("konto/beratungen/<str:number>/termin.ics", cases.calendar_file, name="calendar"),
]
