"""The periodic jobs: registered by the apps that own them, read by the scheduler and the worker.

Registration is one line in the owning app's ``jobs.py`` (imported at start-up by
``JobsConfig.ready``), so this app never imports a domain app and the layers hold::

    register("screening.alert_escalation", escalate_overdue_alerts, every=timedelta(minutes=5))

A job is called as ``run(now=...)`` and may return a count (what it did, never who), kept on the
run's row. It must be an idempotent state sweep: the queue gives at-least-once, not exactly-once.
"""

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DAY = timedelta(days=1)
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[..., object]
    every: timedelta
    offset: timedelta = timedelta(0)

    def interval(self) -> timedelta:
        """The registered interval unless settings.MEDHOME_JOB_INTERVALS names this job."""
        seconds = getattr(settings, "MEDHOME_JOB_INTERVALS", {}).get(self.name)
        every = timedelta(seconds=seconds) if seconds else self.every
        _check_interval(self.name, every)
        return every

    def slot_at(self, now: datetime) -> datetime:
        return slot_start(now, every=self.interval(), offset=self.offset)


_jobs: dict[str, PeriodicJob] = {}


def register(
    name: str,
    run: Callable[..., object],
    *,
    every: timedelta,
    offset: timedelta = timedelta(0),
) -> PeriodicJob:
    """Run `run(now=...)` once per slot of `every` (slots count from local midnight + `offset`:
    `every=DAY, offset=timedelta(hours=6)` is daily at 06:00 in the practice's time zone).
    Registering the same name again replaces it (a module imported twice stays one job)."""
    if not NAME.match(name):
        raise ImproperlyConfigured(f"A job name is <app>.<what>, lower case: {name!r}")
    _check_interval(name, every)
    if not timedelta(0) <= offset < DAY:
        raise ImproperlyConfigured(f"Job {name}: offset must be within one day")
    job = PeriodicJob(name=name, run=run, every=every, offset=offset)
    _jobs[name] = job
    return job


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def get(name: str) -> PeriodicJob | None:
    return _jobs.get(name)


def import_job_modules(modules: Iterable[str]) -> None:
    """Modules outside the apps that register jobs (a drill: MEDHOME_EXTRA_JOB_MODULES)."""
    for module in modules:
        importlib.import_module(module)


def _check_interval(name: str, every: timedelta) -> None:
    # Slots restart at each local midnight, so an interval that does not divide a day would give
    # a short last slot every day; a day or its divisors (a minute, 5 minutes, an hour…) never do.
    if every <= timedelta(0) or every > DAY or DAY % every:
        raise ImproperlyConfigured(f"Job {name}: the interval must divide one day, not {every}")


def slot_start(now: datetime, *, every: timedelta, offset: timedelta = timedelta(0)) -> datetime:
    """The start (UTC) of the slot `now` falls in: slots of `every` from local midnight + offset.

    Arithmetic is done in UTC (absolute time): on a daylight-saving day the slots after the
    change keep their absolute spacing, and the next day starts again from its own midnight.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    local_day = now.astimezone(zone).date()
    anchor = datetime.combine(local_day, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))
    anchor += offset
    if anchor > now:
        # Before today's offset: the slot began after yesterday's anchor.
        yesterday = datetime.combine(local_day - DAY, time(0), tzinfo=zone)
        anchor = yesterday.astimezone(ZoneInfo("UTC")) + offset
    return anchor + ((now - anchor) // every) * every
