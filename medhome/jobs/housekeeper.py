"""The worker's housekeeping thread: heartbeat, recovery of dead workers' tasks, and the schedule.

It runs beside django-tasks-db's worker loop in the same process (`manage.py run_worker`), so one
process to start, stop and watch does both the work and the timing. Every worker runs it; the
schedule's unique (job, slot) key makes several schedulers harmless, so scaling out needs no
leader election (`--no-scheduler` keeps a worker out of scheduling anyway).
"""

import logging
import os
import socket
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

from medhome.core import clock

from .services import schedule_due
from .workers import beat, mark_stopped, recover_abandoned

logger = logging.getLogger(__name__)


class Housekeeper:
    def __init__(self, *, worker_id: str, runs_schedule: bool, tick_seconds: float) -> None:
        self.worker_id = worker_id
        self.runs_schedule = runs_schedule
        self.tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="medhome-housekeeper", daemon=True)

    def tick(self) -> None:
        """One round; each part on its own, so a failing part does not stop the others."""
        now = clock.now()
        steps: list[tuple[str, Callable[[], object]]] = [
            ("heartbeat", self._beat),
            ("recovery", lambda: recover_abandoned(now=now)),
        ]
        if self.runs_schedule:
            steps.append(("schedule", lambda: schedule_due(now=now)))
        for name, step in steps:
            try:
                step()
            except Exception:
                logger.exception("worker %s: %s failed", self.worker_id, name)

    def _beat(self) -> None:
        beat(
            worker_id=self.worker_id,
            host=socket.gethostname(),
            pid=os.getpid(),
            runs_schedule=self.runs_schedule,
            now=clock.now(),
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.tick_seconds + 5)
        try:
            mark_stopped(worker_id=self.worker_id, now=clock.now())
        except Exception:
            logger.exception("worker %s: could not record its stop", self.worker_id)

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.tick_seconds):
                close_old_connections()
                self.tick()
        finally:
            # The thread's own connection; the worker loop keeps its own.
            connection.close()
