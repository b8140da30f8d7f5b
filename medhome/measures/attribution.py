"""Who a measure counts: attribution (docs/clinical-rules.md#measure-attribution).

A child counts in a denominator only while on the practice's panel (families.PanelMembership):

- measures with a continuous-enrollment rule in measures.md (W30 §1, WCV §2, DEV-CH §3) stand
  it for "one panel membership covering the enrollment period, with at most one gap of up to
  `enrollment_gap_days` (45, the HEDIS allowable gap) at its start": the membership began on or
  before min(enrollment start + gap, anchor date) and had not ended on the anchor date;
- every other measure: on the panel on its anchor date — the 6-month birthday (caregiver
  depression by 6 months), the visit's day (at each visit), the 18- / 24-month birthday
  (autism), the period's last day (social needs) and the day the referral was sent (loop
  closure).

Each condition is one correlated EXISTS on the (child, starts_on, ends_on) index, whose
per-child dates come from a CASE over runs of dates of birth (sql.per_child), as the measures'
other bounds do. reference_attribution.py says the same per child, for the reference.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from medhome.families.models import PanelMembership, on_panel
from medhome.measures.sql import per_child

__all__ = ["continuously_enrolled", "enrolled_joined_by", "on_panel", "own_rows"]


def own_rows(practices) -> list | None:
    """`practices` when the figure is one practice's (a list or tuple of one), else None: what
    a measure names as the practice of the visits and memberships it reads beside its
    children's. Rows of a child are at the child's practice (visits.services and ehr.patients
    book and import them only there; families.attribution opens memberships there), so the
    answer is the same either way. For one practice its (practice, …) indexes then read that
    practice's rows only, where PostgreSQL otherwise scanned or hashed every practice's (cdep
    2.34× → 1.9× the hand-written SQL, referrals 1.36× → 0.7×). For several practices the
    condition only cost: the planner gave up its parallel scan for an index one (a network's
    cdep 0.41 → 0.51 s; docs/benchmarks.md, "Measures engine against hand-written SQL")."""
    if isinstance(practices, list | tuple) and len(practices) == 1:
        return list(practices)
    return None


def enrolled_joined_by(first: date, anchor: date, gap_days: int) -> date:
    """The latest start of a membership that still counts as continuous enrollment."""
    return min(first + timedelta(days=gap_days), anchor)


def continuously_enrolled(
    children: QuerySet,
    births: list[date],
    *,
    enrollment: Callable[[date], tuple[date, date]],
    anchor: Callable[[date], date],
    gap_days: int,
    probe: bool = False,
) -> QuerySet:
    """The children (rows are children born in `births`) enrolled over their period.

    With `probe`, the condition is a scalar subquery (a covering membership's start is not
    null) rather than EXISTS: PostgreSQL turns the EXISTS into a hash semi-join, hashing every
    practice's memberships (100,000 for the 1,900 children of one practice's W30 rate), where
    the scalar subquery stays one probe of the (child, starts_on, ends_on) index per child."""
    joined_by = per_child(
        births, lambda dob: enrolled_joined_by(enrollment(dob)[0], anchor(dob), gap_days)
    )
    at = per_child(births, anchor)
    spans = PanelMembership.objects.filter(
        child=OuterRef("pk"), starts_on__lte=OuterRef("enrol_joined_by")
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=OuterRef("enrol_anchor")))
    children = children.alias(enrol_joined_by=joined_by, enrol_anchor=at)
    if probe:
        covering = Subquery(spans.values("starts_on")[:1])
        return children.alias(enrol_from=covering).filter(enrol_from__isnull=False)
    return children.filter(Exists(spans))


def enrolled_between(children: QuerySet, first: date, anchor: date, *, gap_days: int) -> QuerySet:
    """The same with one enrollment period for every child (WCV: the period)."""
    spans = PanelMembership.objects.filter(
        child=OuterRef("pk"), starts_on__lte=enrolled_joined_by(first, anchor, gap_days)
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=anchor))
    return children.filter(Exists(spans))
