from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("visits/<uuid:visit_id>/billing/", views.visit_summary, name="visit"),
    path("billing/day.csv", views.day_csv, name="day"),
]
