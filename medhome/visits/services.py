"""Recording visits: one function per use case, in one transaction, audited."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Membership, Site

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


@transaction.atomic
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
    the child's: an external id is looked up in that practice only."""
    errors: dict[str, list[str]] = {}
    if starts_at.date() < child.date_of_birth:
        errors["starts_at"] = [_("The visit is before the child's date of birth.")]
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose the type of visit.")]
    if status not in VisitStatus.values:
        errors["status"] = [_("The visit's status is not one medhome knows.")]
    if status == VisitStatus.COMPLETED and starts_at > at:
        errors["starts_at"] = [_("A visit that took place cannot be in the future.")]
    if site is not None and site.practice_id != child.practice_id:
        errors["site"] = [_("Choose one of this practice's sites.")]
    if errors:
        raise ValidationError(errors)
    values = {
        "child_id": child.pk,
        "starts_at": starts_at,
        "kind": kind,
        "status": status,
        "modality": modality,
        "duration_minutes": duration_minutes,
        "site_id": site.pk if site else None,
        "clinician_id": clinician_id,
    }
    visit = (
        Visit.objects.for_practice(child.practice)
        .select_for_update()
        .filter(external_id=external_id)
        .first()
    )
    if visit is None:
        visit = Visit.objects.create(
            practice=child.practice, external_id=external_id, created_at=at, updated_at=at, **values
        )
        outcome, changed = "created", sorted(values)
    else:
        changed = sorted(name for name, value in values.items() if getattr(visit, name) != value)
        if not changed:
            return visit, "unchanged"
        for name in changed:
            setattr(visit, name, values[name])
        visit.updated_at = at
        visit.save(update_fields=[*changed, "updated_at"])
        outcome = "updated"
    record(
        actor=actor,
        action=Action.CREATE if outcome == "created" else Action.UPDATE,
        object_type=VISIT_OBJECT,
        object_id=visit.pk,
        at=at,
        practice=child.practice,
        detail={"child": str(child.pk), "fields": [n.removesuffix("_id") for n in changed]},
    )
    return visit, outcome
