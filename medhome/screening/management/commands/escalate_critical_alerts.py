"""Run the critical-alert escalation sweep (docs/clinical-rules.md#critical-answers): schedule it
every few minutes (an alert is due 2 business hours after it is raised). Idempotent: an alert
escalates once, and its urgent task is opened once."""

from typing import Any

from django.core.management.base import BaseCommand

from medhome.core import clock
from medhome.screening.alerts import escalate_overdue_alerts


class Command(BaseCommand):
    help = "Escalate unacknowledged critical alerts past their time to the on-call clinician."

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = escalate_overdue_alerts(now=clock.now())
        self.stdout.write(f"{escalated} alert(s) escalated.")
