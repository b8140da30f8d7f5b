from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/unmatched/", views.unmatched, name="unmatched"),
    path("events/<uuid:event_id>/", views.detail, name="detail"),
    path("events/<uuid:event_id>/resolve/", views.resolve, name="resolve"),
    path("events/upload/", views.upload_csv, name="upload"),
    path("children/<uuid:child_id>/events/", views.child_events, name="child"),
    path("children/<uuid:child_id>/events/new/", views.add_event, name="add"),
    path("feed/events/", views.feed, name="feed"),
]
