from django.urls import path

from . import views

app_name = "breakglass"
urlpatterns = [
    path("children/<uuid:child_id>/emergency-access/", views.request_access, name="request"),
    path("children/<uuid:child_id>/emergency-access/end/", views.end, name="end"),
    path("emergency-access/", views.grants, name="grants"),
    path("emergency-access/<uuid:grant_id>/review/", views.review, name="review"),
]
