from django.urls import path

from . import views

app_name = "families"
urlpatterns = [
    path("children/", views.search, name="search"),
    path("children/<uuid:child_id>/", views.chart, name="chart"),
    path("children/<uuid:child_id>/edit/", views.edit_child, name="edit_child"),
    path("children/<uuid:child_id>/panel/", views.panel_membership, name="panel_membership"),
    path("families/new/", views.register_family, name="register"),
    path("families/<uuid:family_id>/children/new/", views.add_child, name="add_child"),
    path("families/<uuid:family_id>/caregivers/new/", views.add_caregiver, name="add_caregiver"),
    path(
        "caregivers/<uuid:caregiver_id>/preferences/",
        views.edit_preferences,
        name="edit_preferences",
    ),
    path("network/", views.network, name="network"),
]
