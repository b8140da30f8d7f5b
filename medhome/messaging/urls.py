from django.urls import path

from . import consent_views, views, webhooks

app_name = "messaging"

urlpatterns = [
    path("messages/", views.outbox, name="outbox"),
    path("messages/templates/", views.preview, name="preview"),
    path("messages/calls/", views.calls, name="calls"),
    path("messages/calls/<uuid:reminder_id>/", views.call_outcome, name="call_outcome"),
    path("children/<uuid:child_id>/messages/", views.child_messages, name="child"),
    path("children/<uuid:child_id>/messages/reply/", views.reply, name="reply"),
    path(
        "children/<uuid:child_id>/caregivers/<uuid:caregiver_id>/contact-consent/",
        consent_views.contact_consent,
        name="contact_consent",
    ),
    # The provider's webhooks: no session, a signature instead; no PHI in the URL.
    path("hooks/sms/status/", webhooks.sms_status, name="sms_status"),
    path("hooks/sms/inbound/", webhooks.sms_inbound, name="sms_inbound"),
]
