"""A child's visits as the synthetic EHR knows them: past well-child and sick visits, and the
demo clinic's coming days. Pure and light (no model instances), so a million-resource export
stays fast; the rates are visit_history's (docs/clinical-rules.md#synthetic-population).
"""

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from random import Random

from medhome.families.models import Child
from medhome.periodicity.schedule import Schedule
from medhome.periodicity.windows import Window, windows_for
from medhome.synth.visit_history import (
    ADHERENCE,
    LANGUAGE_PENALTY,
    PUBLIC_PAYER_PENALTY,
    SICK_VISITS_PER_YEAR,
    UNINSURED_PENALTY,
    VIDEO_SHARE,
)

WELL = "well_child"
SICK = "sick"


@dataclass(frozen=True, slots=True)
class PastVisit:
    day: date
    starts: time
    kind: str  # WELL or SICK
    visit_key: str  # the schedule's visit ("12mo"), "" for a sick visit
    months: int  # age in whole months at the visit's nominal age (well) or on the day (sick)
    video: bool
    number: int  # the child's n-th visit: part of its identifier


def _rate(table: tuple[tuple[int, float], ...], months: int) -> float:
    return next(rate for upper, rate in table if months < upper)


def _start(rng: Random) -> time:
    return time(8 + rng.randint(0, 8), 20 * rng.randint(0, 2))


def child_windows(child: Child, schedule: Schedule) -> list[tuple[str, int, Window]]:
    """(visit key, nominal months, window) of every timed visit."""
    _SCHEDULES.setdefault(schedule.version, schedule)
    return list(_windows(child.date_of_birth, schedule.version))


_SCHEDULES: dict[str, Schedule] = {}


@lru_cache(maxsize=50_000)
def _windows(birth: date, version: str) -> tuple[tuple[str, int, Window], ...]:
    """Children born the same day share their windows (a million children, ~8,000 days)."""
    return tuple(
        (visit.key, visit.nominal.months if visit.nominal else 0, window)
        for visit, window in windows_for(birth, schedule=_SCHEDULES[version])
    )


def past_visits(
    child: Child,
    windows: list[tuple[str, int, Window]],
    *,
    as_of: date,
    rng: Random,
    skip_open_window: bool,
) -> list[PastVisit]:
    """Well-child visits that mostly follow the schedule (adherence falls after 15 months and in
    adolescence; less with Medicaid/CHIP, no coverage or a language other than English), the
    open window's too unless `skip_open_window` (the child is booked in the coming days), and
    sick visits."""
    found: list[PastVisit] = []
    for key, months, window in windows:
        if window.opens >= as_of or (window.closes > as_of and skip_open_window):
            break
        chance = _rate(ADHERENCE, months) - (UNINSURED_PENALTY if child.payer == "uninsured" else 0)
        chance -= PUBLIC_PAYER_PENALTY if child.payer in ("medicaid", "chip") else 0
        chance -= LANGUAGE_PENALTY if child.preferred_language != "en" else 0
        if rng.random() > chance:
            continue
        nominal = child.date_of_birth + timedelta(days=round(months * 30.44))
        latest = window.closes - timedelta(days=1)
        day = min(latest, max(window.opens, nominal + timedelta(days=rng.randint(-10, 25))))
        if day >= as_of:
            continue
        found.append(PastVisit(day, _start(rng), WELL, key, months, False, len(found)))
    day = child.date_of_birth + timedelta(days=30)
    while day < as_of:
        months = (day - child.date_of_birth).days // 30
        day += timedelta(days=int(rng.expovariate(_rate(SICK_VISITS_PER_YEAR, months) / 365)) + 1)
        if day >= as_of:
            break
        video = rng.random() < VIDEO_SHARE
        found.append(PastVisit(day, _start(rng), SICK, "", months, video, len(found)))
    found.sort(key=lambda v: (v.day, v.starts))
    return found
