"""A crisis text nobody has taken up: the task goes to the on-call clinician.

The urgent task for a text with words of crisis (replies._alert_clinicians) is due 15 minutes
after the text arrives. When it is still open MEDHOME_MESSAGING["crisis_escalate_minutes"] after
that (medhome rule, default 15: half an hour after the text in all), a second urgent task opens
for the practice's on-call clinician (the same person critical screening alerts escalate to:
screening.alerts.on_call_clinician). Wall-clock minutes, not
business hours: the family has already been given 988 and 911, and a clinician who is on call
is on call at night too. Once per crisis task (its dedupe key).
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from medhome.accounts.roles import Role
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.practices.models import Practice
from medhome.screening.alerts import on_call_clinician
from medhome.tasks.models import TaskKind, TaskPriority
from medhome.tasks.selectors import overdue_open
from medhome.tasks.services import open_task

from ..rules import setting
from .common import system_actor

TASK_OBJECT = "tasks.task"


def escalation_key(task: Any) -> str:
    return f"{task.dedupe_key}:escalated"


def escalate_crisis_texts(*, now: datetime) -> int:
    """Open the on-call clinician's task for each crisis task still open past its time; how
    many were opened. Idempotent."""
    late = now - timedelta(minutes=int(setting("crisis_escalate_minutes")))
    overdue = overdue_open(kind=TaskKind.CRISIS_TEXT, due_before=late).exclude(
        dedupe_key__endswith=":escalated"
    )
    opened = 0
    for task in overdue:
        with transaction.atomic():
            opened += _escalate(task, now)
    return opened


def _escalate(task: Any, now: datetime) -> int:
    practice: Practice = task.practice
    clinician = on_call_clinician(practice)
    _escalated, created = open_task(
        practice=practice,
        child=task.child,
        kind=TaskKind.CRISIS_TEXT,
        due_at=now,
        source_type=task.source_type,
        source_id=task.source_id,
        dedupe_key=escalation_key(task),
        at=now,
        details={**task.details, "escalated": True},
        priority=TaskPriority.URGENT,
        assignee=clinician,
        assignee_role=Role.PEDIATRICIAN,
    )
    if created:
        record(
            actor=system_actor(practice),
            action=Action.UPDATE,
            object_type=TASK_OBJECT,
            object_id=task.pk,
            at=now,
            practice=practice,
            detail={"escalated": True, "to": str(clinician.pk) if clinician else ""},
        )
    return int(created)
