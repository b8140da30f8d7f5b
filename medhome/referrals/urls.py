from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("referrals/", views.practice_list, name="list"),
    path("referrals/figures/", views.figures, name="figures"),
    path("referrals/settings/", views.follow_up_settings, name="settings"),
    path("children/<uuid:child_id>/referrals/new/", views.start, name="start"),
    path("referrals/<uuid:referral_id>/", views.detail, name="detail"),
    path("referrals/<uuid:referral_id>/consent/", views.consent, name="consent"),
    path("referrals/<uuid:referral_id>/change/", views.change, name="change"),
    path("referrals/<uuid:referral_id>/handoff/", views.handoff, name="handoff"),
    path("referrals/<uuid:referral_id>/revoke/", views.revoke, name="revoke"),
    path("referrals/<uuid:referral_id>/message/", views.message, name="message"),
    path("referrals/<uuid:referral_id>/summary/", views.summary, name="summary"),
    path("referrals/<uuid:referral_id>/family-link/", views.status_link, name="status_link"),
    path("directory/", views.directory_search, name="directory"),
    path("directory/organizations/<uuid:organization_id>/", views.curate, name="curate"),
    # A community organization's own pages.
    path("partner/referrals/", views.partner_inbox, name="partner_inbox"),
    path("partner/referrals/<uuid:referral_id>/", views.partner_detail, name="partner_detail"),
    path(
        "partner/referrals/<uuid:referral_id>/update/",
        views.partner_change,
        name="partner_change",
    ),
    path(
        "partner/referrals/<uuid:referral_id>/message/",
        views.partner_message,
        name="partner_message",
    ),
]
