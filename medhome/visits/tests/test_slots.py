"""Slot suggestions: inside the calendar, around the clinician, the family's times first."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from medhome.families.models import AvailabilityWindow, Caregiver
from medhome.practices.models import PracticeCalendar, Site
from medhome.visits.slots import (
    FITS_FAMILY,
    MIDDAY_REASON,
    NEAREST_SITE,
    TELEHEALTH_REASON,
    suggest_slots,
)
from tests import factories

ZONE = ZoneInfo("America/New_York")
MONDAY = date(2026, 11, 23)
THURSDAY = date(2026, 11, 26)


@pytest.fixture
def calendar_a(practice_a):
    return PracticeCalendar.objects.create(
        practice=practice_a,
        opens_at="08:00",
        closes_at="12:00",
        working_weekdays=[1, 2, 3, 4, 5],
        holidays=[THURSDAY.isoformat()],
    )


@pytest.fixture
def east_boston(practice_a):
    return Site.objects.create(practice=practice_a, name="East Boston", zip_code="02128")


@pytest.fixture
def jamaica_plain(practice_a):
    return Site.objects.create(practice=practice_a, name="Jamaica Plain", zip_code="02130")


def window(caregiver, weekday, starts, ends):
    AvailabilityWindow.objects.create(
        practice=caregiver.practice,
        caregiver=caregiver,
        weekday=weekday,
        starts_at=starts,
        ends_at=ends,
    )


def suggest(child, site, clinician, **extra):
    values = {"kind": "well_child", "from_day": MONDAY, "days": 7, "duration": 30, **extra}
    return suggest_slots(
        child=child, site=site, clinician_id=clinician.pk if clinician else None, **values
    )


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def test_slots_stay_inside_hours_working_days_and_off_holidays(
    calendar_a, child_a, east_boston, clinician_a
):
    slots = suggest(child_a, east_boston, clinician_a)

    days = {slot.starts_at.astimezone(ZONE).date() for slot in slots}
    assert days == {MONDAY, date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 27)}
    assert all(time(8) <= s.starts_at.astimezone(ZONE).time() for s in slots)
    assert all(s.ends_at.astimezone(ZONE).time() <= time(12) for s in slots)
    assert len(slots) == 4 * 8  # 8 half-hours a morning, four open days


def test_the_clinicians_booked_visits_are_left_out(calendar_a, child_a, east_boston, clinician_a):
    booked = factories.schedule_visit(child_a, at="2026-11-23 09:15:00-05:00")
    booked.clinician = clinician_a
    booked.duration_minutes = 30
    booked.save()
    cancelled = factories.schedule_visit(child_a, at="2026-11-23 10:00:00-05:00")
    cancelled.clinician, cancelled.status = clinician_a, "cancelled"
    cancelled.save()

    starts = {s.starts_at for s in suggest(child_a, east_boston, clinician_a)}

    assert at(MONDAY, 9, 0) not in starts and at(MONDAY, 9, 30) not in starts
    assert at(MONDAY, 8, 30) in starts and at(MONDAY, 10, 0) in starts


def test_one_query_each_for_visits_windows_family_and_sites(
    calendar_a, child_a, east_boston, clinician_a, django_assert_num_queries
):
    child_a.practice  # noqa: B018  (the caller already holds the practice)
    with django_assert_num_queries(5):  # calendar, visits, windows, barrier, sites
        suggest(child_a, None, clinician_a, days=60)


def test_the_familys_good_times_come_first_and_say_so(
    calendar_a, child_a, caregiver_a, east_boston, clinician_a
):
    window(caregiver_a, 2, time(10, 0), time(11, 0))  # Wednesday 10 to 11

    slots = suggest(child_a, east_boston, clinician_a)

    assert [s.starts_at for s in slots[:2]] == [
        at(date(2026, 11, 25), 10),
        at(date(2026, 11, 25), 10, 30),
    ]
    assert slots[0].reasons == (FITS_FAMILY,)
    assert str(FITS_FAMILY) == "fits the times the family marked as good"
    assert not any(s.fits_family for s in slots[2:])
    assert slots[2].starts_at == at(MONDAY, 8)  # then the earliest


def test_a_window_of_another_familys_caregiver_does_not_count(
    calendar_a, child_a, east_boston, clinician_a, caregiver_b
):
    window(caregiver_b, 0, time(8), time(12))

    assert not any(s.fits_family for s in suggest(child_a, east_boston, clinician_a))


def test_transport_barrier_prefers_the_nearest_site_and_midday(
    calendar_a, child_a, caregiver_a, east_boston, jamaica_plain, clinician_a
):
    Caregiver.objects.filter(pk=caregiver_a.pk).update(has_transportation_barrier=True)
    # child_a lives in 02128 (East Boston)

    slots = suggest(child_a, None, clinician_a)

    first = slots[0]
    assert first.site == east_boston and first.starts_at == at(MONDAY, 10)
    assert first.reasons == (NEAREST_SITE, MIDDAY_REASON)
    assert {s.site for s in slots} == {east_boston, jamaica_plain}
    assert slots[-1].site == jamaica_plain and slots[-1].reasons == ()


def test_transport_barrier_offers_video_when_the_kind_allows(
    calendar_a, child_a, caregiver_a, east_boston, clinician_a
):
    Caregiver.objects.filter(pk=caregiver_a.pk).update(has_transportation_barrier=True)

    sick = suggest(child_a, east_boston, clinician_a, kind="sick")
    well = suggest(child_a, east_boston, clinician_a, kind="well_child")

    assert sick[0].modality == "video" and sick[0].site is None
    assert sick[0].reasons == (TELEHEALTH_REASON,)
    assert {s.modality for s in well} == {"in_person"}


def test_availability_still_comes_before_transport(
    calendar_a, child_a, caregiver_a, east_boston, jamaica_plain, clinician_a
):
    Caregiver.objects.filter(pk=caregiver_a.pk).update(has_transportation_barrier=True)
    window(caregiver_a, 4, time(8), time(8, 30))  # Friday first thing

    slots = suggest(child_a, None, clinician_a)

    assert slots[0].fits_family and slots[0].starts_at == at(date(2026, 11, 27), 8)
    assert slots[0].site == east_boston  # of the two good-time slots, the nearer site first


def test_no_family_preference_without_a_barrier(
    calendar_a, child_a, east_boston, jamaica_plain, clinician_a
):
    slots = suggest(child_a, None, clinician_a)
    assert all(s.reasons == () for s in slots)
    assert slots[0].starts_at == at(MONDAY, 8)


def test_not_before_drops_the_past(calendar_a, child_a, east_boston, clinician_a):
    slots = suggest(child_a, east_boston, clinician_a, not_before=at(MONDAY, 11, 15))
    assert min(s.starts_at for s in slots) == at(MONDAY, 11, 30)


def test_video_ranks_with_the_nearest_site_at_midday_for_a_barrier(
    calendar_a, child_a, caregiver_a, east_boston, jamaica_plain, clinician_a
):
    Caregiver.objects.filter(pk=caregiver_a.pk).update(has_transportation_barrier=True)

    slots = suggest(child_a, None, clinician_a, kind="follow_up")

    # Video needs no trip at any hour; in person, the nearest site at mid-day is as good.
    assert (slots[0].modality, slots[0].starts_at) == ("video", at(MONDAY, 8))
    best = [s for s in slots if s.transport_score == slots[0].transport_score]
    in_person = [s for s in best if s.modality == "in_person"]
    assert in_person[0].site == east_boston and in_person[0].starts_at == at(MONDAY, 10)
    assert best.index(in_person[0]) < len([s for s in best if s.starts_at <= at(MONDAY, 10)])
