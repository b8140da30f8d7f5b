"""Every write to tasks: one function per use case, in one transaction, audited."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Practice

from .models import Task, TaskStatus

TASK_OBJECT = "task"
SYSTEM_ROLE = "system"


def system_actor(practice: Practice) -> Actor:
    """Who the audit trail names when a sweep, not a person, changes a task."""
    return Actor(user=None, practice=practice, role=SYSTEM_ROLE)


@transaction.atomic
def open_task(
    *,
    practice: Practice,
    child: Child | None,
    kind: str,
    title: str,
    due_at: datetime,
    source_type: str,
    source_id: object,
    dedupe_key: str,
    at: datetime,
) -> tuple[Task, bool]:
    """The task for `dedupe_key`, created if the practice has none yet (done or not).

    A task once completed or cancelled is not opened again under the same key: the sweep that
    produced it would otherwise reopen work a person already closed.
    """
    if child is not None and child.practice_id != practice.pk:
        raise ValidationError(_("The child belongs to another practice."))
    task, created = Task.objects.get_or_create(
        practice=practice,
        dedupe_key=dedupe_key,
        defaults={
            "child": child,
            "kind": kind,
            "title": title,
            "due_at": due_at,
            "source_type": source_type,
            "source_id": str(source_id),
            "created_at": at,
        },
    )
    if created:
        record(
            actor=system_actor(practice),
            action=Action.CREATE,
            object_type=TASK_OBJECT,
            object_id=task.pk,
            at=at,
            practice=practice,
            detail={"fields": ["kind", "title", "due_at", "source_type", "source_id"]},
        )
    return task, created


@transaction.atomic
def complete_task(*, actor: Actor, task: Task, note: str, at: datetime) -> Task:
    if not actor.can(Capability.CHART_READ) or task.practice_id != actor.practice_id:
        raise PermissionDenied(_("You cannot close tasks of this practice."))
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise ValidationError(_("This task is already closed."))
    task.status = TaskStatus.DONE
    task.completed_at = at
    task.completed_by = actor.user if getattr(actor.user, "pk", None) else None
    task.note = note.strip()
    task.save(update_fields=["status", "completed_at", "completed_by", "note"])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=TASK_OBJECT,
        object_id=task.pk,
        at=at,
        practice=task.practice,
        detail={"fields": ["status", "completed_at", "completed_by", "note"]},
    )
    return task


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
        record(
            actor=actor or system_actor(task.practice),
            action=Action.UPDATE,
            object_type=TASK_OBJECT,
            object_id=task.pk,
            at=at,
            practice=task.practice,
            detail={"fields": ["status", "completed_at"]},
        )
        cancelled += 1
    return cancelled
