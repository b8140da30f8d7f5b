from django.urls import path

from . import views

app_name = "experience"

urlpatterns = [
    path("experience/comments/", views.comments, name="comments"),
    path("experience/quality-lead/", views.quality_lead, name="quality_lead"),
    path("experience/network/", views.network, name="network"),
    path(
        "children/<uuid:child_id>/experience/staff-entry/",
        views.staff_entry,
        name="staff_entry",
    ),
]
