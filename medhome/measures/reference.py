"""Per-child reference implementation: the measures read as the specification reads, one child
at a time, in plain Python. Slow on purpose; the benchmark and the tests check that the
set-based engine gives the same children."""

from collections import defaultdict
from datetime import date

from medhome.core import clock
from medhome.families.models import Child
from medhome.measures import (
    anchors,
    definitions,
    reference_attribution,
    reference_followup,
    reference_programs,
    reference_referrals,
    reference_screening,
)
from medhome.measures.engine import DEV_YEARS, WCV_BANDS, MeasureResult
from medhome.screening.models import Administration
from medhome.visits.models import Visit


def _well_visit_days(rules: dict, child_ids) -> dict:
    days = defaultdict(set)
    for visit in Visit.objects.filter(child_id__in=child_ids):
        if (
            visit.kind in rules["well_visit_kinds"]
            and visit.status == rules["well_visit_status"]
            and visit.modality in rules["counted_modalities"]
        ):
            days[visit.child_id].add(clock.local_date(visit.starts_at))
    return days


def _greedy_count(days: list[date], spacing: int) -> int:
    """Most visits on different dates at least `spacing` days apart (greedy from the first)."""
    count, last = 0, None
    for day in sorted(days):
        if last is None or (day - last).days >= spacing:
            count, last = count + 1, day
    return count


def _age_on(dob: date, day: date) -> int:
    years = day.year - dob.year
    return years if anchors.birthday(dob, years) <= day else years - 1


def compute(measure_key: str, *, practices, period_start: date, period_end: date) -> MeasureResult:
    measure = definitions.get(measure_key)
    rules = definitions.rules()
    children = list(Child.objects.filter(practice__in=practices).order_by("pk"))
    ids = [child.pk for child in children]
    numerator, denominator = [], []
    median_days = None
    spans = reference_attribution.spans_of(ids)
    gap = int(rules["enrollment_gap_days"])

    def enrolled(child, anchoring) -> bool:
        first = anchoring.enrollment(child.date_of_birth)[0]
        anchor = anchoring.anchor(child.date_of_birth)
        return reference_attribution.enrolled(spans, child.pk, first, anchor, gap)

    if measure_key in reference_screening.KEYS:
        numerator, denominator = reference_screening.compute(
            measure_key, rules, children, period_start, period_end
        )

    elif measure_key in reference_followup.KINDS:
        numerator, denominator = reference_followup.compute(
            measure_key, rules, practices, period_start, period_end
        )

    elif measure_key in reference_programs.KEYS:
        numerator, denominator = reference_programs.compute(
            measure_key, rules, practices, period_start, period_end
        )

    elif measure_key in reference_referrals.STATES:
        numerator, denominator, median_days = reference_referrals.compute(
            measure_key, rules, practices, period_start, period_end
        )

    elif measure_key in ("w30_1", "w30_2"):
        if measure_key == "w30_1":
            anchoring, needed = anchors.w30_1(), 6
        else:
            anchoring = anchors.w30_2(rules["w30_30_month_days_after_2nd_birthday"])
            needed = 2
        spacing = max(1, int(rules["w30_min_days_between_visits"]))
        days = _well_visit_days(rules, ids)
        for child in children:
            if not period_start <= anchoring.anchor(child.date_of_birth) <= period_end:
                continue
            if not enrolled(child, anchoring):
                continue
            denominator.append(child.pk)
            first, last = anchoring.window(child.date_of_birth)
            in_window = [d for d in days[child.pk] if first <= d <= last]
            if _greedy_count(in_window, spacing) >= needed:
                numerator.append(child.pk)

    elif measure_key in WCV_BANDS:
        low, high = WCV_BANDS[measure_key]
        december = date(period_end.year, 12, 31)
        days = _well_visit_days(rules, ids)
        for child in children:
            if not low <= _age_on(child.date_of_birth, december) <= high:
                continue
            if not reference_attribution.enrolled(spans, child.pk, period_start, period_end, gap):
                continue
            denominator.append(child.pk)
            if any(period_start <= d <= period_end for d in days[child.pk]):
                numerator.append(child.pk)

    elif measure_key in DEV_YEARS:
        keys = set(definitions.dev_instrument_keys(rules))
        screens = defaultdict(list)
        for admin in Administration.objects.filter(child_id__in=ids):
            if (
                admin.status == rules["dev_administration_status"]
                and admin.instrument_key in keys
                and admin.administered_on is not None
            ):
                screens[admin.child_id].append(admin.administered_on)
        for child in children:
            for years in DEV_YEARS[measure_key]:
                anchoring = anchors.dev(years)
                if not period_start <= anchoring.anchor(child.date_of_birth) <= period_end:
                    continue
                if not enrolled(child, anchoring):
                    break
                denominator.append(child.pk)
                first, last = anchoring.window(child.date_of_birth)
                if any(first <= d <= last for d in screens[child.pk]):
                    numerator.append(child.pk)
                break  # a child reaches at most one of the birthdays in a period ≤ 1 year
    else:
        raise KeyError(measure_key)

    return MeasureResult(
        measure_key=measure_key,
        numerator_ids=numerator,
        denominator_ids=denominator,
        simplifications=list(measure.simplifications),
        median_days=median_days,
    )
