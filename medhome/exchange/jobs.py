"""The exchange's sweeps on the worker's schedule (jobs registry; no cron, no threads).

`exchange.send` pushes newly sent referrals and cancels the Tasks of revoked consents;
`exchange.poll` reads the partners' Tasks back every MEDHOME_EXCHANGE["poll_every_minutes"]
(default 15: the IG's floor, interop-codes §1.8 task-12 "not more often than every 15 minutes";
hourly in business hours is the SHOULD, task-11). MEDHOME_JOB_INTERVALS may override either.
"""

from datetime import timedelta

from medhome.jobs.registry import register

from .client import exchange_settings
from .sync import poll, sweep

register("exchange.send", sweep, every=timedelta(minutes=5))
register(
    "exchange.poll",
    poll,
    every=timedelta(minutes=int(exchange_settings()["poll_every_minutes"])),
)
