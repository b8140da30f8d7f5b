"""The Gravity referral exchange with community organizations that run their own FHIR server
(the "direct" pattern, shared/docs/domain/interop-codes.md §1.6).

A `PartnerEndpoint` is one organization's FHIR base URL and how medhome authenticates to it; a
`RemoteTask` ties one referral to the Task medhome created on that server. The secret itself is
never stored in the database: `token_env` names the environment variable (or
settings.MEDHOME_EXCHANGE["tokens"] key) that holds it, so it reaches neither a dump nor a log.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerEndpoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.OneToOneField(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="fhir_endpoint",
        verbose_name=_("organization"),
    )
    # Every request medhome makes goes under this URL (security.md: SSRF — never a URL the
    # partner supplied elsewhere).
    base_url = models.URLField(_("FHIR base URL"), max_length=500)
    # The name of the secret holding the bearer token medhome presents to the partner.
    token_env = models.CharField(_("name of the bearer-token secret"), max_length=100)
    # The name of the secret the partner presents on its subscription notifications.
    notify_secret_env = models.CharField(
        _("name of the notification secret"), max_length=100, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The partner's last `_lastUpdated` seen (the requester-side poll's watermark).
    polled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"FHIR endpoint of {self.organization_id}"


class RemoteState(models.TextChoices):
    # The row is claimed; the Task is not confirmed on the partner's server yet.
    PENDING = "pending", _("Sending")
    SENT = "sent", _("Sent")
    # The referral ended here; the partner's Task was set cancelled.
    CANCELLED = "cancelled", _("Cancelled on the partner's server")
    # Nothing more to do: the partner's Task reached a terminal state.
    DONE = "done", _("Finished")


class RemoteTask(models.Model):
    """One referral's Task on a partner's server. One row per referral (the unique constraint):
    two workers never send the same referral twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="remote_task"
    )
    endpoint = models.ForeignKey(PartnerEndpoint, on_delete=models.PROTECT, related_name="tasks")
    state = models.CharField(
        max_length=10, choices=RemoteState.choices, default=RemoteState.PENDING
    )
    task_id = models.CharField(max_length=64, blank=True)
    service_request_id = models.CharField(max_length=64, blank=True)
    # The partner's Task.status (and businessStatus) as last seen.
    remote_status = models.CharField(max_length=20, blank=True)
    remote_business_status = models.CharField(max_length=100, blank=True)
    remote_version = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A worker pushing this row holds it until then (sync._claim).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    # The last problem, in machine words (no PHI: a status code, a transition, an error class).
    last_problem = models.CharField(max_length=300, blank=True)
    last_problem_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["endpoint", "state"], name="remote_task_state_idx")]

    def __str__(self) -> str:
        return f"remote task of {self.referral_id}"
