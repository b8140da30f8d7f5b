"""The practice's connections to other systems, staff pages (mounted at practice/connections/):
its Open Referral API (directory.curate) and its partners' FHIR endpoints for the Gravity
exchange (users.manage). The machine interfaces themselves live under their own namespaces."""

from django.urls import path

from medhome.directory import openreferral_views

from . import staff_views

app_name = "connections"

urlpatterns = [
    path("openreferral/", openreferral_views.settings_page, name="openreferral"),
    path("openreferral/tokens/", openreferral_views.issue, name="openreferral_issue"),
    path(
        "openreferral/tokens/<uuid:token_id>/revoke/",
        openreferral_views.revoke,
        name="openreferral_revoke",
    ),
    path("endpoints/", staff_views.endpoint_list, name="endpoints"),
    path("endpoints/<uuid:endpoint_id>/", staff_views.endpoint_detail, name="endpoint"),
    path(
        "endpoints/<uuid:endpoint_id>/active/", staff_views.endpoint_active, name="endpoint_active"
    ),
]
