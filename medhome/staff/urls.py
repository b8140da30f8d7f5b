from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.team, name="team"),
    path("calendar/", views.calendar, name="calendar"),
    path("<uuid:membership_id>/", views.member, name="member"),
]
