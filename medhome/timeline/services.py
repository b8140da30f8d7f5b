"""Recording a visit and what it completes on the periodicity schedule."""

from datetime import datetime

from django.db import transaction

from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.services import record_completion
from medhome.practices.models import Site
from medhome.visits.models import Visit, VisitKind, VisitStatus
from medhome.visits.services import record_visit


def record_past_visit(
    *,
    actor: Actor,
    child: Child,
    kind: str,
    starts_at: datetime,
    modality: str,
    clinician_id: int | None,
    site: Site | None,
    at: datetime,
) -> Visit:
    """A visit that took place; a well-child visit also completes that visit of the schedule
    (docs/clinical-rules.md#visit-windows: one encounter satisfies at most one well-child visit)."""
    with transaction.atomic():
        visit = record_visit(
            actor=actor,
            child=child,
            kind=kind,
            starts_at=starts_at,
            modality=modality,
            clinician_id=clinician_id,
            site=site,
            status=VisitStatus.COMPLETED,
            at=at,
        )
        if kind in (VisitKind.WELL_CHILD, VisitKind.GROUP):
            record_completion(
                child=child,
                row=VISIT_ROW,
                done_on=clock.local_date(starts_at),
                source="visit",
                source_id=visit.pk,
                recorded_at=at,
            )
    return visit
