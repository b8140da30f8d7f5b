"""Team notes: mentions become tasks for the person mentioned (and no one else), an unknown
handle saves nothing, notes are retracted only by their author with a reason, and a note's
words reach neither the audit trail nor the task."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from medhome.accounts.roles import Role
from medhome.audit.models import Action, AuditEvent
from medhome.notes import services
from medhome.notes.handles import handle_of, handles_in
from medhome.notes.models import BODY_MAX_LENGTH, NoteMention, TeamNote
from medhome.practices.models import Membership
from medhome.tasks import selectors as task_selectors
from medhome.tasks.kinds import TaskKind
from tests import factories
from tests.factories import actor_for

from .conftest import MOMENT

pytestmark = pytest.mark.django_db

SECRET = "Mother disclosed the eviction notice"


def counts() -> tuple[int, int, int]:
    from medhome.tasks.models import Task  # the test may look at the table it checks

    return TeamNote.objects.count(), Task.objects.count(), AuditEvent.objects.count()


def mention_tasks(actor):
    return [t for t in task_selectors.open_tasks(actor) if t.kind == TaskKind.MENTION]


# --- handles -------------------------------------------------------------------------------


def test_a_handle_is_the_username_before_any_at_sign_lower_cased():
    assert handle_of("Priya.R@harborview.example") == "priya.r"
    assert handle_of("a-nurse") == "a-nurse"


def test_handles_in_a_note_skip_email_addresses_and_closing_punctuation():
    body = "Ask @A-Nurse. Mom wrote from mom@example.org; cc @a-chw, and @a-nurse again."
    assert handles_in(body) == ["a-nurse", "a-chw"]


# --- mentions become tasks ------------------------------------------------------------------


def test_a_mention_opens_a_task_for_that_colleague_only(nurse, coordinator, staff_a, child_a):
    note = services.add_note(
        actor=nurse, child=child_a, body=f"{SECRET}. @a-coordinator please call.", at=MOMENT
    )

    [task] = mention_tasks(coordinator)
    assert task.assignee == staff_a[Role.CARE_COORDINATOR]
    assert task.assignee_role == Role.CARE_COORDINATOR
    assert (task.child, task.source_type, task.source_id) == (child_a, "team_note", str(note.pk))
    assert task.details == {"author": "Tomasz Nowakowski"}
    assert task.title == "Tomasz Nowakowski mentioned you in a note on this child's chart"
    assert SECRET not in json.dumps(task.details) + task.title + task.note
    with translation.override("es"):
        assert (
            task.title
            == "Tomasz Nowakowski le mencionó en una nota de la historia clínica de este niño "
            "o niña"
        )
    assert task.source_url == f"/notes/{note.pk}/"
    others = [t for t in mention_tasks(nurse) if t.assignee != staff_a[Role.CARE_COORDINATOR]]
    assert others == []
    assert list(note.mentions.values_list("user", flat=True)) == [staff_a[Role.CARE_COORDINATOR].pk]


def test_two_mentions_of_one_colleague_in_one_note_open_one_task(nurse, coordinator, child_a):
    services.add_note(
        actor=nurse, child=child_a, body="@a-coordinator, and again @A-Coordinator", at=MOMENT
    )
    assert len(mention_tasks(coordinator)) == 1


def test_each_note_opens_its_own_task(nurse, coordinator, child_a):
    for _ in range(2):
        services.add_note(actor=nurse, child=child_a, body="@a-coordinator see this", at=MOMENT)
    assert len(mention_tasks(coordinator)) == 2


def test_mentioning_yourself_opens_no_task(nurse, child_a):
    note = services.add_note(actor=nurse, child=child_a, body="Note to self @a-nurse", at=MOMENT)
    assert mention_tasks(nurse) == []
    assert NoteMention.objects.filter(note=note).count() == 1


def test_an_email_shaped_username_is_mentioned_by_its_first_part(nurse, practice_a, child_a):
    user = factories.make_staff(
        "Jo.Park@harborview.example",
        practice_a,
        Role.BEHAVIORAL_HEALTH,
        first_name="Jo",
        last_name="Park",
    )
    services.add_note(actor=nurse, child=child_a, body="@jo.park can you see them?", at=MOMENT)
    [task] = mention_tasks(actor_for(user, practice_a, Role.BEHAVIORAL_HEALTH))
    assert task.assignee == user


# --- refused mentions save nothing ------------------------------------------------------------


def test_an_unknown_handle_is_refused_by_name_and_nothing_is_saved(nurse, child_a):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.add_note(
            actor=nurse, child=child_a, body="@a-coordinator and @nobody-here", at=MOMENT
        )
    assert refused.value.messages == [
        "No colleague in this practice can be mentioned as @nobody-here. Check the handles "
        "listed beside the note; nothing was saved."
    ]
    assert counts() == before


def test_another_practices_colleague_cannot_be_mentioned(nurse, child_a, clinician_b):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.add_note(actor=nurse, child=child_a, body="@b-pediatrician look", at=MOMENT)
    assert "@b-pediatrician" in refused.value.messages[0]
    assert counts() == before


def test_a_colleague_whose_access_was_removed_cannot_be_mentioned(nurse, staff_a, child_a):
    Membership.objects.filter(user=staff_a[Role.NURSE_PRACTITIONER]).update(is_active=False)
    with pytest.raises(ValidationError, match="@a-np"):
        services.add_note(actor=nurse, child=child_a, body="@a-np", at=MOMENT)


def test_a_role_that_cannot_open_charts_cannot_be_mentioned(nurse, staff_a, child_a):
    with pytest.raises(ValidationError, match="@a-analyst"):
        services.add_note(actor=nurse, child=child_a, body="@a-analyst", at=MOMENT)


def test_colleagues_who_share_a_handle_are_told_apart_by_their_domain(nurse, practice_a, child_a):
    one = factories.make_staff(
        "sam@one.example", practice_a, Role.NURSE, first_name="Sam", last_name="One"
    )
    factories.make_staff(
        "sam@two.example", practice_a, Role.NURSE, first_name="Sam", last_name="Two"
    )
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.add_note(actor=nurse, child=child_a, body="@sam", at=MOMENT)
    assert refused.value.messages == [
        "More than one colleague answers to @sam (@sam.one, @sam.two). Write the handle of the "
        "one you mean; nothing was saved."
    ]
    assert counts() == before

    services.add_note(actor=nurse, child=child_a, body="@sam.one please", at=MOMENT)
    [task] = mention_tasks(actor_for(one, practice_a, Role.NURSE))
    assert task.assignee == one


def test_handles_of_colleagues_who_share_the_part_before_the_domain():
    from medhome.notes.handles import handles_of

    assert handles_of(
        ["coordinator@riverside.demo", "coordinator@harbor.demo", "np@riverside.demo"]
    ) == {
        "coordinator@riverside.demo": "coordinator.riverside",
        "coordinator@harbor.demo": "coordinator.harbor",
        "np@riverside.demo": "np",
    }


# --- validation and who may write -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write the note before saving it."),
        ("   \n ", "Write the note before saving it."),
        ("x" * (BODY_MAX_LENGTH + 1), "A note is at most 2000 characters; this one has 2001."),
    ],
    ids=["empty", "blank", "too long"],
)
def test_an_empty_or_too_long_note_is_refused(nurse, child_a, body, message):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.add_note(actor=nurse, child=child_a, body=body, at=MOMENT)
    assert refused.value.messages == [message]
    assert counts() == before


def test_a_note_of_the_longest_length_is_kept(nurse, child_a):
    note = services.add_note(actor=nurse, child=child_a, body="x" * BODY_MAX_LENGTH, at=MOMENT)
    assert len(note.body) == BODY_MAX_LENGTH


@pytest.mark.parametrize("role", [Role.LEGAL_PARTNER, Role.NETWORK_ANALYST])
def test_roles_without_note_write_cannot_add_a_note(staff_a, practice_a, child_a, role):
    actor = actor_for(staff_a[role], practice_a, role)
    with pytest.raises(PermissionDenied):
        services.add_note(actor=actor, child=child_a, body="hello", at=MOMENT)
    assert TeamNote.objects.count() == 0


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.COMMUNITY_HEALTH_WORKER])
def test_the_front_desk_and_chws_add_notes(staff_a, practice_a, child_a, role):
    actor = actor_for(staff_a[role], practice_a, role)
    note = services.add_note(actor=actor, child=child_a, body="Mom called", at=MOMENT)
    assert note.author == staff_a[role]


def test_a_note_on_another_practices_child_is_refused(nurse, child_b):
    with pytest.raises(PermissionDenied):
        services.add_note(actor=nurse, child=child_b, body="hello", at=MOMENT)
    assert TeamNote.objects.count() == 0


def test_adding_a_note_is_audited_without_its_words(nurse, child_a):
    note = services.add_note(actor=nurse, child=child_a, body=f"{SECRET} @a-chw", at=MOMENT)

    event = AuditEvent.objects.get(object_type="team_note", action=Action.CREATE)
    assert event.object_id == str(note.pk)
    assert event.detail == {"fields": ["body"], "child": str(child_a.pk), "mentions": 1}
    every_detail = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert SECRET not in every_detail


# --- entered in error -------------------------------------------------------------------------


@pytest.fixture
def note(nurse, child_a):
    return services.add_note(
        actor=nurse, child=child_a, body="Wrong chart. @a-coordinator", at=MOMENT
    )


def test_the_author_marks_a_note_entered_in_error_and_its_tasks_are_cancelled(
    nurse, coordinator, note
):
    assert len(mention_tasks(coordinator)) == 1

    retracted = services.retract_note(actor=nurse, note=note, reason="Wrong child", at=MOMENT)

    assert (retracted.retracted_at, retracted.retraction_reason) == (MOMENT, "Wrong child")
    assert retracted.body == "Wrong chart. @a-coordinator"  # kept, shown struck through
    assert mention_tasks(coordinator) == []
    event = AuditEvent.objects.get(object_type="team_note", action=Action.UPDATE)
    assert event.detail == {"fields": ["retracted_at", "retracted_by", "retraction_reason"]}


def test_only_the_author_may_mark_a_note_entered_in_error(coordinator, note):
    with pytest.raises(PermissionDenied):
        services.retract_note(actor=coordinator, note=note, reason="Not mine", at=MOMENT)
    note.refresh_from_db()
    assert not note.is_retracted


def test_marking_a_note_entered_in_error_needs_a_reason(nurse, note):
    with pytest.raises(ValidationError, match="Say why the note was entered in error."):
        services.retract_note(actor=nurse, note=note, reason="  ", at=MOMENT)
    note.refresh_from_db()
    assert not note.is_retracted


def test_a_note_is_marked_entered_in_error_once(nurse, note):
    services.retract_note(actor=nurse, note=note, reason="Wrong child", at=MOMENT)
    with pytest.raises(ValidationError, match="already marked entered in error"):
        services.retract_note(actor=nurse, note=note, reason="Again", at=MOMENT)
    note.refresh_from_db()
    assert note.retraction_reason == "Wrong child"


def test_an_author_who_lost_note_write_cannot_retract(staff_a, practice_a, note):
    legal = actor_for(staff_a[Role.NURSE], practice_a, Role.LEGAL_PARTNER)
    with pytest.raises(PermissionDenied):
        services.retract_note(actor=legal, note=note, reason="Wrong child", at=MOMENT)


def test_the_handle_being_typed_is_the_mention_at_the_end_of_the_text():
    from medhome.notes.handles import typing_handle

    assert typing_handle("call @A-Co") == "a-co"
    assert typing_handle("call @") == ""
    assert typing_handle("call @a-co now") is None
    assert typing_handle("mom@exam") is None
