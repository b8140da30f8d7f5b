"""Visit windows: when a well-child visit is due, overdue and missed.

All medhome rules (docs/clinical-rules.md#visit-windows window table; the AAP gives no window,
periodicity.md §2.1). Intervals are half-open [opens, closes); windows are contiguous and never
overlap, so a day belongs to at most one visit.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .rules import Rules, current_rules
from .schedule import Age, Schedule, Visit, current_schedule


def add_months(day: date, months: int) -> date:
    """The date `months` calendar months later, clamped to the month's last day
    (31 Jan + 1 month = 28/29 Feb; docs/clinical-rules.md#visit-windows)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if day.day <= 28:  # in every month: no need for its length (monthrange is most of the cost)
        return date(year, month + 1, day.day)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_date(birth_date: date, age: Age) -> date:
    return add_months(birth_date, age.months) + timedelta(days=age.days)


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date  # first day outside the window
    nominal: date
    overdue_from: date  # may fall on or after `closes`: then the visit is never overdue

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.opens <= day < self.closes

    def status_on(self, day: date) -> str:
        """due / overdue / missed / upcoming by date alone (done is decided by the engine)."""
        if day < self.opens:
            return "upcoming"
        if day >= self.closes:
            return "missed"
        return "overdue" if day >= self.overdue_from else "due"


def opens_on(
    birth_date: date, visit: Visit, rules: Rules, *, discharged_on: date | None = None
) -> date:
    """Opening day of a visit's window (docs/clinical-rules.md#visit-windows table, row by row)."""
    assert visit.nominal is not None
    if visit.key == "newborn":
        return birth_date
    if visit.key == "3-5d":
        return birth_date + timedelta(days=rules.three_to_five_opens_day)
    if visit.key == "1mo":
        # "by 1 month" opens when the 3–5 day window closes: day 6, or discharge + 4 days
        # when that is earlier (June 2024 footnote: 48–72 h after discharge), never before
        # the 3–5 day window has had one day.
        closes = birth_date + timedelta(days=rules.three_to_five_closes_day)
        if discharged_on is not None:
            after = discharged_on + timedelta(days=rules.three_to_five_closes_after_discharge_days)
            earliest = birth_date + timedelta(days=rules.three_to_five_opens_day + 1)
            closes = max(earliest, min(closes, after))
        return closes
    return age_date(birth_date, visit.nominal) - timedelta(days=rules.opens_days_before_nominal)


def closes_on(
    birth_date: date,
    visit: Visit,
    schedule: Schedule,
    rules: Rules,
    *,
    discharged_on: date | None = None,
) -> date:
    """A window closes when the next one opens; the last (21 y) at the next birthday (22nd)."""
    timed = schedule.timed_visits
    position = timed.index(visit)
    if position + 1 < len(timed):
        return opens_on(birth_date, timed[position + 1], rules, discharged_on=discharged_on)
    assert visit.nominal is not None
    return add_months(birth_date, visit.nominal.months + 12)


def overdue_from(birth_date: date, visit: Visit, rules: Rules) -> date:
    """Nominal age + grace: 14 days under 12 months, 30 days from 12 months
    (docs/clinical-rules.md#due-and-overdue)."""
    assert visit.nominal is not None
    return _overdue_from(age_date(birth_date, visit.nominal), visit, rules)


def _overdue_from(nominal: date, visit: Visit, rules: Rules) -> date:
    grace = rules.grace_days_under_12_months if visit.is_infant else rules.grace_days_from_12_months
    return nominal + timedelta(days=grace)


def window_of(
    birth_date: date,
    visit: Visit,
    *,
    schedule: Schedule,
    rules: Rules,
    discharged_on: date | None = None,
) -> Window:
    assert visit.nominal is not None
    return Window(
        opens=opens_on(birth_date, visit, rules, discharged_on=discharged_on),
        closes=closes_on(birth_date, visit, schedule, rules, discharged_on=discharged_on),
        nominal=age_date(birth_date, visit.nominal),
        overdue_from=overdue_from(birth_date, visit, rules),
    )


def windows_for(
    birth_date: date,
    *,
    schedule: Schedule,
    rules: Rules | None = None,
    discharged_on: date | None = None,
) -> list[tuple[Visit, Window]]:
    """Every timed visit of the schedule with its window, in order: `window_of` for each, with
    each opening day computed once (a window closes when the next opens). The due list and the
    EHR import call this for every child, so it is on their hot path."""
    rules = rules or current_rules()
    timed = schedule.timed_visits
    opens = [opens_on(birth_date, v, rules, discharged_on=discharged_on) for v in timed]
    windows = []
    for position, visit in enumerate(timed):
        assert visit.nominal is not None
        nominal = age_date(birth_date, visit.nominal)
        if position + 1 < len(timed):
            closes = opens[position + 1]
        else:
            closes = add_months(birth_date, visit.nominal.months + 12)
        windows.append(
            (visit, Window(opens[position], closes, nominal, _overdue_from(nominal, visit, rules)))
        )
    return windows


def visit_for_day(
    birth_date: date,
    day: date,
    *,
    discharged_on: date | None = None,
    schedule: Schedule | None = None,
) -> Visit | None:
    """The well-child visit whose window contains `day` (None before birth or from the 22nd
    birthday). The screening app stamps the visit a result counts for with this."""
    schedule = schedule or current_schedule(day)
    for visit, window in windows_for(birth_date, schedule=schedule, discharged_on=discharged_on):
        if day in window:
            return visit
    return None
