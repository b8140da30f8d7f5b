"""What the practice's EHR tells medhome: its import runs, and the read-only clinical record
(coverage, immunizations, observations, procedures, problems, allergies, medications).

Every record is keyed by `source_key` (the resource's identifier system|value, else
"<type>/<id>") unique in its practice, so a re-sent file updates in place, and carries the
`content_hash` of what was imported, so an unchanged resource is skipped without a write.
medhome never edits these rows by hand: the EHR is their source of truth.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Child
from medhome.families.vocabulary import Payer
from medhome.practices.models import PracticeScopedModel


class ImportKind(models.TextChoices):
    FHIR_BULK = "fhir_bulk", _("FHIR bulk export (NDJSON)")
    CSV_PANEL = "csv_panel", _("Panel spreadsheet (CSV)")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped with an error")


class ImportRun(PracticeScopedModel):
    """One import of a set of files. `checkpoint` holds, per file, the last line whose batch
    was committed: a killed import started again resumes after it (the batch and its
    checkpoint commit together, so nothing is lost or applied twice)."""

    kind = models.CharField(max_length=20, choices=ImportKind)
    # A name for the files (the export's directory name or the uploaded file's name) — never
    # their content.
    source_name = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=ImportStatus, default=ImportStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    checkpoint = models.JSONField(default=dict)
    # {"imported": n, "updated": n, "unchanged": n, "refused": {reason: n}, "skipped_types": {}}
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_name} {self.status}"


class ImportProblem(PracticeScopedModel):
    """A line that was refused, with its place and medhome's reason (no PHI: the reason is
    ours, the resource id is the sender's technical id)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    file = models.CharField(max_length=200)
    line = models.PositiveIntegerField()
    resource_id = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["file", "line"]

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.reason}"


class EhrRecord(PracticeScopedModel):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    source_key = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=32)
    imported_at = models.DateTimeField()

    class Meta:
        abstract = True


def _keyed(name: str) -> list[models.BaseConstraint]:
    return [models.UniqueConstraint(fields=["practice", "source_key"], name=f"{name}_source_key")]


class Coverage(EhrRecord):
    payer = models.CharField(_("payer"), max_length=20, choices=Payer)
    payer_name = models.CharField(_("plan"), max_length=200, blank=True)
    member_id = models.CharField(_("member ID"), max_length=40, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = _keyed("coverage")
        indexes = [models.Index(fields=["child"], name="coverage_child_idx")]


class ObservationKind(models.TextChoices):
    WEIGHT = "weight", _("Weight")  # kg
    LENGTH = "length", _("Length")  # cm, lying down (under 2 years)
    HEIGHT = "height", _("Height")  # cm, standing
    HEAD_CIRCUMFERENCE = "head_circumference", _("Head circumference")  # cm
    BMI = "bmi", _("BMI")  # kg/m²
    BP_SYSTOLIC = "bp_systolic", _("Blood pressure (systolic)")  # mm[Hg]
    BP_DIASTOLIC = "bp_diastolic", _("Blood pressure (diastolic)")  # mm[Hg]
    VISION = "vision", _("Vision screen")
    HEARING = "hearing", _("Hearing screen")
    LEAD = "lead", _("Blood lead")  # ug/dL
    HEMOGLOBIN = "hemoglobin", _("Hemoglobin")  # g/dL


class Observation(EhrRecord):
    """A measurement or screening result, in medhome's units (kg, cm, kg/m², mm[Hg], ug/dL,
    g/dL): the import converts, so readers never do."""

    kind = models.CharField(max_length=20, choices=ObservationKind)
    code = models.CharField(max_length=20)  # LOINC, or the CPT of the screening procedure
    value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    # A coded result: "pass", "refer", "fail", "normal", "abnormal" (empty for numbers).
    interpretation = models.CharField(max_length=20, blank=True)
    effective_on = models.DateField()

    class Meta:
        constraints = _keyed("observation")
        indexes = [
            models.Index(fields=["child", "kind", "effective_on"], name="observation_child_idx")
        ]


class Immunization(EhrRecord):
    cvx = models.CharField(_("vaccine (CVX)"), max_length=10)
    display = models.CharField(max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    # "completed", or "not-done" (refused, contraindicated): kept, shown, never counted.
    status = models.CharField(max_length=20, default="completed")

    class Meta:
        constraints = _keyed("immunization")
        indexes = [models.Index(fields=["child", "given_on"], name="immunization_child_idx")]


class Procedure(EhrRecord):
    code_system = models.CharField(max_length=100)  # SNOMED CT or CPT URI
    code = models.CharField(max_length=20)
    display = models.CharField(max_length=200, blank=True)
    performed_on = models.DateField()

    class Meta:
        constraints = _keyed("procedure")
        indexes = [models.Index(fields=["child", "performed_on"], name="procedure_child_idx")]


class Condition(EhrRecord):
    code_system = models.CharField(max_length=100)
    code = models.CharField(max_length=20)
    display = models.CharField(max_length=200)
    clinical_status = models.CharField(max_length=20, default="active")
    onset_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = _keyed("condition")
        indexes = [models.Index(fields=["child", "clinical_status"], name="condition_child_idx")]


class Allergy(EhrRecord):
    code = models.CharField(max_length=20, blank=True)
    display = models.CharField(max_length=200)
    # "No known allergy" (SNOMED 716186003) is recorded as NKA, not as an allergy.
    no_known_allergy = models.BooleanField(default=False)
    criticality = models.CharField(max_length=20, blank=True)
    clinical_status = models.CharField(max_length=20, default="active")

    class Meta:
        verbose_name_plural = "allergies"
        constraints = _keyed("allergy")
        indexes = [models.Index(fields=["child"], name="allergy_child_idx")]


class Medication(EhrRecord):
    code = models.CharField(max_length=20, blank=True)  # RxNorm
    display = models.CharField(max_length=200)
    status = models.CharField(max_length=20, default="active")
    dosage = models.CharField(max_length=300, blank=True)
    started_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = _keyed("medication")
        indexes = [models.Index(fields=["child", "status"], name="medication_child_idx")]


class SourceDigest(PracticeScopedModel):
    """What medhome last imported of a resource whose row is not an EHR record (a Patient's
    child, a RelatedPerson's caregiver, an Appointment's or Encounter's visit): its key and hash,
    so a re-sent unchanged resource is skipped with one query per batch and no write, and the
    sender's id, so an Encounter finds the visit of the Appointment it names."""

    resource_type = models.CharField(max_length=40)
    source_key = models.CharField(max_length=300)
    resource_id = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)  # the child, caregiver or visit
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "resource_type", "source_key"], name="source_digest_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["practice", "resource_type", "resource_id"], name="source_digest_id_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.source_key}"
