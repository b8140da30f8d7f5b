from django.urls import path

from . import views

app_name = "measures"
urlpatterns = [
    path("measures/", views.dashboard, name="dashboard"),
    path("measures/recompute/", views.recompute, name="recompute"),
    path("measures/export.csv", views.export, name="export"),
    path("measures/network/", views.network, name="network"),
    path("measures/language-coverage/", views.language_coverage, name="language_coverage"),
    path("measures/<slug:measure_key>/", views.detail, name="detail"),
    path("measures/<slug:measure_key>/children/", views.children, name="children"),
]
