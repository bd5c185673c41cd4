from django.urls import path

from .views import directory, entries, opportunities

app_name = "network"

urlpatterns = [
    # The public directory and map
    path("vereine/", directory.association_list, name="directory"),
    path("vereine/karte/", directory.association_map, name="map"),
    # Self-service: propose, claim, edit, representatives, keep current
    path("vereine/vorschlagen/", entries.propose, name="propose"),
    path("vereine/vertreten/<int:claim_id>/code/", entries.claim_code, name="claim_code"),
    path("vereine/einladung/<str:token>/", entries.invitation, name="invitation"),
    path("vereine/aktuell/<str:token>/", entries.confirm_current, name="confirm_current"),
    path("vereine/<slug:slug>/", directory.association_detail, name="association"),
    path("vereine/<slug:slug>/vertreten/", entries.claim, name="claim"),
    path("vereine/<slug:slug>/bearbeiten/", entries.edit, name="edit"),
    path("vereine/<slug:slug>/vertretung/", entries.representatives, name="representatives"),
    path(
        "vereine/<slug:slug>/engagement/neu/",
        opportunities.opportunity_create,
        name="opportunity_create",
    ),
    # Volunteer opportunities
    path("engagement/", opportunities.opportunity_list, name="opportunities"),
    path("engagement/<int:pk>/", opportunities.opportunity_detail, name="opportunity"),
    path(
        "engagement/<int:pk>/bearbeiten/", opportunities.opportunity_edit, name="opportunity_edit"
    ),
    path("engagement/<int:pk>/interesse/", opportunities.interest, name="interest"),
]
