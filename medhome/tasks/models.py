"""Follow-up work for the care team: one row per thing a person must do, created by sweeps.

A task names the child (when there is one), its kind and its source; what it says is built from
its kind when it is shown (kinds.py), in the viewer's language, and never copies clinical
detail. `dedupe_key` makes every producer idempotent: a sweep that runs twice, or two sweeps
that race, leave one task (unique per practice). Only this app reads or writes the table
(tests/test_conventions.py): others call services.open_task / reschedule / close.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Role
from medhome.families.models import Child
from medhome.practices.models import PracticeScopedModel

from .kinds import TaskKind, source_label, source_url, title_of

__all__ = ["Task", "TaskKind", "TaskOutcome", "TaskPriority", "TaskStatus"]


class TaskPriority(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TaskOutcome(models.TextChoices):
    """What came of a task, picked by the person who closes it (the free note says the rest).

    A coordinator's short list: the counts of each tell the team how often families are not
    reached, which the note alone cannot.
    """

    DONE = "done", _("Done")
    FAMILY_REACHED = "family_reached", _("Family reached")
    FAMILY_NOT_REACHED = "family_not_reached", _("Could not reach the family")
    HANDED_OFF = "handed_off", _("Handed to someone else")
    NOT_NEEDED = "not_needed", _("No longer needed")


# The outcomes that mean the work was not done because it no longer needed doing.
CANCELLING_OUTCOMES = frozenset({TaskOutcome.NOT_NEEDED})


class Task(PracticeScopedModel):
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    # A plain string column whose values are TaskKind's, checked in services.open_task: a new
    # kind is a line in kinds.py, not a migration.
    kind = models.CharField(_("kind"), max_length=40)
    # Named words for the kind's sentence (an organization's name, a number of days), chosen by
    # the producer; never clinical detail (kinds.py builds the sentence when it is shown).
    details = models.JSONField(default=dict, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=TaskPriority.choices, default=TaskPriority.ROUTINE
    )
    due_at = models.DateTimeField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    assignee_role = models.CharField(
        _("for the role"), max_length=40, choices=Role.choices, default=Role.CARE_COORDINATOR
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    # What the task is about, by type and id (tasks sits below the apps that create tasks, so
    # it cannot hold a foreign key to them).
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    # A person who added the task by hand from a chart; empty when medhome's sweeps opened it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # A snoozed task stays open but leaves My tasks until this moment, then comes back by
    # itself (the list compares it with now; nothing has to wake it).
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    snooze_reason = models.CharField(_("why it waits"), max_length=200, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=TaskOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "dedupe_key"], name="task_dedupe_key_unique_in_practice"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_at__isnull=False),
                name="task_closed_has_completed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "status", "due_at"], name="task_open_list_idx"),
            models.Index(fields=["source_type", "source_id"], name="task_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} task {self.pk}"

    @property
    def title(self) -> str:
        """What to do, in the active language (the viewer's)."""
        return title_of(self.kind, self.details)

    @property
    def source_url(self) -> str | None:
        """What the task is about; the child's chart when its source has no page of its own
        (every task opens something)."""
        url = source_url(self.source_type, self.source_id)
        if url is None and self.child_id is not None:
            return source_url("child", str(self.child_id))
        return url

    @property
    def source_label(self) -> str:
        if source_url(self.source_type, self.source_id) is None and self.child_id is not None:
            return source_label(TaskKind.MANUAL)
        return source_label(self.kind)

    @property
    def is_urgent(self) -> bool:
        return self.priority == TaskPriority.URGENT

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def is_snoozed(self, now: datetime) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > now
