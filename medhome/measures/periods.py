"""Measurement periods a practice leader picks from, and the months of a run chart."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from medhome.periodicity.windows import add_months

RUN_CHART_MONTHS = 24


@dataclass(frozen=True)
class Period:
    key: str  # "12m" or a year, as it appears in the query string
    start: date
    end: date
    label: str


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def last_twelve_months(today: date) -> Period:
    """The 12 whole months before the current one (the current month is not over)."""
    end = today.replace(day=1) - timedelta(days=1)
    start = add_months(end.replace(day=1), -11)
    return Period("12m", start, end, _("12 months to %(month)s") % {"month": f"{end:%m/%Y}"})


def choices(today: date) -> list[Period]:
    years = [
        Period(str(year), date(year, 1, 1), date(year, 12, 31), str(year))
        for year in (today.year - 1, today.year - 2, today.year - 3)
    ]
    current = Period(
        str(today.year), date(today.year, 1, 1), date(today.year, 12, 31), str(today.year)
    )
    return [last_twelve_months(today), current, *years]


def parse(value: str | None, today: date) -> Period | None:
    """The period named by `value`; the default for an empty value; None if it names none."""
    options = choices(today)
    if not value:
        return options[0]
    return next((option for option in options if option.key == value), None)


def rolling_points(today: date, months: int = RUN_CHART_MONTHS) -> list[Period]:
    """One point per month: the 12 months ending with that month, oldest first. Rolling
    12-month periods keep annual measures (WCV, social needs) meaningful month by month and
    keep the monthly cohorts of a single practice from being a handful of children."""
    last = last_twelve_months(today).end
    points = []
    for back in range(months - 1, -1, -1):
        end = month_end(add_months(last.replace(day=1), -back))
        start = add_months(end.replace(day=1), -11)
        points.append(Period(f"{end:%Y-%m}", start, end, f"{end:%m/%Y}"))
    return points


def months_behind(points: list[Period]) -> list[Period]:
    """Every calendar month that the rolling points cover, oldest first (35 for 24 points)."""
    months = []
    day = points[0].start
    while day <= points[-1].end:
        months.append(Period(f"{day:%Y-%m}", day, month_end(day), f"{day:%m/%Y}"))
        day = add_months(day, 1)
    return months
