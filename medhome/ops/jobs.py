"""The nightly backup on the worker's schedule (ops.scheduled), at 01:15 in the practice's time
zone: after the day's work, before the 02:30 audit retention drops a month."""

from datetime import timedelta

from medhome.jobs.registry import DAY, register

from .scheduled import nightly_backup

register("ops.nightly_backup", nightly_backup, every=DAY, offset=timedelta(hours=1, minutes=15))
