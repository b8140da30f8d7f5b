"""Free times to offer a family, the times that fit the family first.

A slot is free when the practice is open (the one practice calendar: working days, opening
hours, holidays) and the clinician has no expected visit overlapping it. Slots are ordered:

1. inside a window one of the child's caregivers marked as a good time ("fits the times the
   family marked as good") — the family's schedule comes first;
2. for a family for whom transportation is hard: the site nearest the family's ZIP (when the
   practice has several), mid-day times (buses run off-peak, no school run), and a telehealth
   visit where the kind of visit allows it — each with the reason said on the slot;
3. the earliest.

Reads are set-based: the clinician's booked visits of the whole range in one query, the family's
windows in one, the sites in one; the rest is arithmetic.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medhome.directory.geo import haversine_miles, zip_centroid
from medhome.families.models import AvailabilityWindow, Caregiver, Child
from medhome.practices.calendar import Calendar, calendar_of
from medhome.practices.models import Site

from .booking import HOLDS_TIME, MAX_MINUTES
from .models import Modality, Visit, VisitKind

# A well-child visit needs the exam, measurements and vaccines in the room; a sick or
# follow-up visit can often be held by video or phone.
TELEHEALTH_KINDS = frozenset({VisitKind.SICK, VisitKind.FOLLOW_UP})
# Mid-day: off-peak transit and no school drop-off or pick-up in the way (medhome's rule of
# thumb for families without a car, not a published standard).
MIDDAY = (time(10, 0), time(14, 0))

FITS_FAMILY = _("fits the times the family marked as good")
NEAREST_SITE = _("nearest site to the family's ZIP (transportation is hard)")
MIDDAY_REASON = _("mid-day, easier without a car")
TELEHEALTH_REASON = _("by video: no trip needed (transportation is hard)")


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    duration: int
    site: Site | None
    modality: str
    fits_family: bool
    reasons: tuple[Promise, ...] = field(default_factory=tuple)
    transport_score: int = 0

    @property
    def modality_label(self) -> str:
        return str(Modality(self.modality).label)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration)


def _windows(child: Child) -> dict[int, list[tuple[time, time]]]:
    """Good times of any caregiver of the child's family, by weekday (Monday = 0)."""
    by_day: dict[int, list[tuple[time, time]]] = {}
    rows = AvailabilityWindow.objects.filter(
        practice_id=child.practice_id, caregiver__family_id=child.family_id
    ).values_list("weekday", "starts_at", "ends_at")
    for weekday, starts, ends in rows:
        by_day.setdefault(weekday, []).append((starts, ends))
    return by_day


def has_transportation_barrier(child: Child) -> bool:
    return Caregiver.objects.filter(
        practice_id=child.practice_id, family_id=child.family_id, has_transportation_barrier=True
    ).exists()


def nearest_site(child: Child, sites: list[Site]) -> Site | None:
    """The site nearest the family's ZIP; None when there is no choice or no way to tell."""
    home = zip_centroid(child.zip_code)
    placed = [(site, zip_centroid(site.zip_code)) for site in sites]
    known = [(site, point) for site, point in placed if point is not None]
    if home is None or len(sites) < 2 or len(known) < 2:
        return None
    return min(known, key=lambda pair: haversine_miles(home, pair[1]))[0]


def _busy(
    practice_id: UUID, clinician_id: int | None, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    if clinician_id is None:
        return []
    rows = Visit.objects.filter(
        practice_id=practice_id,
        clinician_id=clinician_id,
        status__in=HOLDS_TIME,
        starts_at__lt=end,
        starts_at__gt=start - timedelta(minutes=MAX_MINUTES),
    ).values_list("starts_at", "duration_minutes")
    return [(s, s + timedelta(minutes=m)) for s, m in rows]


def _day_times(day: date, calendar: Calendar, duration: int) -> list[datetime]:
    start = datetime.combine(day, calendar.opens_at, tzinfo=calendar.zone)
    close = datetime.combine(day, calendar.closes_at, tzinfo=calendar.zone)
    times, moment = [], start
    while moment + timedelta(minutes=duration) <= close:
        times.append(moment)
        moment += timedelta(minutes=duration)
    return times


def _inside(moment: datetime, duration: int, windows: list[tuple[time, time]]) -> bool:
    starts = moment.time().replace(tzinfo=None)
    ends = (moment + timedelta(minutes=duration)).time().replace(tzinfo=None)
    return any(w_start <= starts and ends <= w_end for w_start, w_end in windows)


def suggest_slots(
    *,
    child: Child,
    site: Site | None,
    clinician_id: int | None,
    kind: str,
    from_day: date,
    days: int,
    duration: int,
    modality: str = Modality.IN_PERSON,
    not_before: datetime | None = None,
) -> list[Slot]:
    """Free slots over `days` days from `from_day`, best for the family first (see module)."""
    calendar = calendar_of(child.practice)
    range_start = datetime.combine(from_day, time.min, tzinfo=calendar.zone)
    range_end = range_start + timedelta(days=days)
    busy = _busy(child.practice_id, clinician_id, range_start, range_end)
    windows = _windows(child)
    barrier = has_transportation_barrier(child)
    # Where the visit can happen: by video anywhere; in person at the chosen site, or at any of
    # the practice's sites.
    places: list[tuple[Site | None, str]]
    if modality != Modality.IN_PERSON:
        places = [(None, modality)]
    else:
        sites = [site] if site is not None else list(Site.objects.filter(practice=child.practice))
        places = [(s, Modality.IN_PERSON) for s in sites] or [(None, Modality.IN_PERSON)]
        if barrier and kind in TELEHEALTH_KINDS:
            places.append((None, Modality.VIDEO))
    nearest = nearest_site(child, [s for s, _m in places if s is not None]) if barrier else None
    slots: list[Slot] = []
    for offset in range(days):
        day = from_day + timedelta(days=offset)
        if not calendar.is_business_day(day):
            continue
        good_times = windows.get(day.weekday(), [])
        for moment in _day_times(day, calendar, duration):
            end = moment + timedelta(minutes=duration)
            if not_before is not None and moment < not_before:
                continue
            if any(s < end and moment < e for s, e in busy):
                continue
            fits = _inside(moment, duration, good_times)
            midday = (
                MIDDAY[0] <= moment.time().replace(tzinfo=None)
                and end.time().replace(tzinfo=None) <= MIDDAY[1]
            )
            for place, how in places:
                reasons: list[Promise] = [FITS_FAMILY] if fits else []
                score = 0
                if barrier:
                    if how != Modality.IN_PERSON and modality == Modality.IN_PERSON:
                        # No trip at all: as good as the nearest site at mid-day.
                        reasons.append(TELEHEALTH_REASON)
                        score += 3
                    if nearest is not None and place == nearest:
                        reasons.append(NEAREST_SITE)
                        score += 2
                    if midday and how == Modality.IN_PERSON:
                        reasons.append(MIDDAY_REASON)
                        score += 1
                slots.append(Slot(moment, duration, place, how, fits, tuple(reasons), score))
    slots.sort(key=lambda slot: (not slot.fits_family, -slot.transport_score, slot.starts_at))
    return slots
