"""Messages on the worker's schedule (docs/architecture.md, "Background work"): the visit
reminders and the check-ins after a hospital stay planned every hour, the referral follow-ups and
the care-plan review reminders every day (each idempotent on its key), the due messages sent
every minute, and crisis texts nobody took up escalated every five minutes.
`manage.py plan_visit_reminders` and `send_due_messages` run the same functions by hand.
Intervals: settings.MEDHOME_JOB_INTERVALS."""

from datetime import datetime, timedelta

from medhome.core import clock
from medhome.jobs.registry import register

from .services.check_ins import plan_all_discharge_check_ins
from .services.escalation import escalate_crisis_texts
from .services.planning import plan_all_visit_reminders
from .services.referral_follow_up import plan_all_referral_follow_ups
from .services.reviews import plan_all_care_plan_reviews
from .services.sending import send_due_messages

SEND_BATCH = 200
# A minute's run sends until nothing is due or this long has passed; the next slot goes on.
SEND_FOR = timedelta(seconds=45)


def plan_reminders(*, now: datetime) -> int:
    return plan_all_visit_reminders(at=now)


def plan_referral_follow_ups(*, now: datetime) -> int:
    return plan_all_referral_follow_ups(at=now)


def plan_discharge_check_ins(*, now: datetime) -> int:
    return plan_all_discharge_check_ins(at=now)


def plan_care_plan_reviews(*, now: datetime) -> int:
    return plan_all_care_plan_reviews(at=now)


def send_due(*, now: datetime) -> int:
    sent, until = 0, now + SEND_FOR
    while True:
        at = clock.now()
        batch = send_due_messages(limit=SEND_BATCH, at=at)
        sent += batch
        if batch < SEND_BATCH or at >= until:
            return sent


register("messaging.plan_reminders", plan_reminders, every=timedelta(hours=1))
register("messaging.plan_referral_follow_ups", plan_referral_follow_ups, every=timedelta(days=1))
# Hourly: a family home from hospital hears from the practice the next business morning.
register("messaging.plan_discharge_check_ins", plan_discharge_check_ins, every=timedelta(hours=1))
register("messaging.plan_care_plan_reviews", plan_care_plan_reviews, every=timedelta(days=1))
register("messaging.send_due", send_due, every=timedelta(minutes=1))
register("messaging.crisis_escalation", escalate_crisis_texts, every=timedelta(minutes=5))
