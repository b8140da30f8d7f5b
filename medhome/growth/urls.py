from django.urls import path

from . import views

app_name = "growth"
urlpatterns = [
    path("growth/curves/<slug:reference_key>/<slug:sex>.svg", views.curves, name="curves"),
]
