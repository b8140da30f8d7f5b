"""The demo clinic's coming days, decided before anything is written: which children come when.

The same choice as synth/clinic.py made from the database, made here from the generated
population so the bookings can travel as the EHR sends them (FHIR Appointment for the coming
days, HL7 SIU for today): each clinic day books up to 10 well-child visits among children whose
visit window is open that day (a few infants first, so the 1–6 month caregiver-depression
screens show on "Today" every day) and 3 sick visits.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from random import Random
from uuid import UUID

from medhome.families.models import Child
from medhome.periodicity.windows import Window
from medhome.synth.clinic import (
    DAYS,
    FIRST_SLOT,
    INFANT_DAYS,
    INFANTS_PER_DAY,
    SICK_VISITS_PER_DAY,
    SLOT,
    WELL_VISITS_PER_DAY,
    clinic_days,
)

from .visits import SICK, WELL

SLOT_MINUTES = int(SLOT.total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Booking:
    """A booked visit: `key` is the EHR's appointment id (FHIR id, SCH-1 placer id)."""

    key: str
    child: Child
    day: date
    starts: time
    kind: str  # visits.WELL or visits.SICK
    site: tuple[str, str] | None  # (key, name)
    clinician: tuple[str, str] | None  # (login, display name)
    minutes: int = SLOT_MINUTES


def _slot(n: int) -> time:
    minutes = FIRST_SLOT.hour * 60 + FIRST_SLOT.minute + n * SLOT_MINUTES
    return time(minutes // 60, minutes % 60)


def plan_clinic(
    rng: Random,
    children: Sequence[Child],
    windows: dict[UUID, list[tuple[str, int, Window]]],
    *,
    as_of: date,
    sites: Sequence[tuple[str, str]],
    clinicians: Sequence[tuple[str, str]],
    days: int = DAYS,
) -> list[Booking]:
    """Two weeks of one practice's visits from `as_of` (children of that practice only)."""
    ordered = sorted(children, key=lambda c: c.pk)
    booked: set[UUID] = set()
    bookings: list[Booking] = []
    for day in clinic_days(as_of, days):
        due = [
            child
            for child in ordered
            if child.pk not in booked
            and any(window.opens <= day < window.closes for _k, _m, window in windows[child.pk])
        ]
        infants = [c for c in due if (day - c.date_of_birth).days < INFANT_DAYS]
        well = rng.sample(infants, min(INFANTS_PER_DAY, len(infants)))
        chosen = {c.pk for c in well}
        others = [c for c in due if c.pk not in chosen]
        well += rng.sample(others, min(WELL_VISITS_PER_DAY - len(well), len(others)))
        sick = rng.sample(list(ordered), min(SICK_VISITS_PER_DAY, len(ordered)))
        booked.update(c.pk for c in well)
        slots = [(c, WELL) for c in well] + [(c, SICK) for c in sick]
        rng.shuffle(slots)
        for n, (child, kind) in enumerate(slots):
            bookings.append(
                Booking(
                    key=f"{child.pk.hex[:16]}-{day:%Y%m%d}-{n:02d}",
                    child=child,
                    day=day,
                    starts=_slot(n),
                    kind=kind,
                    site=rng.choice(sites) if sites else None,
                    clinician=rng.choice(clinicians) if clinicians else None,
                )
            )
    return bookings
