from django.urls import path

from . import language_views, views

app_name = "staff"
urlpatterns = [
    path("", views.team, name="team"),
    path("calendar/", views.calendar, name="calendar"),
    path("measures/", views.measures_refresh, name="measures_refresh"),
    path("my-languages/", language_views.my_languages, name="my_languages"),
    path("<uuid:membership_id>/", views.member, name="member"),
    path(
        "<uuid:membership_id>/languages/",
        language_views.member_languages,
        name="member_languages",
    ),
]
