"""What ran, what failed, and which workers are alive.

No PHI here: a job's name, its time slot, counts, an error's class path (never its message, which
may quote a row) and a worker's host and process id. These rows are what staff and operations
look at when asking "did the sweep run, and if not, why".
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Waiting to retry")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED)


class JobRun(models.Model):
    """One periodic job's run for one time slot, across all its attempts.

    The unique (job, slot) is the idempotency key of scheduling: two schedulers, or one restarted,
    cannot enqueue a slot twice. `task_id` names the queue row of the current attempt; an older
    attempt that wakes up (a worker thought dead) finds it is not current and does nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="Start of the time slot this run belongs to.")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    enqueued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(
        max_length=200, blank=True, help_text="Class of the last error; never its message."
    )
    result = models.IntegerField(null=True, blank=True, help_text="What the job counted.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="jobs_one_run_per_slot"),
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"], name="jobs_run_status_idx"),
            models.Index(
                fields=["job", "-slot"],
                name="jobs_run_failed_idx",
                condition=Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}Z: {self.status}"


class WorkerHeartbeat(models.Model):
    """A worker process, as it last reported itself: a readiness check reads this table.

    A worker beats every MEDHOME_WORKER_TICK_SECONDS; one not seen for
    MEDHOME_WORKER_DEAD_AFTER_SECONDS is dead, and the task it left RUNNING is tried again.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    runs_schedule = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    ready_tasks = models.PositiveIntegerField(
        default=0, help_text="Tasks due and waiting in the queue at the last beat."
    )
    oldest_ready_at = models.DateTimeField(
        null=True, blank=True, help_text="When the longest-waiting due task became due."
    )

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"
