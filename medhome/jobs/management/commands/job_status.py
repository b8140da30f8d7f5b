"""What the background worker is doing: live workers, queue age, the periodic jobs and their
last runs, failures of the last week. For operations; prints no PHI (there is none to print)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from medhome.core import clock
from medhome.jobs import registry
from medhome.jobs.models import JobRun
from medhome.jobs.selectors import failed_runs, recent_runs, worker_health


class Command(BaseCommand):
    help = "Show the worker's health, the periodic jobs and recent failures."

    def handle(self, *args: Any, **options: Any) -> None:
        now = clock.now()
        health = worker_health(now=now)
        age = f"{health.queue_age.total_seconds():.0f} s" if health.queue_age else "empty"
        self.stdout.write(
            f"workers alive: {health.alive_workers} ({health.scheduling_workers} scheduling); "
            f"tasks waiting: {health.ready_tasks}, oldest {age}"
        )
        last: dict[str, JobRun] = {}
        for run in recent_runs(limit=500):
            last.setdefault(run.job, run)
        for job in registry.jobs():
            latest = last.get(job.name)
            seen = f"{latest.slot:%Y-%m-%d %H:%M}Z {latest.status}" if latest else "never run"
            self.stdout.write(f"  {job.name:<32} every {job.interval()}  last: {seen}")
        for run in failed_runs(since=now - timedelta(days=7)):
            self.stdout.write(
                f"FAILED {run.job} slot {run.slot:%Y-%m-%d %H:%M}Z after {run.attempts} "
                f"attempt(s): {run.error}"
            )
