"""Run the background worker: django-tasks-db's `db_worker` plus medhome's housekeeping thread
(heartbeat, recovery of tasks left RUNNING by a dead worker, and the periodic schedule).

    manage.py run_worker                 # the one worker a small practice needs
    manage.py run_worker --no-scheduler  # one more worker, which takes tasks but does not schedule

Several may run at once, on one machine or several: a slot is enqueued once whoever schedules it.
Stop with Ctrl-C or SIGTERM: the task in hand finishes first (a second Ctrl-C stops it; it is
then tried again).
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from medhome.jobs.housekeeper import Housekeeper


class Command(DbWorkerCommand):
    help = "Run the background worker and the periodic job schedule."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Take tasks from the queue but do not enqueue the periodic jobs.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The autoreloader would run a second, idle copy of this process with its own
        # housekeeper and worker id, beating for a worker that takes no tasks.
        options["reload"] = False
        housekeeper = Housekeeper(
            worker_id=options["worker_id"],
            runs_schedule=not options.pop("no_scheduler"),
            tick_seconds=settings.MEDHOME_WORKER_TICK_SECONDS,
        )
        # Beat, recover what a dead predecessor left and schedule before the first task is taken.
        housekeeper.tick()
        housekeeper.start()
        try:
            super().handle(*args, **options)
        finally:
            housekeeper.stop()
