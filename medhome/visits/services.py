"""Recording visits: one function per use case, in one transaction, audited."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core.actor import Actor
from medhome.core.batches import first_disjoint
from medhome.core.copy import insert_rows, update_rows
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice, Site

from .models import Modality, Visit, VisitKind, VisitStatus

VISIT_OBJECT = "visit"


def record_visit(
    *,
    actor: Actor,
    child: Child,
    kind: str,
    starts_at: datetime,
    modality: str = Modality.IN_PERSON,
    clinician_id: int | None = None,
    site: Site | None = None,
    status: str = VisitStatus.COMPLETED,
    at: datetime,
) -> Visit:
    """A visit that happened (or is booked). A completed visit cannot be in the future."""
    if not actor.can(Capability.FAMILY_EDIT):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose the type of visit.")]
    if modality not in Modality.values:
        errors["modality"] = [_("Choose in person or telehealth.")]
    if status == VisitStatus.COMPLETED and starts_at > at:
        errors["starts_at"] = [_("A visit that took place cannot be in the future.")]
    if starts_at.date() < child.date_of_birth:
        errors["starts_at"] = [_("The visit is before the child's date of birth.")]
    if site is not None and site.practice_id != child.practice_id:
        errors["site"] = [_("Choose one of this practice's sites.")]
    if (
        clinician_id is not None
        and not Membership.objects.filter(
            practice=child.practice, user_id=clinician_id, is_active=True
        ).exists()
    ):
        errors["clinician"] = [_("Choose a clinician of this practice.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = Visit.objects.create(
            practice=child.practice,
            child=child,
            kind=kind,
            modality=modality,
            starts_at=starts_at,
            clinician_id=clinician_id,
            site=site,
            status=status,
            created_at=at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=VISIT_OBJECT,
            object_id=visit.pk,
            at=at,
            detail={"child": str(child.pk), "fields": ["kind", "starts_at", "modality"]},
        )
    return visit


@dataclass(frozen=True)
class ExternalVisit:
    """The EHR's appointment or encounter: what `upsert_external_visits` brings in step."""

    child: Child
    external_id: str
    starts_at: datetime
    kind: str
    status: str
    modality: str = Modality.IN_PERSON
    duration_minutes: int = 20
    site: Site | None = None
    clinician_id: int | None = None
    confidential: bool = False

    def values(self) -> dict[str, Any]:
        # A sender's restricted label makes a visit confidential; its absence never unmakes
        # one staff marked (an EHR that does not label would otherwise undo them).
        confidential = {"confidential": True} if self.confidential else {}
        return {
            **confidential,
            "child_id": self.child.pk,
            "starts_at": self.starts_at,
            "kind": self.kind,
            "status": self.status,
            "modality": self.modality,
            "duration_minutes": self.duration_minutes,
            "site_id": self.site.pk if self.site else None,
            "clinician_id": self.clinician_id,
        }


Upserted = tuple[Visit, str] | ValidationError


def upsert_external_visit(
    *,
    actor: Actor,
    child: Child,
    external_id: str,
    starts_at: datetime,
    kind: str,
    status: str,
    modality: str = Modality.IN_PERSON,
    duration_minutes: int = 20,
    site: Site | None = None,
    clinician_id: int | None = None,
    at: datetime,
) -> tuple[Visit, str]:
    """The EHR's appointment or encounter, created or brought in step by its external id
    (FHIR Appointment/Encounter, HL7 SIU); "created", "updated" or "unchanged". The practice is
    the child's: an external id is looked up in that practice only. One visit of
    `upsert_external_visits`."""
    visit = ExternalVisit(
        child=child,
        external_id=external_id,
        starts_at=starts_at,
        kind=kind,
        status=status,
        modality=modality,
        duration_minutes=duration_minutes,
        site=site,
        clinician_id=clinician_id,
    )
    (outcome,) = upsert_external_visits(actor=actor, practice=child.practice, visits=[visit], at=at)
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


def external_visit_errors(
    visit: ExternalVisit, *, practice: Practice, at: datetime
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    child = visit.child
    if child.practice_id != practice.pk:
        errors["child"] = [_("The child is not this practice's.")]
    if visit.starts_at.date() < child.date_of_birth:
        errors["starts_at"] = [_("The visit is before the child's date of birth.")]
    if visit.kind not in VisitKind.values:
        errors["kind"] = [_("Choose the type of visit.")]
    if visit.status not in VisitStatus.values:
        errors["status"] = [_("The visit's status is not one medhome knows.")]
    if visit.status == VisitStatus.COMPLETED and visit.starts_at > at:
        errors["starts_at"] = [_("A visit that took place cannot be in the future.")]
    if visit.site is not None and visit.site.practice_id != practice.pk:
        errors["site"] = [_("Choose one of this practice's sites.")]
    return errors


@transaction.atomic
def upsert_external_visits(
    *, actor: Actor, practice: Practice, visits: Sequence[ExternalVisit], at: datetime
) -> list[Upserted]:
    """The EHR's appointments and encounters of one practice, created or brought in step by
    external id in one transaction: one query for the visits these ids already name (locked
    for the update), inserts and updates together, one audit append. One outcome per visit, in
    order: the visit and "created" / "updated" / "unchanged", or the ValidationError that
    refused it. A second visit with the same external id goes in a later round, so the result is
    the one of upserting them one by one."""
    outcomes: list[Upserted | None] = [None] * len(visits)
    pending = []
    for index, visit in enumerate(visits):
        errors = external_visit_errors(visit, practice=practice, at=at)
        if errors:
            outcomes[index] = ValidationError(errors)
        else:
            pending.append(index)
    entries: list[Entry] = []
    while pending:
        taken, pending = first_disjoint(pending, lambda i: [visits[i].external_id])
        existing = {
            visit.external_id: visit
            for visit in Visit.objects.for_practice(practice)
            .select_for_update()
            .filter(external_id__any_of=[visits[i].external_id for i in taken])
        }
        created: list[Visit] = []
        updated: list[Visit] = []
        fields: set[str] = set()
        for index in taken:
            wanted = visits[index]
            values = wanted.values()
            row = existing.get(wanted.external_id)
            if row is None:
                row = Visit(
                    practice=practice,
                    external_id=wanted.external_id,
                    created_at=at,
                    updated_at=at,
                    **values,
                )
                created.append(row)
                outcome, changed = "created", sorted(values)
            else:
                changed = sorted(n for n, value in values.items() if getattr(row, n) != value)
                if not changed:
                    outcomes[index] = (row, "unchanged")
                    continue
                for name in changed:
                    setattr(row, name, values[name])
                row.updated_at = at
                updated.append(row)
                fields.update(changed)
                outcome = "updated"
            outcomes[index] = (row, outcome)
            entries.append(
                Entry(
                    Action.CREATE if outcome == "created" else Action.UPDATE,
                    VISIT_OBJECT,
                    row.pk,
                    {
                        "child": str(wanted.child.pk),
                        "fields": [n.removesuffix("_id") for n in changed],
                    },
                )
            )
        insert_rows(Visit, created)
        if updated:
            update_rows(Visit, updated, sorted({*fields, "updated_at"}))
    record_many(actor=actor, entries=entries, at=at, practice=practice)
    return [outcome for outcome in outcomes if outcome is not None]
