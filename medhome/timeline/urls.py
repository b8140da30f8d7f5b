from django.urls import path

from . import views

app_name = "timeline"
urlpatterns = [
    path("children/<uuid:child_id>/timeline/", views.child_timeline, name="child"),
    path("children/<uuid:child_id>/visits/new/", views.record_visit, name="record_visit"),
]
