from django.urls import path

from .views import feeds, pages, programmes, reminders

app_name = "infothek"

urlpatterns = [
    path("infothek/", pages.overview, name="overview"),
    path("infothek/suche/", pages.search, name="search"),
    path("infothek/ratgeber/", pages.guide_list, name="guides"),
    path("infothek/ratgeber/<slug:slug>/", pages.guide_detail, name="guide"),
    path("infothek/foerderprogramme/", programmes.programme_list, name="programmes"),
    path("infothek/foerderprogramme/feed/", feeds.ProgrammeFeed(), name="programme_feed"),
    path("infothek/foerderprogramme/fristen.ics", feeds.deadlines_ics, name="deadlines_ics"),
    path("infothek/foerderprogramme/<slug:slug>/", programmes.programme_detail, name="programme"),
    path(
        "infothek/foerderprogramme/<slug:slug>/frist-merken/",
        reminders.remember,
        name="remember",
    ),
    path("infothek/neuigkeiten/", pages.news_list, name="news"),
    path("infothek/neuigkeiten/feed/", feeds.NewsFeed(), name="news_feed"),
    path("infothek/neuigkeiten/<slug:slug>/", pages.news_detail, name="news_item"),
    path("infothek/fragen/", pages.faq, name="faq"),
    path("infothek/download/<int:pk>/", pages.download, name="download"),
    # Mein Konto: the person's deadline reminders
    path("konto/fristen/", reminders.my_reminders, name="my_reminders"),
    path("konto/fristen/<int:pk>/loeschen/", reminders.forget, name="forget"),
]
