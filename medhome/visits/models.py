"""Visits of a child to the practice: scheduled, attended or not.

The screening work of today's clinic starts from here ("who is coming today, what is due"); the
care-coordination issue extends the same rows with visits that happened elsewhere.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver, Child
from medhome.practices.models import PracticeScopedModel, Site


class VisitKind(models.TextChoices):
    WELL_CHILD = "well_child", _("Well-child visit")
    SICK = "sick", _("Sick visit")
    FOLLOW_UP = "follow_up", _("Follow-up")
    GROUP = "group", _("Group well-child visit")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Telehealth (video)")
    AUDIO = "audio", _("Telehealth (audio only)")


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not come")


class CancelReason(models.TextChoices):
    # medhome's words, chosen from a list: a reason typed freely could carry PHI into the audit.
    FAMILY_ASKED = "family_asked", _("The family asked to cancel")
    FAMILY_REBOOKED = "family_rebooked", _("Booked at another time")
    CLINICIAN_UNAVAILABLE = "clinician_unavailable", _("The clinician is not available")
    PRACTICE_CLOSED = "practice_closed", _("The practice is closed")
    BOOKED_IN_ERROR = "booked_in_error", _("Booked by mistake")
    EHR = "ehr", _("Cancelled in the EHR")
    OTHER = "other", _("Other")


class Visit(PracticeScopedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="visits")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("starts at"))
    kind = models.CharField(_("type"), max_length=20, choices=VisitKind)
    modality = models.CharField(
        _("how"), max_length=20, choices=Modality, default=Modality.IN_PERSON
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus, default=VisitStatus.SCHEDULED
    )
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=20)
    cancel_reason = models.CharField(
        _("why it was cancelled"), max_length=30, choices=CancelReason, blank=True
    )
    # The EHR's id of the appointment or encounter (FHIR Appointment/Encounter identifier
    # system|value, HL7 SCH-1/SCH-2 placer/filler id); blank for a visit booked in medhome.
    external_id = models.CharField(max_length=300, blank=True)
    # The adolescent's own care (domain-reference §11: reminders the caregiver receives never
    # reveal it): no reminder or message about this visit goes to a parent's channel.
    confidential = models.BooleanField(_("confidential"), default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "external_id"],
                condition=~models.Q(external_id=""),
                name="visit_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["practice", "starts_at"], name="visit_day_idx"),
            # A child's visits by time; the measures' per-child probes (a well-child visit in a
            # window, an earlier visit) read status, kind and modality from the index alone.
            models.Index(
                fields=["child", "starts_at", "status", "kind", "modality"], name="visit_child_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        """Still expected or under way (booked or arrived)."""
        return self.status in (VisitStatus.SCHEDULED, VisitStatus.ARRIVED)


AGENDA_MAX = 500


class FamilyAgenda(PracticeScopedModel):
    """What a caregiver wants to talk about at the child's next visit, in their own words,
    written on the pre-visit page (one row per pre-visit link: writing again replaces it). The
    huddle sheet shows it to the team; the family page shows it back only to that link."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="agendas")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="+")
    # The pre-visit link it was written through (portal sits below visits by id only).
    link_id = models.UUIDField(unique=True)
    text = models.TextField(_("what the family wants to talk about"), max_length=AGENDA_MAX)
    written_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["child", "written_at"], name="agenda_child_idx")]

    def __str__(self) -> str:
        return f"family agenda {self.pk}"
