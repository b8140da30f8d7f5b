"""selectors.done_for_sources: when each source's task of a kind was closed as done, scoped."""

from datetime import UTC, datetime, timedelta

import pytest

from medhome.accounts.roles import Role
from medhome.tasks import selectors
from medhome.tasks.models import TaskKind, TaskStatus
from medhome.tasks.services import close, open_task
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 17, tzinfo=UTC)


def transition_task(practice, child, source_id: str):
    task, _created = open_task(
        practice=practice,
        child=child,
        kind=TaskKind.TRANSITION_FOLLOW_UP,
        details={"business_days": 2},
        due_at=NOW + timedelta(days=2),
        source_type="care_event",
        source_id=source_id,
        dedupe_key=f"transition:{source_id}",
        at=NOW,
    )
    return task


def test_only_done_tasks_of_the_kind_and_of_the_actors_practice(
    staff_a, practice_a, practice_b, child_a, child_b, clinician_b
):
    actor = actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)
    other = actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)
    done = transition_task(practice_a, child_a, "e1")
    close(actor=actor, task=done, note="Reached", at=NOW + timedelta(hours=3))
    cancelled = transition_task(practice_a, child_a, "e2")
    close(
        actor=actor,
        task=cancelled,
        note="",
        at=NOW + timedelta(hours=4),
        status=TaskStatus.CANCELLED,
    )
    transition_task(practice_a, child_a, "e3")  # still open
    theirs = transition_task(practice_b, child_b, "e4")
    close(actor=other, task=theirs, note="Reached", at=NOW + timedelta(hours=5))

    found = selectors.done_for_sources(
        actor,
        source_type="care_event",
        source_ids=["e1", "e2", "e3", "e4"],
        kind=TaskKind.TRANSITION_FOLLOW_UP,
    )

    assert found == {"e1": NOW + timedelta(hours=3)}
