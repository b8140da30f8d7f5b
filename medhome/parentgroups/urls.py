from django.urls import path

from . import views

app_name = "parentgroups"

urlpatterns = [
    path("parent-groups/", views.group_list, name="list"),
    path("parent-groups/new/", views.create, name="create"),
    path("parent-groups/<uuid:group_id>/", views.detail, name="detail"),
    path("parent-groups/<uuid:group_id>/edit/", views.edit, name="edit"),
    path("parent-groups/<uuid:group_id>/meetings/", views.add_meeting, name="add_meeting"),
    path("parent-groups/<uuid:group_id>/sign-up/", views.sign_up, name="sign_up"),
    path(
        "parent-groups/meetings/<uuid:meeting_id>/attendance/", views.attendance, name="attendance"
    ),
    path(
        "parent-groups/meetings/<uuid:meeting_id>/cancel/",
        views.cancel_meeting,
        name="cancel_meeting",
    ),
    path("parent-groups/sign-ups/<uuid:signup_id>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "parent-groups/caregivers/<uuid:caregiver_id>/groups-link/",
        views.send_link,
        name="send_link",
    ),
]
