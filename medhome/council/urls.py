from django.urls import path

from . import public, views

app_name = "council"

urlpatterns = [
    path("council/", views.council_list, name="list"),
    path("council/<uuid:council_id>/", views.detail, name="detail"),
    path("council/<uuid:council_id>/members/add/", views.add_member, name="add_member"),
    path(
        "council/members/<uuid:council_member_id>/withdraw/",
        views.withdraw_member,
        name="withdraw_member",
    ),
    path("council/<uuid:council_id>/meetings/add/", views.record_meeting, name="record_meeting"),
    path(
        "council/<uuid:council_id>/recommendations/add/",
        views.add_recommendation,
        name="add_recommendation",
    ),
    path(
        "council/recommendations/<uuid:recommendation_id>/",
        views.recommendation,
        name="recommendation",
    ),
    path(
        "council/recommendations/<uuid:recommendation_id>/status/",
        views.recommendation_status,
        name="recommendation_status",
    ),
    # Public: no personal data on it, so no token (decision 0016).
    path(
        "families/<uuid:practice_id>/you-said-we-did/",
        public.you_said_we_did,
        name="you_said_we_did",
    ),
]
