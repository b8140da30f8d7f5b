"""When a message may go, and the settings of messaging (MEDHOME_MESSAGING overrides each).

docs/architecture.md "Reaching families": only inside the caregiver's availability windows when
they named any, never in the practice's quiet hours nor on its holidays (the one practice
calendar), never more than a daily cap per family. A message that may not go now is held until
the next allowed moment, never dropped. Pure functions: the sender reads the rows once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings

from medhome.practices.calendar import Calendar

DEFAULTS: dict[str, Any] = {
    # Practice-local; the quiet span runs over midnight.
    "quiet_starts": "20:00",
    "quiet_ends": "08:00",
    "daily_cap_per_family": 3,
    # Visit reminders: days before the visit, and the local time they are planned for.
    "reminder_days_before": [3, 1],
    "reminder_time": "10:00",
    # Referral follow-ups: days after sending ("Did you get help?"); a list, so a practice may
    # ask twice. medhome rule: before the 30-day close due date, so the family's answer arrives
    # before the coordinator's "not closed" task (docs/clinical-rules.md#referral-follow-up).
    "referral_follow_up_days": [10],
    # Sending: attempts before a message is recorded as failed, the first wait (doubled each
    # time), and how long a claim holds before another sender may take the message over.
    "max_attempts": 5,
    "retry_seconds": 60,
    "claim_seconds": 120,
    # The check-in after a hospital stay (services/check_ins.py): the first business day's
    # check_in_time at least check_in_after_hours after the family came home (medhome rule:
    # inside the 2 business days of docs/clinical-rules.md#hospital-events, never the evening
    # of the discharge); only for children younger than check_in_below_age (an adolescent's
    # visit may be one they consented to alone, docs/clinical-rules.md#adolescent-confidentiality).
    "check_in_after_hours": 4,
    "check_in_time": "10:00",
    "check_in_below_age": 12,
    # The care-plan review reminder: days before the plan's review date (medhome rule).
    "care_plan_review_days_before": 7,
    # Where family links point (the address families open).
    "public_url": "http://127.0.0.1:8000",
    "practice_name": "",
    # A crisis text's task still open this many minutes after it was due goes to the on-call
    # clinician (services/escalation.py; medhome rule).
    "crisis_escalate_minutes": 15,
}
# How far ahead an allowed moment is looked for before the windows are set aside.
SEARCH_DAYS = 14


def setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "MEDHOME_MESSAGING", {})}[name]


@dataclass(frozen=True)
class Span:
    weekday: int  # Monday = 0 (families.vocabulary.Weekday)
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class QuietHours:
    starts: time
    ends: time

    @classmethod
    def from_settings(cls) -> "QuietHours":
        return cls(
            time.fromisoformat(setting("quiet_starts")), time.fromisoformat(setting("quiet_ends"))
        )

    def open_spans(self) -> list[tuple[time, time | None]]:
        """The day's spans outside quiet hours; None as an end means midnight."""
        if self.starts > self.ends:  # e.g. 20:00–08:00
            return [(self.ends, self.starts)]
        spans: list[tuple[time, time | None]] = []
        if self.starts > time(0):
            spans.append((time(0), self.starts))
        spans.append((self.ends, None))
        return spans


def _intersect(
    a: tuple[time, time | None], b: tuple[time, time | None]
) -> tuple[time, time | None] | None:
    start = max(a[0], b[0])
    ends = [end for end in (a[1], b[1]) if end is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return None
    return start, end


def _day_spans(
    day: date, windows: list[Span], quiet: QuietHours, calendar: Calendar, use_windows: bool
) -> list[tuple[time, time | None]]:
    if day in calendar.holidays:
        return []
    spans = quiet.open_spans()
    if not use_windows:
        return spans
    own = [(w.starts_at, w.ends_at) for w in windows if w.weekday == day.weekday()]
    found = [s for a in spans for b in own if (s := _intersect(a, (b[0], b[1])))]
    return sorted(found, key=lambda s: s[0])


def next_allowed(
    moment: datetime, *, windows: Iterable[Span], calendar: Calendar, quiet: QuietHours
) -> datetime:
    """The first moment at or after `moment` a message may go to this caregiver.

    Windows that never meet the open hours within SEARCH_DAYS (a caregiver free only at 6 am)
    are set aside rather than holding the message for ever; quiet hours and holidays never are.
    """
    spans = list(windows)
    for use_windows in (True, False) if spans else (False,):
        local = moment.astimezone(calendar.zone)
        for offset in range(SEARCH_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            for start, end in _day_spans(day, spans, quiet, calendar, use_windows):
                opens = datetime.combine(day, start, tzinfo=calendar.zone)
                closes = (
                    datetime.combine(day, end, tzinfo=calendar.zone)
                    if end is not None
                    else datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.zone)
                )
                if local < closes:
                    return max(local, opens)
    # Only holidays for two weeks: the first moment after them.
    return moment + timedelta(days=SEARCH_DAYS + 1)


def is_allowed(
    moment: datetime, *, windows: Iterable[Span], calendar: Calendar, quiet: QuietHours
) -> bool:
    return next_allowed(moment, windows=windows, calendar=calendar, quiet=quiet) == moment


def start_of_next_day(moment: datetime, calendar: Calendar) -> datetime:
    local = moment.astimezone(calendar.zone)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=calendar.zone)


def local_day_bounds(moment: datetime, calendar: Calendar) -> tuple[datetime, datetime]:
    local = moment.astimezone(calendar.zone)
    start = datetime.combine(local.date(), time(0), tzinfo=calendar.zone)
    return start, start_of_next_day(moment, calendar)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failed try: retry_seconds, doubled each time."""
    return timedelta(seconds=int(setting("retry_seconds")) * 2 ** max(attempts - 1, 0))
