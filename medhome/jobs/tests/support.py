"""The real database queue inside a test: the test settings use django.tasks' dummy backend, so a
test that wants tasks to run switches to django-tasks-db and drains the queue in-process, through
django-tasks-db's own Worker.run_task (its polling loop would close the test's connection)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from medhome.jobs import registry
from medhome.jobs.services import schedule_due

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@contextmanager
def database_queue() -> Iterator[None]:
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def drain(*, worker_id: str = "test-worker", limit: int = 100) -> int:
    """Run every task due now (run_after honoured, so a frozen clock decides); how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit and (row := DBTaskResult.objects.ready().first()) is not None:
        row.claim(worker_id)
        worker.run_task(row)
        ran += 1
    return ran


def run_scheduled(name: str, *, now: datetime) -> None:
    """Schedule the slot `now` falls in for job `name` alone, and run the queue."""
    assert registry.get(name) is not None, f"no job {name} registered"
    schedule_due(now=now, only={name})
    drain()
