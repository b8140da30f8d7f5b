"""sql.LocalMidnight, the first moment of a local day computed in SQL, is exactly
sql._first_moment (midnight, fold=0) on both databases, clock changes included: W30 bounds each
child's visits by it (`local day >= d` is `starts_at >= LocalMidnight(d)`)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import DateField, F, Value
from django.utils import timezone

from medhome.measures import engine, reference, sql
from medhome.visits.models import Visit

from .helpers import child, visit

ONE_DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
# (zone, day): the day's midnight is regular on the days either side.
EDGES = [
    ("America/New_York", date(2026, 3, 8)),  # spring forward at 02:00
    ("America/New_York", date(2026, 11, 1)),  # fall back at 02:00
    ("America/Santiago", date(2022, 9, 11)),  # midnight skipped (00:00 -> 01:00)
    ("America/Santiago", date(2022, 4, 3)),  # 24:00 -> 23:00: the hour before midnight repeated
    ("America/Havana", date(2022, 3, 13)),  # midnight skipped (00:00 -> 01:00)
    ("America/Havana", date(2022, 11, 6)),  # midnight repeated (01:00 -> 00:00)
    ("America/Goose_Bay", date(1988, 10, 30)),  # 00:01 -> 22:01: two hours repeated
]


def in_sql(expression) -> datetime:
    """One expression evaluated by the database, on a row of its own."""
    return Visit.objects.annotate(value=expression).values_list("value", flat=True).get()


def test_the_zones_that_repeat_a_midnight_are_known():
    assert not sql._repeats_midnight("America/New_York")
    assert not sql._repeats_midnight("America/Santiago")
    assert sql._repeats_midnight("America/Havana")
    assert not sql._repeats_midnight("UTC+05:00")


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "day"), EDGES)
def test_local_midnight_is_the_first_moment_of_the_day(zone, day, family_a):
    visit(child(family_a, date(2020, 1, 1)), date(2024, 1, 1))
    with timezone.override(ZoneInfo(zone)):
        for near in (day - ONE_DAY, day, day + ONE_DAY):
            expected = sql._first_moment(near).astimezone(UTC)
            found = in_sql(sql.LocalMidnight(Value(near, output_field=DateField())))
            assert found.astimezone(UTC) == expected, near
            # `days` moves the day; a date of birth + n days is how W30 computes its bounds.
            found = in_sql(sql.LocalMidnight(Value(near - ONE_DAY, output_field=DateField()), 1))
            assert found.astimezone(UTC) == expected, near
            earlier = sql.shift(Value(near, output_field=DateField()), -3)
            found = in_sql(sql.LocalMidnight(earlier, 3))
            assert found.astimezone(UTC) == expected, near


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "day"), EDGES)
def test_a_bound_at_local_midnight_splits_the_moments_by_their_local_day(zone, day, family_a):
    kid = child(family_a, date(2020, 1, 1))
    with timezone.override(ZoneInfo(zone)):
        first = sql._first_moment(day)
        moments = {"before": first - TICK, "first": first, "hour_later": first + timedelta(hours=1)}
        made = {}
        for name, moment in moments.items():
            made[name] = visit(kid, day).pk
            Visit.objects.filter(pk=made[name]).update(starts_at=moment)
        bound = sql.LocalMidnight(F("child__date_of_birth"), (day - kid.date_of_birth).days)
        on_or_after = set(Visit.objects.filter(starts_at__gte=bound).values_list("pk", flat=True))
        assert on_or_after == {made["first"], made["hour_later"]}


@pytest.mark.django_db
def test_local_midnight_without_time_zones(settings, family_a):
    visit(child(family_a, date(2020, 1, 1)), date(2024, 1, 1))
    settings.USE_TZ = False
    day = date(2026, 3, 8)
    assert in_sql(sql.LocalMidnight(Value(day, output_field=DateField()), 1)) == datetime(
        2026, 3, 9
    )
    assert in_sql(sql.LocalMidnight(Value(day, output_field=DateField()))) == sql._first_moment(day)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["America/New_York", "America/Havana"])
def test_w30_windows_follow_the_local_day_across_a_repeated_midnight(zone, family_a, practice_a):
    """The 15-month window of a child born 2021-08-07 ends on 2022-11-05 (Havana repeats the
    midnight that follows); a visit in the first hour of 2022-11-06 is outside, one a moment
    before it inside; the engine agrees with the reference."""
    born = date(2021, 8, 7)
    with timezone.override(ZoneInfo(zone)):
        kids = {}
        for name, offset in (("inside", -TICK), ("outside", timedelta())):
            kid = kids[name] = child(family_a, born)
            days = [born + timedelta(days=31 * n) for n in range(1, 6)]
            for day in days:
                visit(kid, day)
            last = visit(kid, date(2022, 11, 5))
            moment = sql._first_moment(date(2022, 11, 6)) + offset
            Visit.objects.filter(pk=last.pk).update(starts_at=moment)
        start, end = date(2022, 1, 1), date(2022, 12, 31)
        found = [
            module.compute("w30_1", practices=[practice_a], period_start=start, period_end=end)
            for module in (engine, reference)
        ]
    assert sorted(found[0].numerator_ids) == sorted(found[1].numerator_ids)
    assert found[0].numerator_ids == [kids["inside"].pk]
