"""Every write to tasks: one function per use case, in one transaction, audited.

The only road to the Task table for other apps (tests/test_conventions.py): a producer opens a
task with `open_task` (idempotent on its dedupe key), moves its due time with `reschedule` and
closes it with `close` (or `cancel_tasks_for` when its source no longer needs the work).
People add a task by hand from a chart (`create_by_hand`), hand it on (`reassign`), put it aside
until a later moment (`snooze`) and close it with an outcome (`close`).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability, Role, capabilities_of
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice

from .models import CANCELLING_OUTCOMES, Task, TaskKind, TaskOutcome, TaskPriority, TaskStatus

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


# Limits of what a person types (a task's sentence is read in a list, not a letter).
TEXT_MAX = 300
NOTE_MAX = 1000
REASON_MAX = 200


def _open_for_update(task: Task) -> Task:
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.status != TaskStatus.OPEN:
        raise ValidationError(_("This task is already closed."))
    return current


def _local_day(moment: datetime) -> Any:
    return timezone.localtime(moment).date()


def _owner_of(practice: Practice, assignee: Any, role: str | None) -> tuple[Any, str]:
    """(the person, the role) a task goes to: a colleague of the task's practice who may read
    tasks, or a role of the practice that may; one of the two, never both."""
    if (assignee is None) == (not role):
        raise ValidationError(_("Choose one person or one role to give the task to."))
    if assignee is not None:
        membership = (
            Membership.objects.active().filter(practice=practice, user=assignee).first()
            if getattr(assignee, "pk", None)
            else None
        )
        if membership is None or Capability.CHART_READ not in capabilities_of(membership.role):
            raise ValidationError(_("That person does not work with tasks in this practice."))
        return assignee, membership.role
    if role not in Role.values or Capability.CHART_READ not in capabilities_of(str(role)):
        raise ValidationError(_("That role does not work with tasks."))
    return None, str(role)


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
    status: str | None = None,
    outcome: str | None = None,
) -> Task:
    """A person closes a task with what came of it (`outcome`, from a short list) and a note.

    "No longer needed" cancels it; every other outcome is done. Without an outcome, `status`
    says done (the default) or cancelled and the outcome follows from it.
    """
    _check_person(actor, task)
    if outcome is None:
        status = status or TaskStatus.DONE
        if status not in {TaskStatus.DONE, TaskStatus.CANCELLED}:
            raise ValidationError(_("A task is closed as done or cancelled."))
        outcome = TaskOutcome.DONE if status == TaskStatus.DONE else TaskOutcome.NOT_NEEDED
    elif outcome not in TaskOutcome.values:
        raise ValidationError(_("Choose what came of the task."))
    else:
        status = TaskStatus.CANCELLED if outcome in CANCELLING_OUTCOMES else TaskStatus.DONE
    if len(note.strip()) > NOTE_MAX:
        raise ValidationError(
            _("The note is too long: at most %(n)s characters.") % {"n": NOTE_MAX}
        )
    current = _open_for_update(task)
    current.status = status
    current.outcome = outcome
    current.completed_at = at
    current.completed_by = actor.user if getattr(actor.user, "pk", None) else None
    current.note = note.strip()
    fields = ["status", "outcome", "completed_at", "completed_by", "note"]
    current.save(update_fields=fields)
    _audit(actor, current, Action.UPDATE, fields, at)
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
    # Only the tasks' rows, not the practice joined below (see referrals.acting.locked).
    tasks = Task.objects.select_for_update(of=("self",)).filter(
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


@transaction.atomic
def create_by_hand(
    *,
    actor: Actor,
    child: Child,
    text: str,
    due_at: datetime,
    at: datetime,
    priority: str = TaskPriority.ROUTINE,
    assignee: Any = None,
    role: str | None = None,
) -> Task:
    """A person adds a task from a child's chart, in their own words, for a colleague or a role.

    It opens the child's chart (source "child") and names who created it. Its due day may be
    today but not earlier (a task late from the moment it is made helps nobody).
    """
    if not actor.can(Capability.CHART_READ) or child.practice_id != actor.practice_id:
        raise PermissionDenied(_("You cannot add tasks for this child."))
    words = " ".join(text.split())
    if not words:
        raise ValidationError(_("Say what needs doing."))
    if len(words) > TEXT_MAX:
        raise ValidationError(
            _("Say what needs doing in at most %(n)s characters.") % {"n": TEXT_MAX}
        )
    if priority not in TaskPriority.values:
        raise ValidationError(_("Choose routine or urgent."))
    if _local_day(due_at) < _local_day(at):
        raise ValidationError(_("The due date is in the past: choose today or a later day."))
    person, owner_role = _owner_of(actor.practice, assignee, role)
    task = Task.objects.create(
        practice=actor.practice,
        child=child,
        kind=TaskKind.MANUAL,
        details={"text": words},
        priority=priority,
        due_at=due_at,
        assignee=person,
        assignee_role=owner_role,
        source_type="child",
        source_id=str(child.pk),
        dedupe_key=f"manual:{uuid4()}",
        created_at=at,
        created_by=actor.user,
    )
    fields = ["kind", "priority", "due_at", "assignee", "assignee_role", "details"]
    _audit(actor, task, Action.CREATE, fields, at)
    return task


@transaction.atomic
def reassign(
    *,
    actor: Actor,
    task: Task,
    at: datetime,
    assignee: Any = None,
    role: str | None = None,
) -> Task:
    """Give an open task to a colleague of its practice, or back to a role (nobody has taken
    it yet: it shows for everyone in that role)."""
    _check_person(actor, task)
    person, owner_role = _owner_of(task.practice, assignee, role)
    current = _open_for_update(task)
    current.assignee = person
    current.assignee_role = owner_role
    current.save(update_fields=["assignee", "assignee_role"])
    _audit(actor, current, Action.UPDATE, ["assignee", "assignee_role"], at)
    return current


@transaction.atomic
def snooze(*, actor: Actor, task: Task, until: datetime, reason: str, at: datetime) -> Task:
    """Put an open task aside until a later moment, saying why; it stays open and comes back
    to My tasks by itself at that moment."""
    _check_person(actor, task)
    why = " ".join(reason.split())
    if not why:
        raise ValidationError(_("Say why the task waits."))
    if len(why) > REASON_MAX:
        raise ValidationError(
            _("Say why the task waits in at most %(n)s characters.") % {"n": REASON_MAX}
        )
    if until <= at:
        raise ValidationError(_("Snooze until a later moment, not one that has passed."))
    current = _open_for_update(task)
    current.snoozed_until = until
    current.snooze_reason = why
    current.save(update_fields=["snoozed_until", "snooze_reason"])
    _audit(actor, current, Action.UPDATE, ["snoozed_until", "snooze_reason"], at)
    return current


def record_list_opened(*, actor: Actor, count: int, at: datetime) -> None:
    """My tasks was shown: who looked and how many rows, never the children's names."""
    record(
        actor=actor,
        action=Action.SEARCH,
        object_type="task_list",
        at=at,
        practice=actor.practice,
        detail={"results": count},
    )
