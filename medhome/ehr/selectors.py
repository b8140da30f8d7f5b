"""Reads of the EHR's record of a child (already scoped: callers pass a child they may see)."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.scoping import get_scoped, scoped

from .models import ImportKind, ImportRun, Observation, ObservationKind

GROWTH_KINDS = (
    ObservationKind.WEIGHT,
    ObservationKind.LENGTH,
    ObservationKind.HEIGHT,
    ObservationKind.HEAD_CIRCUMFERENCE,
    ObservationKind.BMI,
)


def growth_measurements(child: Child) -> list[Observation]:
    return list(
        Observation.objects.filter(
            practice_id=child.practice_id, child=child, kind__in=GROWTH_KINDS
        ).order_by("effective_on", "kind")
    )


def panel_runs(actor: Actor) -> QuerySet[ImportRun]:
    """The practice's panel spreadsheet uploads, newest first."""
    return scoped(actor, ImportRun, need=Capability.PANEL_IMPORT).filter(kind=ImportKind.CSV_PANEL)


def access_panel_run(actor: Actor, run_id: UUID | str) -> ImportRun:
    try:
        return get_scoped(
            actor, ImportRun, need=Capability.PANEL_IMPORT, pk=run_id, kind=ImportKind.CSV_PANEL
        )
    except ValidationError as malformed:
        raise Http404 from malformed
