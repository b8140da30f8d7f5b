"""Events between visits: ED visits, admissions, discharges, specialist and home visits.

They arrive by hand, by CSV upload, or through the feed (HL7 v2 ADT, FHIR R4 Encounter). Every
feed message is stored raw in `InboundMessage` before it is parsed; an event whose child cannot
be found with certainty keeps the incoming identity (MRN, names, birth date) and waits, with no
child, in the unmatched queue for a person to resolve.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Child
from medhome.practices.models import PracticeScopedModel


class EventKind(models.TextChoices):
    URGENT_CARE = "urgent_care", _("Urgent care visit")
    EMERGENCY = "emergency", _("Emergency department visit")
    ADMISSION = "admission", _("Hospital admission")
    DISCHARGE = "discharge", _("Hospital discharge")
    SPECIALIST_VISIT = "specialist_visit", _("Specialist visit")
    HOME_VISIT = "home_visit", _("Home visit")
    OTHER = "other", _("Other")


# An ED visit, an admission or a discharge is a transition of care: follow-up task, chart flag.
TRANSITION_KINDS = frozenset({EventKind.EMERGENCY, EventKind.ADMISSION, EventKind.DISCHARGE})


class PatientClass(models.TextChoices):
    EMERGENCY = "E", _("Emergency")
    INPATIENT = "I", _("Inpatient")
    OUTPATIENT = "O", _("Outpatient")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    CSV = "csv", _("CSV upload")
    HL7V2 = "hl7v2", _("HL7 v2 feed")
    FHIR = "fhir", _("FHIR feed")


class CareEvent(PracticeScopedModel):
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="care_events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    facility = models.CharField(_("facility"), max_length=200, blank=True)
    # The hospital-visit key: PV1-19 (or the Encounter identifier) + the sending facility.
    visit_number = models.CharField(_("visit number"), max_length=100, blank=True)
    sending_facility = models.CharField(_("sending facility"), max_length=200, blank=True)
    patient_class = models.CharField(
        _("patient class"), max_length=1, choices=PatientClass.choices, blank=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    notes = models.TextField(_("notes and recommendations"), blank=True)
    # A transition of care (ED, admission, discharge): shown as a flag on the chart.
    flagged = models.BooleanField(_("transition of care"), default=False)
    retracted = models.BooleanField(_("retracted"), default=False)
    # The identity the sender gave, kept for a person to resolve an unmatched event.
    incoming_mrn = models.CharField(max_length=100, blank=True)
    incoming_given_name = models.CharField(max_length=100, blank=True)
    incoming_family_name = models.CharField(max_length=100, blank=True)
    incoming_date_of_birth = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "sending_facility", "visit_number"],
                condition=~Q(visit_number=""),
                name="care_event_one_per_hospital_visit",
            )
        ]
        indexes = [
            models.Index(fields=["child", "started_at"], name="care_event_child_idx"),
            models.Index(fields=["practice", "child"], name="care_event_unmatched_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"

    @property
    def is_unmatched(self) -> bool:
        return self.child_id is None


class MessageFormat(models.TextChoices):
    HL7V2 = "hl7v2", _("HL7 v2")
    FHIR = "fhir", _("FHIR R4")


class MessageStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted, not processed yet")
    PROCESSED = "processed", _("Processed")
    UNMATCHED = "unmatched", _("Processed, child not found")
    ERROR = "error", _("Refused")
    DUPLICATE = "duplicate", _("Duplicate")
    # A waiting EHR message a person decided not to apply (its reason code is in `error`).
    SET_ASIDE = "set_aside", _("Set aside")


class Sender(models.TextChoices):
    HOSPITAL = "hospital", _("A hospital or HIE (events between visits)")
    EHR = "ehr", _("The practice's own EHR (panel, schedule, results)")


class InboundMessage(PracticeScopedModel):
    """One message as it arrived, stored before parsing so nothing is lost."""

    format = models.CharField(max_length=10, choices=MessageFormat.choices)
    # The feed credential's sender when it arrived: reprocessing routes it the same way.
    sender = models.CharField(max_length=10, choices=Sender.choices, default=Sender.HOSPITAL)
    raw = models.TextField()
    # HL7: MSH-3|MSH-4|MSH-10. FHIR: the Encounter identifier system|value, else its id.
    # Until parsed: "pending:<id>"; refused: "error:<id>"; a duplicate: "<key>#duplicate:<id>".
    idempotency_key = models.CharField(max_length=300)
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.ACCEPTED
    )
    # In medhome's words, never the message's content (no PHI).
    error = models.CharField(max_length=300, blank=True)
    message_type = models.CharField(max_length=20, blank=True)
    # The answer sent back (HL7 ACK text or OperationOutcome JSON), repeated to a duplicate.
    response = models.TextField(blank=True)
    event = models.ForeignKey(
        CareEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "idempotency_key"], name="inbound_message_key_unique"
            )
        ]
        # The EHR messages waiting for a child, oldest first: read by the staff page, the
        # navigation count and after every registration or import (one cheap query each).
        indexes = [
            models.Index(
                fields=["practice", "sender", "status", "received_at"],
                name="inbound_message_waiting_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.format} {self.message_type} {self.status}"


class FeedCredential(PracticeScopedModel):
    """A feed's bearer token, kept only as its SHA-256 digest."""

    name = models.CharField(_("name"), max_length=100)
    # Who sends on this feed decides what an ADT A04 means: an ED registration from a
    # hospital, a new patient on the panel from the practice's own EHR.
    sender = models.CharField(
        _("sender"), max_length=10, choices=Sender.choices, default=Sender.HOSPITAL
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
