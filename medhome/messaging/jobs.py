"""Messages on the worker's schedule (docs/architecture.md, "Background work"): the visit
reminders planned every hour (idempotent: a visit+kind+offset is planned once), the recalls
planned daily (services/recall.py) and the due messages sent every minute. `manage.py
plan_visit_reminders` and `send_due_messages` run the same functions by hand. Intervals:
settings.MEDHOME_JOB_INTERVALS."""

from datetime import datetime, timedelta

from medhome.core import clock
from medhome.jobs.registry import register

from .services.planning import plan_all_visit_reminders
from .services.recall import plan_all_recalls
from .services.sending import send_due_messages

SEND_BATCH = 200
# A minute's run sends until nothing is due or this long has passed; the next slot goes on.
SEND_FOR = timedelta(seconds=45)


def plan_reminders(*, now: datetime) -> int:
    return plan_all_visit_reminders(at=now)


def plan_recalls(*, now: datetime) -> int:
    return plan_all_recalls(at=now)


def send_due(*, now: datetime) -> int:
    sent, until = 0, now + SEND_FOR
    while True:
        at = clock.now()
        batch = send_due_messages(limit=SEND_BATCH, at=at)
        sent += batch
        if batch < SEND_BATCH or at >= until:
            return sent


register("messaging.plan_reminders", plan_reminders, every=timedelta(hours=1))
# Daily at 06:00, not weekly: the worker's slots must divide a day (jobs.registry), and a
# daily run costs nothing twice (a child is recalled once per recall_every_days window), while
# a child who became overdue waits a day rather than a week.
register("messaging.plan_recalls", plan_recalls, every=timedelta(days=1), offset=timedelta(hours=6))
register("messaging.send_due", send_due, every=timedelta(minutes=1))
