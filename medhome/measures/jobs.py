"""The worker keeps the measures' summary table (services.recompute): every practice each night,
and within minutes those that chose "when the data change" or whose analyst asked for it."""

from datetime import datetime, timedelta

from medhome.core import clock
from medhome.jobs.registry import DAY, register, slot_start
from medhome.measures import services

NIGHTLY_AT = timedelta(hours=2)  # after the EHR's nightly feeds, before the day's first page


def refresh_nightly(*, now: datetime) -> int:
    since = slot_start(now, every=DAY, offset=NIGHTLY_AT)
    practices = services.due_nightly(since)
    for practice in practices:
        services.recompute(practice, at=clock.now(), today=clock.local_date(now))
    return len(practices)


def refresh_changed(*, now: datetime) -> int:
    practices = services.due_for_refresh()
    for practice in practices:
        services.recompute(practice, at=clock.now(), today=clock.local_date(now))
    return len(practices)


register("measures.nightly", refresh_nightly, every=DAY, offset=NIGHTLY_AT)
register("measures.refresh", refresh_changed, every=timedelta(minutes=5))
