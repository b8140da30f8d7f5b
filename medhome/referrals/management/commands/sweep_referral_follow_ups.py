"""Run the referral follow-up sweep (docs/clinical-rules.md#referral-follow-up): schedule it at
least once per business day, e.g. hourly from cron. Safe to run as often as wanted: it is
idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from medhome.core import clock
from medhome.referrals.services import sweep_follow_ups


class Command(BaseCommand):
    help = "Open follow-up tasks for referrals with no response or not closed in time."

    def handle(self, *args: Any, **options: Any) -> None:
        created = sweep_follow_ups(now=clock.now())
        self.stdout.write(f"{created} follow-up task(s) opened.")
