from django.urls import path

from . import family_views, views

app_name = "screening"
urlpatterns = [
    path("screening/today/", views.today, name="today"),
    path("screening/due/", views.due_list, name="due_list"),
    path("screening/alerts/", views.alerts, name="alerts"),
    path("screening/alerts/<uuid:alert_id>/", views.acknowledge, name="acknowledge"),
    path("children/<uuid:child_id>/screening/", views.child_screenings, name="child"),
    path("children/<uuid:child_id>/screening/send/", views.send, name="send"),
    path("children/<uuid:child_id>/screening/start/", views.start, name="start"),
    path("screening/forms/<uuid:administration_id>/", views.administer, name="administer"),
    path("screening/results/<uuid:administration_id>/", views.result, name="result"),
    path("screening/links/<uuid:link_id>/revoke/", views.revoke_link, name="revoke_link"),
    # The family's pages: the token is the only key, so it sits in the path, never in a query.
    path("f/<str:token>/", family_views.family_start, name="family_start"),
    path("f/<str:token>/done/", family_views.family_done, name="family_done"),
    path("f/<str:token>/<slug:instrument_key>/", family_views.family_form, name="family_form"),
]
