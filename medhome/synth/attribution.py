"""Panel memberships of the synthetic children (docs/clinical-rules.md#attribution): most on the
panel from birth, some joined later, and a small share who have left (transferred, moved, aged
out), so the demo and the benchmarks show attribution at work.

Draws come from an rng seeded by the child's id, not the population's rng: adding memberships
changes none of the people, visits or screens a seed made before.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from random import Random

from medhome.families.models import Child, PanelEndReason, PanelMembership

from . import parameters as P
from .bulk import make, new_id


def _day_between(rng: Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def membership_of(
    child: Child, *, as_of: date, at: datetime, ended_share: float = P.PANEL_ENDED_SHARE
) -> PanelMembership:
    rng = Random(f"membership:{child.pk}")
    born = child.date_of_birth
    starts_on = born
    if rng.random() < P.PANEL_JOINED_LATER_SHARE and as_of > born:
        starts_on = _day_between(rng, born, as_of)
    ends_on, reason = None, ""
    if rng.random() < ended_share and as_of > starts_on:
        ends_on = _day_between(rng, starts_on + timedelta(days=1), as_of)
        if (ends_on - born).days >= P.PANEL_AGE_OUT_YEARS * 365:
            reason = PanelEndReason.AGED_OUT
        else:
            reason = P.PANEL_END_REASONS.pick(rng)
    return make(
        PanelMembership,
        id=new_id(rng),
        practice_id=child.practice_id,
        child_id=child.pk,
        starts_on=starts_on,
        ends_on=ends_on,
        end_reason=reason,
        primary_clinician_id=child.primary_clinician_id,
        created_at=at,
    )


def memberships_of(
    children: Iterable[Child], *, as_of: date, at: datetime, ended_share: float
) -> list[PanelMembership]:
    return [membership_of(child, as_of=as_of, at=at, ended_share=ended_share) for child in children]
