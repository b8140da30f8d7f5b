from django.urls import path

from . import views

app_name = "ehr"
urlpatterns = [
    path("panel/upload/", views.upload_panel, name="panel_upload"),
    path("panel/upload/template.csv", views.panel_template, name="panel_template"),
    path("panel/imports/<uuid:run_id>/", views.panel_run, name="panel_run"),
    path("ehr/waiting/", views.waiting_list, name="waiting"),
    path("ehr/waiting/<uuid:message_id>/", views.waiting_action, name="waiting_action"),
    path("children/<uuid:child_id>/merge/", views.merge, name="merge"),
]
