"""A crisis text's task nobody took up goes to the on-call clinician, once."""

from datetime import timedelta

import pytest

from medhome.accounts.roles import Role
from medhome.messaging.services.escalation import escalate_crisis_texts
from medhome.messaging.services.replies import receive_text
from medhome.tasks.kinds import title_of
from medhome.tasks.models import Task, TaskKind, TaskPriority, TaskStatus
from tests.factories import make_staff

from .helpers import AT, consent, family

pytestmark = pytest.mark.django_db


def _crisis(practice, sid="IN1"):
    child, caregiver = family(practice)
    consent(caregiver, "text")
    receive_text(
        practice=practice,
        from_number="+16175550142",
        body="I want to die",
        gateway_message_id=sid,
        at=AT,
    )
    return child, Task.objects.get(kind=TaskKind.CRISIS_TEXT)


def test_an_open_crisis_task_escalates_after_its_time_and_only_once(practice_a):
    pediatrician = make_staff(
        "ped-a", practice_a, Role.PEDIATRICIAN, first_name="Ada", last_name="Lee"
    )
    child, first = _crisis(practice_a)
    # Due 15 minutes after the text; escalated 15 minutes after that, not a minute before.
    assert escalate_crisis_texts(now=first.due_at + timedelta(minutes=14)) == 0
    assert escalate_crisis_texts(now=first.due_at + timedelta(minutes=15)) == 1
    assert escalate_crisis_texts(now=first.due_at + timedelta(minutes=45)) == 0
    escalated = Task.objects.exclude(pk=first.pk).get()
    assert (escalated.kind, escalated.priority, escalated.child) == (
        TaskKind.CRISIS_TEXT,
        TaskPriority.URGENT,
        child,
    )
    assert escalated.assignee == pediatrician
    words = title_of(escalated.kind, escalated.details)
    assert "half an hour" in words and "die" not in words


def test_a_crisis_task_done_in_time_does_not_escalate(practice_a):
    _child, first = _crisis(practice_a)
    Task.objects.filter(pk=first.pk).update(status=TaskStatus.DONE, completed_at=AT)
    assert escalate_crisis_texts(now=AT + timedelta(hours=2)) == 0
    assert Task.objects.count() == 1


def test_each_practice_escalates_to_its_own_clinician(practice_a, practice_b):
    make_staff("ped-a", practice_a, Role.PEDIATRICIAN, first_name="Ada", last_name="Lee")
    theirs = make_staff("ped-b", practice_b, Role.PEDIATRICIAN, first_name="Bo", last_name="Kim")
    _crisis(practice_b, sid="IN2")
    assert escalate_crisis_texts(now=AT + timedelta(hours=1)) == 1
    escalated = Task.objects.get(dedupe_key__endswith=":escalated")
    assert (escalated.practice, escalated.assignee) == (practice_b, theirs)
