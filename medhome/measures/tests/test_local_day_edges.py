"""A moment belongs to the practice's calendar day: the measures bound the period on the
datetime columns themselves (sql.local_days), and that must agree with the reference's
clock.local_date at one minute before and at local midnight."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from medhome.core import clock
from medhome.measures import engine, reference, sql
from medhome.visits.models import Visit

from .helpers import child, referral, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def visit_at(kid, moment: datetime) -> None:
    made = visit(kid, moment.date())
    Visit.objects.filter(pk=made.pk).update(starts_at=moment)


def both(key, practice):
    results = [
        module.compute(key, practices=[practice], period_start=START, period_end=END)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids)
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids)
    return results[0]


@pytest.mark.django_db
def test_visits_at_the_edges_of_the_period_count_by_the_local_day(family_a, practice_a):
    edges = {
        "last_minute_before": (local(date(2025, 12, 31), 23, 59), False),
        "first_minute": (local(START, 0, 0), True),
        "last_minute": (local(END, 23, 59), True),
        "first_minute_after": (local(date(2027, 1, 1), 0, 0), False),
    }
    kids = {}
    for name, (moment, _inside) in edges.items():
        kids[name] = child(family_a, date(2020, 6, 1))  # 6 on 31 Dec: a WCV child
        visit_at(kids[name], moment)

    wcv = both("wcv", practice_a)
    social = both("sns_food_screen", practice_a)  # any completed visit in the period

    for name, (_moment, inside) in edges.items():
        assert (kids[name].pk in wcv.numerator_ids) is inside, name
        assert (kids[name].pk in social.denominator_ids) is inside, name


@pytest.mark.django_db
def test_referrals_sent_and_closed_at_the_edges_count_by_the_local_day(family_a, practice_a):
    from medhome.referrals.models import Referral

    kid = child(family_a, date(2020, 6, 1))
    cases = {
        # Sent on Oct 31 at 23:59 (the last day a calendar year counts) / Nov 1 at 00:00.
        "sent_last_minute": (local(date(2026, 10, 31), 23, 59), None, True, False),
        "sent_too_late": (local(date(2026, 11, 1), 0, 0), None, False, False),
        # Closed on Dec 31 at 23:59 / Jan 1 at 00:00.
        "closed_last_minute": (
            local(date(2026, 6, 1), 10),
            local(END, 23, 59),
            True,
            True,
        ),
        "closed_after": (local(date(2026, 6, 1), 10), local(date(2027, 1, 1), 0, 0), True, False),
    }
    made = {}
    for name, (sent, closed, _unit, _closed) in cases.items():
        row = referral(kid, sent.date(), status="completed", closed=sent.date(), outcome="met")
        Referral.objects.filter(pk=row.pk).update(
            requested_at=sent, closed_at=closed or sent + timedelta(days=3)
        )
        made[name] = row.pk

    result = both("ref_closed", practice_a)

    for name, (_sent, _closed, unit, closed_in_time) in cases.items():
        assert (made[name] in result.denominator_ids) is unit, name
        if unit and _closed is not None:
            assert (made[name] in result.numerator_ids) is closed_in_time, name


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/New_York", date(2026, 3, 8)),  # spring forward at 02:00
        ("America/New_York", date(2026, 11, 1)),  # fall back at 02:00
        ("America/Santiago", date(2022, 9, 11)),  # midnight skipped (00:00 -> 01:00)
        ("America/Havana", date(2022, 11, 6)),  # midnight repeated (01:00 -> 00:00)
    ],
)
def test_a_local_day_starts_at_its_first_moment_across_clock_changes(zone, day):
    with timezone.override(ZoneInfo(zone)):
        bounds = sql.local_days("starts_at", day, day).children
        low = dict(bounds)["starts_at__gte"]
        high = dict(bounds)["starts_at__lt"]
        tick = timedelta(microseconds=1)
        assert clock.local_date(low) == day and clock.local_date(low - tick) == day - timedelta(1)
        assert clock.local_date(high - tick) == day and clock.local_date(high) == day + timedelta(1)
