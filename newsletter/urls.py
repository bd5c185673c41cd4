from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.subscribe, name="subscribe"),
    path("newsletter/postfach/", views.check_inbox, name="check_inbox"),
    # Links from the mails (the subscription's token): no login needed; GET never acts
    path("newsletter/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/einstellungen/<str:token>/", views.manage, name="manage"),
    path("newsletter/archiv/", views.archive, name="archive"),
    path("newsletter/archiv/<int:pk>/", views.archive_issue, name="archive_issue"),
    # Mein Konto
    path("konto/newsletter/", views.my_newsletter, name="my_newsletter"),
]
