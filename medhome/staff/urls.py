from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.team, name="team"),
    path("<uuid:membership_id>/", views.member, name="member"),
]
