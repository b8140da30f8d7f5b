from datetime import date, timedelta

import pytest

from medhome.periodicity.rules import current_rules
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import add_months, visit_for_day, window_of, windows_for

ON = date(2026, 11, 23)
DAY = timedelta(days=1)
BIRTHS = [date(2024, 5, 17), date(2024, 1, 31), date(2024, 2, 29), date(2023, 12, 31)]


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)
    assert add_months(date(2024, 8, 31), 1) == date(2024, 9, 30)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)


def test_add_months_is_the_same_day_or_the_months_last_for_every_day_of_four_years() -> None:
    """Days 1-28 skip the month's length; every day is checked against the month's calendar."""
    day = date(2023, 1, 1)
    while day < date(2027, 1, 1):
        for months in (0, 1, 2, 11, 12, 13, 30, 264):
            moved = add_months(day, months)
            year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
            assert (moved.year, moved.month) == (year, month + 1), (day, months)
            last = (date(moved.year + moved.month // 12, moved.month % 12 + 1, 1) - DAY).day
            assert moved.day == min(day.day, last), (day, months)
        day += DAY


@pytest.mark.parametrize("birth", BIRTHS)
def test_every_window_edge(birth: date) -> None:
    schedule = current_schedule(ON)
    windows = windows_for(birth, schedule=schedule)
    keys = [v.key for v, _ in windows]
    for position, (visit, window) in enumerate(windows):
        before = keys[position - 1] if position else None
        after = keys[position + 1] if position + 1 < len(keys) else None
        previous_day = visit_for_day(birth, window.opens - DAY)
        assert (previous_day.key if previous_day else None) == before
        assert visit_for_day(birth, window.opens).key == visit.key
        assert visit_for_day(birth, window.closes - DAY).key == visit.key
        next_day = visit_for_day(birth, window.closes)
        assert (next_day.key if next_day else None) == after
        if position:
            assert windows[position - 1][1].closes == window.opens  # contiguous


@pytest.mark.parametrize("birth", BIRTHS)
@pytest.mark.parametrize("discharge_day", [None, 1, 3, 9])
def test_windows_for_is_window_of_each_visit(birth: date, discharge_day: int | None) -> None:
    schedule, rules = current_schedule(ON), current_rules()
    discharged_on = None if discharge_day is None else birth + timedelta(days=discharge_day)
    windows = windows_for(birth, schedule=schedule, rules=rules, discharged_on=discharged_on)
    assert [v for v, _ in windows] == list(schedule.timed_visits)
    for visit, window in windows:
        assert window == window_of(
            birth, visit, schedule=schedule, rules=rules, discharged_on=discharged_on
        )


def test_window_table_for_one_birth() -> None:
    birth = date(2024, 1, 31)
    windows = {v.key: w for v, w in windows_for(birth, schedule=current_schedule(ON))}
    assert windows["newborn"].opens == birth
    assert windows["3-5d"].opens == date(2024, 2, 3)
    assert windows["3-5d"].closes == date(2024, 2, 6)  # day 6
    assert windows["1mo"].opens == date(2024, 2, 6)
    assert windows["1mo"].nominal == date(2024, 2, 29)  # 31 Jan + 1 month, leap year
    assert windows["1mo"].closes == date(2024, 3, 31) - timedelta(days=14)  # 2 mo − 14 d
    assert windows["2mo"].opens == date(2024, 3, 17)
    assert windows["4mo"].opens == date(2024, 5, 31) - timedelta(days=14)
    assert windows["3y"].opens == date(2027, 1, 31) - timedelta(days=14)
    assert windows["21y"].closes == date(2046, 1, 31)  # the 22nd birthday


def test_leap_day_birth() -> None:
    birth = date(2024, 2, 29)
    windows = {v.key: w for v, w in windows_for(birth, schedule=current_schedule(ON))}
    assert windows["12mo"].nominal == date(2025, 2, 28)
    assert windows["4y"].nominal == date(2028, 2, 29)
    assert windows["21y"].closes == date(2046, 2, 28)
    assert visit_for_day(birth, date(2046, 2, 27)).key == "21y"
    assert visit_for_day(birth, date(2046, 2, 28)) is None


def test_three_to_five_days_with_a_discharge_date() -> None:
    birth = date(2026, 3, 10)
    assert visit_for_day(birth, date(2026, 3, 12)).key == "newborn"
    assert visit_for_day(birth, date(2026, 3, 15)).key == "3-5d"  # day 5
    assert visit_for_day(birth, date(2026, 3, 16)).key == "1mo"  # day 6
    # Discharged on day 1: discharge + 4 days = day 5 is earlier than day 6.
    discharged = date(2026, 3, 11)
    assert visit_for_day(birth, date(2026, 3, 14), discharged_on=discharged).key == "3-5d"
    assert visit_for_day(birth, date(2026, 3, 15), discharged_on=discharged).key == "1mo"
    # Discharged on day 4: day 8 is later, so day 6 still closes the window.
    late = date(2026, 3, 14)
    assert visit_for_day(birth, date(2026, 3, 16), discharged_on=late).key == "1mo"
    # Discharged on the birth day: the window keeps at least day 3.
    assert visit_for_day(birth, date(2026, 3, 13), discharged_on=birth).key == "3-5d"
    assert visit_for_day(birth, date(2026, 3, 14), discharged_on=birth).key == "1mo"


def test_overdue_boundary_is_nominal_plus_grace() -> None:
    rules = current_rules()
    birth = date(2024, 5, 17)
    windows = {v.key: w for v, w in windows_for(birth, schedule=current_schedule(ON))}
    for key, grace in (("2mo", 14), ("9mo", 14), ("12mo", 30), ("3y", 30), ("15y", 30)):
        window = windows[key]
        assert window.overdue_from == window.nominal + timedelta(days=grace)
        assert window.status_on(window.overdue_from - DAY) == "due"
        assert window.status_on(window.overdue_from) == "overdue"
        assert window.status_on(window.overdue_from + DAY) == "overdue"
        assert window.status_on(window.closes) == "missed"
        assert window.status_on(window.opens - DAY) == "upcoming"
    assert rules.grace_days_under_12_months == 14


def test_no_visit_before_birth_or_from_the_22nd_birthday() -> None:
    birth = date(2004, 6, 1)
    assert visit_for_day(birth, date(2004, 5, 31)) is None
    assert visit_for_day(birth, date(2026, 5, 31)).key == "21y"
    assert visit_for_day(birth, date(2026, 6, 1)) is None
