"""The FHIR app's own rows: Bulk Data export jobs (bulk.py kicks them off, export.py runs them).

No PHI here: a job holds the client's id, the resource types asked for, the `_since` instant,
counts and the random names of its files, never a row's content (the files hold that, under
settings.MEDHOME_FHIR_EXPORT["directory"], removed after the retention)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.practices.models import PracticeScopedModel


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")  # finished, its files removed after the retention


class ExportJob(PracticeScopedModel):
    """One `$export` request (https://hl7.org/fhir/uv/bulkdata/STU2/export.html).

    The worker's sweep (export.run_pending) claims a queued job by setting `lease_until`; a
    running job whose lease ran out belongs to a worker that died, and the next sweep takes it
    again: the types already written (`files`) are kept, the one that was being written is
    written again from its start, so a killed export ends with the same files."""

    client_id = models.CharField(max_length=100)  # the OAuth client (oauth2_provider)
    # Who the export runs as, re-read when it runs (a revoked client stops it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.TextField()
    capabilities = models.JSONField(default=list)
    level = models.CharField(max_length=10)  # "patient" | "group"
    group_id = models.CharField(max_length=64, blank=True)
    request_url = models.CharField(max_length=2000)  # the kick-off URL, as the manifest repeats
    types = models.JSONField(default=list)  # in export order
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ExportStatus, default=ExportStatus.QUEUED)
    progress = models.CharField(max_length=100, blank=True)  # "Immunization (3 of 7 types)"
    # [{"type": "Patient", "id": "<random>", "count": n}], one entry per type written.
    files = models.JSONField(default=list)
    requested_at = models.DateTimeField()
    transaction_time = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)  # medhome's words, never row content

    class Meta:
        indexes = [models.Index(fields=["status", "requested_at"], name="fhir_export_status_idx")]

    def __str__(self) -> str:
        return f"export {self.pk} {self.status}"
