"""Reads of the EHR's record of a child (already scoped: callers pass a child they may see)."""

from medhome.families.models import Child

from .models import Observation, ObservationKind

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
