from django.urls import path

from . import caseload_views, views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/caseload/", caseload_views.caseload_page, name="caseload"),
    path("programs/add/", views.add, name="add"),
    path("programs/own/", views.add_own, name="add_own"),
    path("programs/<uuid:program_id>/", views.detail, name="detail"),
    path("programs/<uuid:program_id>/running/", views.running, name="running"),
]
