"""Tables the FHIR API reads or keeps that no other app keeps.

- `ExportJob`: one Bulk Data `$export` request (bulk.py kicks it off, export.py runs it on the
  worker); no PHI: the client's id, the types, `_since`, counts and the random names of its files.

- `QuestionnaireEntry`: one row per instrument version medhome carries (the instruments'
  registry is the source of truth; `questionnaires.sync` mirrors it), so the generic search,
  paging and history of the API work on Questionnaire like on every other type.
- `ObservationRow`: a database view (migration 0001) over the two kinds of rows served as FHIR
  Observation — a scored screening (screening.Administration) and a measurement the EHR sent
  (ehr.Observation) — so one query pages, counts and sorts both; the page's rows are read with
  select_related through the two nullable links.
- `EncounterRow`: a database view (migration 0002) over the two kinds of rows served as FHIR
  Encounter — a visit to the practice that took place (visits.Visit) and an event between
  visits a hospital, urgent care or the practice's staff reported (events.CareEvent) — with
  the FHIR status and class each maps to, so search, paging and sorting run as one query.
- `ConditionRow`: a database view (migration 0004) over the two kinds of rows served as FHIR
  Condition — a problem the EHR sent (ehr.Condition) and a social-needs health concern, one per
  positive domain of a scored screen (screening.Administration.positive_domains).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.practices.models import PracticeScopedModel, PracticeScopedQuerySet

QUESTIONNAIRE_NAMESPACE = uuid.UUID("6f1d3c52-4c1e-4b59-9d0a-3c6f2b0a9e11")


def questionnaire_id(key: str, version: str) -> uuid.UUID:
    """The Questionnaire's id: the same on every install for the same instrument version."""
    return uuid.uuid5(QUESTIONNAIRE_NAMESPACE, f"{key}|{version}")


class QuestionnaireEntry(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    key = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    loinc_panel = models.CharField(max_length=20, blank=True)
    # False once the registry no longer carries this version (Questionnaire.status retired).
    current = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="one_questionnaire_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.version}"


class ViewRow(models.Model):
    """A row of a read-only SQL view that serves one FHIR type from two tables: its id is the
    source row's, and it belongs to one practice and one child like the rows it reads."""

    id = models.UUIDField(primary_key=True)
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    child = models.ForeignKey(
        "families.Child", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )

    objects = PracticeScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ObservationSource(models.TextChoices):
    SCREENING = "screening"
    EHR = "ehr"


class ObservationRow(ViewRow):
    """One row of the view `fhir_observation_row` (read only)."""

    source = models.CharField(max_length=10, choices=ObservationSource)
    administration = models.ForeignKey(
        "screening.Administration",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    ehr_observation = models.ForeignKey(
        "ehr.Observation",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    instrument_key = models.CharField(max_length=40)  # "" for the EHR's rows
    code = models.CharField(max_length=20)  # the EHR's code; "" for screenings
    kind = models.CharField(max_length=20)  # the EHR's ObservationKind; "" for screenings
    effective_on = models.DateField(null=True)
    confidential = models.BooleanField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "fhir_observation_row"

    def __str__(self) -> str:
        return f"{self.source} {self.pk}"


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


class EncounterSource(models.TextChoices):
    VISIT = "visit"
    EVENT = "event"


class EncounterRow(ViewRow):
    """One row of the view `fhir_encounter_row` (read only): its id is the visit's or the
    care event's. `fhir_status` and `fhir_class` are the R4 Encounter.status and the v3
    ActCode class the row is served with (the view computes them so search filters on them;
    resources/encounter.py and care_event.py write the same values, a test holds them equal)."""

    source = models.CharField(max_length=10, choices=EncounterSource)
    visit = models.ForeignKey(
        "visits.Visit",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    care_event = models.ForeignKey(
        "events.CareEvent",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    fhir_status = models.CharField(max_length=20)
    fhir_class = models.CharField(max_length=10)
    kind = models.CharField(max_length=20)  # visits.VisitKind or events.EventKind, by source
    starts_at = models.DateTimeField()
    # The sender's identifier `system|value` (a visit's external_id; an event's sending
    # facility|visit number), "" when medhome's own id is the identifier.
    external_id = models.CharField(max_length=400)
    confidential = models.BooleanField()
    last_updated = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "fhir_encounter_row"

    def __str__(self) -> str:
        return f"{self.source} {self.pk}"


class ConditionSource(models.TextChoices):
    EHR = "ehr"
    SCREENING = "screening"


# The social-needs domains served as SDOHCC health concerns, each with the hex digit that takes
# the place of the version digit of the screen's id to make the concern's id (migration 0004):
# one id per screen and domain, never a random (version 4) id's. Never "safety": partner
# violence leaves medhome on no API (resources/_screens.py).
CONCERN_DOMAINS = {"food": "a", "housing": "b", "transportation": "c", "utilities": "d"}


def concern_id(administration_id: uuid.UUID, domain: str) -> uuid.UUID:
    """The id of the health concern a screen's positive domain is served as (the view's)."""
    hex_id = administration_id.hex
    return uuid.UUID(hex_id[:12] + CONCERN_DOMAINS[domain] + hex_id[13:])


def concern_sources(concern: uuid.UUID) -> tuple[str, list[uuid.UUID]] | None:
    """(domain, the 16 screen ids it may come from) of a concern id; None when its digit names
    no domain. The screen's own digit is not in the id, so every one is a candidate: looking up
    16 primary keys is what lets a read by id use an index rather than compute every id."""
    hex_id = concern.hex
    domain = next((d for d, digit in CONCERN_DOMAINS.items() if digit == hex_id[12]), None)
    if domain is None:
        return None
    return domain, [uuid.UUID(hex_id[:12] + n + hex_id[13:]) for n in "0123456789abcdef"]


class ConditionRow(ViewRow):
    """One row of the view `fhir_condition_row` (read only): an EHR problem (its id is the
    problem's) or a health concern (its id is `concern_id`). A concern is `active` until a newer
    screen with the same instrument is scored for the child, then `inactive` from that day
    (`abated_on`): the newer screen's own concern, when still positive, is the active one."""

    source = models.CharField(max_length=10, choices=ConditionSource)
    ehr_condition = models.ForeignKey(
        "ehr.Condition",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    administration = models.ForeignKey(
        "screening.Administration",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    domain = models.CharField(max_length=20)  # a CONCERN_DOMAINS key; "" for the EHR's rows
    clinical_status = models.CharField(max_length=20)
    code_system = models.CharField(max_length=100)  # the EHR's; "" for a concern
    code = models.CharField(max_length=20)  # the EHR's; "" for a concern
    onset_on = models.DateField(null=True)
    abated_on = models.DateField(null=True)
    confidential = models.BooleanField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "fhir_condition_row"

    def __str__(self) -> str:
        return f"{self.source} {self.pk}"
