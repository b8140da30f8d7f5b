"""Screenings given to a family (by link, on a clinic tablet, or keyed in by staff), their
scored results and the critical-answer alerts they raise.

Instrument definitions and scoring live in medhome.instruments; what is due in
medhome.periodicity. Rows here record one administration each: the answers as given, and the
outcome computed at submission (kept, so a later change of a cut-off never rewrites history).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver, Child
from medhome.portal.models import FamilyLink
from medhome.practices.models import PracticeScopedModel


class Mode(models.TextChoices):
    FAMILY_LINK = "family_link", _("Family link before the visit")
    TABLET = "tablet", _("Tablet in clinic")
    STAFF_ENTRY = "staff_entry", _("Entered by staff from a paper form")
    IMPORTED = "imported", _("Imported from another system")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIAL = "partial", _("Submitted incomplete (not scored)")
    SCORED = "scored", _("Scored")


class LinkScreeners(models.Model):
    """What a family link of purpose "screening" asks: the chosen screeners, and why any not
    due were sent. The link itself (token, caregiver, expiry, revoke) is medhome.portal's."""

    link = models.OneToOneField(
        FamilyLink, on_delete=models.CASCADE, primary_key=True, related_name="screeners"
    )
    instruments = models.JSONField(default=list)
    override_reason = models.CharField(
        _("reason for sending a screener not due"), max_length=300, blank=True
    )
    # The screeners that were not due when the link was sent: the reason belongs to these only
    # (docs/clinical-rules.md#not-due-reason),
    # never to a due screener sent with them on the same link.
    not_due = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return ", ".join(self.instruments)


class Administration(PracticeScopedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="screenings")
    link = models.ForeignKey(
        FamilyLink, on_delete=models.PROTECT, null=True, blank=True, related_name="administrations"
    )
    follows = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    instrument_key = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    mode = models.CharField(max_length=20, choices=Mode)
    respondent = models.CharField(max_length=20)
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=35)
    status = models.CharField(max_length=20, choices=Status, default=Status.IN_PROGRESS)
    answers = models.JSONField(default=dict)
    override_reason = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    administered_on = models.DateField(null=True, blank=True)
    visit_key = models.CharField(max_length=20, blank=True)
    # The age the form was scored by (corrected for a preterm infant under 24 months).
    form_age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    confidential = models.BooleanField(default=False)
    # The outcome, computed once at submission.
    total = models.IntegerField(null=True, blank=True)
    subscores = models.JSONField(default=dict, blank=True)
    band = models.CharField(max_length=40, blank=True)
    positive = models.BooleanField(null=True, blank=True)
    next_step = models.CharField(max_length=40, blank=True)
    next_step_pending = models.BooleanField(default=False)
    critical = models.JSONField(default=list, blank=True)
    positive_domains = models.JSONField(default=list, blank=True)
    # The domains the form did not determine because they were not asked (an imported AHC
    # HRSN's safety block: docs/clinical-rules.md#imported-screens), shown wherever the result
    # is, so that "negative" is not read for them. NULL: every domain was determined. Nullable
    # without a default so SQLite adds the column in place: a table rebuild would drop the FHIR
    # views over it (see migration 0007).
    not_determined_domains = models.JSONField(null=True, blank=True)
    cpt = models.CharField(max_length=10, blank=True)
    icd10 = models.CharField(max_length=10, blank=True)
    # An imported screen (mode "imported"): the sender's key (ehr.fhir_in.common.source_key) and
    # its line's hash, so a re-import finds it again (screening.imported).
    source_key = models.CharField(max_length=300, blank=True)
    content_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["child", "instrument_key", "submitted_at"], name="admin_history_idx"
            ),
            # The measures' per-child probes (a scored screen of these instruments in a window,
            # by this respondent) answered from the index alone.
            models.Index(
                fields=[
                    "child",
                    "instrument_key",
                    "administered_on",
                    "status",
                    "positive",
                    "respondent",
                ],
                name="admin_measure_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scored") | Q(submitted_at__isnull=False),
                name="scored_has_submitted_at",
            ),
            models.UniqueConstraint(
                fields=["practice", "source_key"],
                condition=~Q(source_key=""),
                name="screening_source_key_unique",
            ),
        ]


class CriticalAlert(PracticeScopedModel):
    """Open until a clinician records what was done; never deleted."""

    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="alerts"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="critical_alerts")
    kinds = models.JSONField(default=list)
    items = models.JSONField(default=list)
    raised_at = models.DateTimeField()
    # When it escalates: raised_at + the escalation delay in business hours (practice calendar).
    escalate_at = models.DateTimeField()
    # Set once by the escalation sweep (alerts.escalate_overdue_alerts): when, and to whom.
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "acknowledged_at", "raised_at"], name="alert_open_idx")
        ]


def default_acknowledging_roles() -> list[str]:
    from . import rules

    return list(rules.rule("acknowledging_roles"))


class AlertSettings(PracticeScopedModel):
    """Who answers the practice's critical alerts (docs/clinical-rules.md#critical-answers): the
    roles that may acknowledge one, and the on-call clinician an unacknowledged alert escalates
    to (none chosen: the lead pediatrician, alerts.on_call_clinician)."""

    acknowledging_roles = models.JSONField(
        _("roles that may acknowledge"), default=default_acknowledging_roles
    )
    on_call_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on-call clinician"),
    )

    class Meta:
        verbose_name_plural = "alert settings"
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_alert_settings_per_practice")
        ]

    def __str__(self) -> str:
        return f"alert settings of {self.practice_id}"
