"""Every write to tasks: one function per use case, in one transaction, audited.

The only road to the Task table for other apps (tests/test_conventions.py): a producer opens a
task with `open_task` (idempotent on its dedupe key), moves its due time with `reschedule` and
closes it with `close` (or `cancel_tasks_for` when its source no longer needs the work).
Assignee, role and priority are set here, so issue 17's reassign and snooze have one place to go.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability, Role
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Practice

from .models import Task, TaskKind, TaskPriority, TaskStatus

TASK_OBJECT = "task"
SYSTEM_ROLE = "system"


def system_actor(practice: Practice) -> Actor:
    """Who the audit trail names when a sweep, not a person, changes a task."""
    return Actor(user=None, practice=practice, role=SYSTEM_ROLE)


def _audit(actor: Actor, task: Task, action: Action, fields: list[str], at: datetime) -> None:
    record(
        actor=actor,
        action=action,
        object_type=TASK_OBJECT,
        object_id=task.pk,
        at=at,
        practice=task.practice,
        detail={"fields": fields},
    )


def _check_person(actor: Actor, task: Task) -> None:
    if not actor.can(Capability.CHART_READ) or task.practice_id != actor.practice_id:
        raise PermissionDenied(_("You cannot change tasks of this practice."))


@transaction.atomic
def open_task(
    *,
    practice: Practice,
    child: Child | None,
    kind: str,
    due_at: datetime,
    source_type: str,
    source_id: object,
    dedupe_key: str,
    at: datetime,
    details: Mapping[str, Any] | None = None,
    priority: str = TaskPriority.ROUTINE,
    assignee: Any = None,
    assignee_role: str = Role.CARE_COORDINATOR,
) -> tuple[Task, bool]:
    """The task for `dedupe_key`, created if the practice has none yet (done or not).

    A task once completed or cancelled is not opened again under the same key: the sweep that
    produced it would otherwise reopen work a person already closed. `details` are named words
    for the kind's sentence (kinds.py), never clinical detail.
    """
    if child is not None and child.practice_id != practice.pk:
        raise ValidationError(_("The child belongs to another practice."))
    if kind not in TaskKind.values:
        raise ValidationError(_("Unknown kind of task."))
    task, created = Task.objects.get_or_create(
        practice=practice,
        dedupe_key=dedupe_key,
        defaults={
            "child": child,
            "kind": kind,
            "details": dict(details or {}),
            "priority": priority,
            "due_at": due_at,
            "assignee": assignee,
            "assignee_role": assignee_role,
            "source_type": source_type,
            "source_id": str(source_id),
            "created_at": at,
        },
    )
    if created:
        fields = ["kind", "priority", "due_at", "assignee", "source_type", "source_id"]
        _audit(system_actor(practice), task, Action.CREATE, fields, at)
    return task, created


@transaction.atomic
def reschedule(*, task: Task, due_at: datetime, at: datetime, actor: Actor | None = None) -> Task:
    """Move an open task's due time. `actor` None is the system (a sweep or a feed, e.g. the
    discharge after an admission moves the follow-up's clock); a person needs chart access in
    the task's practice."""
    if actor is not None:
        _check_person(actor, task)
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.status != TaskStatus.OPEN:
        raise ValidationError(_("This task is already closed."))
    if current.due_at != due_at:
        current.due_at = due_at
        current.save(update_fields=["due_at"])
        _audit(actor or system_actor(current.practice), current, Action.UPDATE, ["due_at"], at)
    return current


@transaction.atomic
def close(
    *,
    actor: Actor,
    task: Task,
    note: str,
    at: datetime,
    status: str = TaskStatus.DONE,
) -> Task:
    """A person closes a task: done (the default) or cancelled, with what was done."""
    _check_person(actor, task)
    if status not in {TaskStatus.DONE, TaskStatus.CANCELLED}:
        raise ValidationError(_("A task is closed as done or cancelled."))
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.status != TaskStatus.OPEN:
        raise ValidationError(_("This task is already closed."))
    current.status = status
    current.completed_at = at
    current.completed_by = actor.user if getattr(actor.user, "pk", None) else None
    current.note = note.strip()
    current.save(update_fields=["status", "completed_at", "completed_by", "note"])
    _audit(actor, current, Action.UPDATE, ["status", "completed_at", "completed_by", "note"], at)
    return current


@transaction.atomic
def cancel_tasks_for(
    source_type: str,
    source_id: object,
    kind: str | None = None,
    *,
    at: datetime,
    actor: Actor | None = None,
) -> int:
    """Cancel the open tasks about one source (its work no longer needs doing); how many.

    `actor` names who caused it in the audit trail (e.g. the organization's user who closed the
    referral); without one, the system.
    """
    tasks = Task.objects.select_for_update().filter(
        source_type=source_type, source_id=str(source_id), status=TaskStatus.OPEN
    )
    if kind is not None:
        tasks = tasks.filter(kind=kind)
    cancelled = 0
    for task in tasks.select_related("practice"):
        task.status = TaskStatus.CANCELLED
        task.completed_at = at
        task.save(update_fields=["status", "completed_at"])
        _audit(
            actor or system_actor(task.practice),
            task,
            Action.UPDATE,
            ["status", "completed_at"],
            at,
        )
        cancelled += 1
    return cancelled
