from datetime import date, timedelta

import pytest

from medhome.measures import anchors

PERIODS = [
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2027, 1, 1), date(2028, 12, 31)),
    (date(2028, 2, 1), date(2028, 2, 29)),
    (date(2027, 2, 28), date(2027, 3, 1)),
    (date(2026, 5, 31), date(2026, 5, 31)),
]
ANCHORINGS = {
    "w30_1": anchors.w30_1(),
    "w30_2": anchors.w30_2(180),
    "dev_1": anchors.dev(1),
    "dev_2": anchors.dev(2),
    "dev_3": anchors.dev(3),
}


@pytest.mark.parametrize("start,end", PERIODS)
@pytest.mark.parametrize("name", ANCHORINGS)
def test_birth_range_matches_brute_force(name, start, end):
    anchor = ANCHORINGS[name].anchor
    brute = []
    day = start - timedelta(days=5 * 366)
    while day <= end:
        if start <= anchor(day) <= end:
            brute.append(day)
        day += timedelta(days=1)
    found = anchors.births_anchored_in(anchor, start, end)
    assert found == brute
    # one interval of dates
    assert found == [found[0] + timedelta(days=i) for i in range(len(found))]


def test_leap_day_birthdays_clamp():
    assert anchors.birthday(date(2024, 2, 29), 1) == date(2025, 2, 28)
    # The rule as stated (1st birthday + 90 days). measures.md's example (born 2015-01-09 ->
    # 2016-04-09) disagrees by one day because 2016 has a 29 Feb; the stated rule is followed.
    assert anchors.fifteen_months(date(2015, 1, 9)) == date(2016, 4, 8)
    assert anchors.fifteen_months(date(2016, 1, 9)) == date(2017, 4, 9)
