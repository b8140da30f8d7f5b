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
