from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("screening/today/", views.today, name="today"),
    path("screening/start-of-day/", views.landing, name="landing"),
    path("screening/due/", views.due_list, name="due_list"),
    path("screening/alerts/", views.alerts, name="alerts"),
    path("screening/alerts/settings/", views.alert_settings, name="alert_settings"),
    path("screening/alerts/<uuid:alert_id>/", views.acknowledge, name="acknowledge"),
    path("children/<uuid:child_id>/screening/", views.child_screenings, name="child"),
    path("children/<uuid:child_id>/screening/send/", views.send, name="send"),
    path("children/<uuid:child_id>/screening/start/", views.start, name="start"),
    path("screening/forms/<uuid:administration_id>/", views.administer, name="administer"),
    path("screening/results/<uuid:administration_id>/", views.result, name="result"),
]
