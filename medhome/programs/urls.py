from django.urls import path

from . import caseload_views

app_name = "programs"

urlpatterns: list = [
    path("programs/caseload/", caseload_views.caseload_page, name="caseload"),
]
