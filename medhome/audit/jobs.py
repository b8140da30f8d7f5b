"""The audit table's daily upkeep on the worker (docs/architecture.md, "Background work"): keep
the coming months' partitions ready, then drop the months past retention. Both are idempotent
state sweeps (a month made or dropped is not made or dropped again) and do nothing on SQLite."""

from datetime import datetime, timedelta

from medhome.jobs.registry import DAY, register

from .partitions import drop_expired, ensure_partitions


def keep_partitions(*, now: datetime) -> int:
    return ensure_partitions(now=now)


def apply_retention(*, now: datetime) -> int:
    return drop_expired(now=now)


register("audit.partitions", keep_partitions, every=DAY, offset=timedelta(hours=2))
register("audit.retention", apply_retention, every=DAY, offset=timedelta(hours=2, minutes=30))
