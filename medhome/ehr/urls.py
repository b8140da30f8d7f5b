from django.urls import path

from . import views

app_name = "ehr"
urlpatterns = [
    path("panel/upload/", views.upload_panel, name="panel_upload"),
    path("panel/upload/template.csv", views.panel_template, name="panel_template"),
    path("panel/imports/<uuid:run_id>/", views.panel_run, name="panel_run"),
]
