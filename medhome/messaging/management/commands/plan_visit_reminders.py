"""Plan the visit reminders due today (idempotent: run it as often as you like)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medhome.core import clock
from medhome.messaging.services.planning import plan_all_visit_reminders, plan_visit_reminders
from medhome.practices.models import Practice


class Command(BaseCommand):
    help = "Plan visit reminders (a few days before and the day before each booked visit)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--practice", help="a practice id (default: every practice)")
        parser.add_argument("--day", help="the practice-local date to plan for (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        at = clock.now()
        if not options["practice"]:
            if options["day"]:
                raise CommandError("--day needs --practice")
            self.stdout.write(f"planned {plan_all_visit_reminders(at=at)} reminders")
            return
        practice = Practice.objects.filter(pk=options["practice"]).first()
        if practice is None:
            raise CommandError("no such practice")
        day = date.fromisoformat(options["day"]) if options["day"] else clock.local_date(at)
        planned = plan_visit_reminders(practice=practice, day=day, at=at)
        self.stdout.write(f"planned {planned.created} reminders, {planned.suppressed} not sent")
