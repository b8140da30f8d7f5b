"""The family as a side of the referral (medhome rule, docs/clinical-rules.md#referral-follow-up):
every pair allowed or refused, and its answers' effects on the referral, its history and tasks."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from medhome.audit.models import AuditEvent
from medhome.portal.links import family_actor
from medhome.portal.models import FamilyLink
from medhome.referrals.models import FamilyAnswer, Referral, ReferralEvent
from medhome.referrals.selectors import partner_view
from medhome.referrals.services import family_answers
from medhome.referrals.states import (
    SET_BY,
    TRANSITIONS,
    InvalidTransition,
    Side,
    Status,
    check_transition,
    from_fhir_task_status,
    to_fhir_task_status,
)
from medhome.tasks.models import Task, TaskKind, TaskStatus
from tests import factories

from .conftest import MOMENT
from .helpers import sent

S = Status
# Written out from docs/clinical-rules.md#referral-follow-up, independently of states.py.
FAMILY_ALLOWED = {
    (S.ACCEPTED, S.COMPLETED),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.ON_HOLD, S.COMPLETED),
    (S.REQUESTED, S.CANCELLED),
    (S.RECEIVED, S.CANCELLED),
    (S.ACCEPTED, S.CANCELLED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.ON_HOLD, S.CANCELLED),
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(list(S), list(S))))
def test_every_pair_for_the_family(source: str, target: str) -> None:
    values = {"reason": "no longer needed", "outcome": "need_met" if target == S.COMPLETED else ""}
    if (source, target) in FAMILY_ALLOWED:
        check_transition(source, target, side=Side.FAMILY, **values)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(source, target, side=Side.FAMILY, **values)


def test_the_family_sets_only_completed_and_cancelled() -> None:
    assert {state for state, sides in SET_BY.items() if Side.FAMILY in sides} == {
        S.COMPLETED,
        S.CANCELLED,
    }
    with pytest.raises(InvalidTransition, match="A family cannot mark"):
        check_transition(S.ACCEPTED, S.IN_PROGRESS, side=Side.FAMILY)


@pytest.mark.parametrize("outcome", ["partly_met", "not_met", "family_declined", ""])
def test_the_family_completes_only_as_need_met(outcome: str) -> None:
    with pytest.raises(InvalidTransition):
        check_transition(S.IN_PROGRESS, S.COMPLETED, side=Side.FAMILY, outcome=outcome)
    # The organization's own outcomes are untouched.
    if outcome:
        check_transition(S.IN_PROGRESS, S.COMPLETED, side=Side.ORGANIZATION, outcome=outcome)


def test_the_table_and_the_fhir_mapping_are_unchanged_by_the_family() -> None:
    assert {(s, t) for s, targets in TRANSITIONS.items() for t in targets} >= FAMILY_ALLOWED
    assert "family" not in {to_fhir_task_status(state)[0] for state in S}
    for state in S:
        assert from_fhir_task_status(*to_fhir_task_status(state)) == state
    assert to_fhir_task_status(S.COMPLETED) == ("completed", "")
    assert to_fhir_task_status(S.CANCELLED) == ("cancelled", "")


# --- the answers -------------------------------------------------------------------------


@pytest.fixture
def referral(coordinator, child_a, caregiver_a, food_bank):
    return sent(coordinator, child_a, caregiver_a, food_bank)


@pytest.fixture
def link(coordinator, child_a, caregiver_a):
    return FamilyLink(practice=child_a.practice, child=child_a, caregiver=caregiver_a)


def answer(link, referral_id, value, at=MOMENT):
    return family_answers.record_family_answer(
        actor=family_actor(link),
        child=link.child,
        caregiver=link.caregiver,
        referral_id=referral_id,
        answer=value,
        at=at,
    )


def in_state(referral, status):
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD])
def test_got_help_completes_where_completion_is_allowed(link, referral, status):
    in_state(referral, status)

    result = answer(link, referral.pk, FamilyAnswer.GOT_HELP)

    referral.refresh_from_db()
    assert result.recorded and referral.status == S.COMPLETED
    assert referral.outcome == "need_met" and referral.closed_at == MOMENT
    event = referral.events.order_by("-version").first()
    assert (event.side, event.family_answer, event.actor_label) == (
        Side.FAMILY,
        "got_help",
        "Marisol García",
    )
    assert event.actor is None
    audit = (
        AuditEvent.objects.filter(object_type="referral", object_id=str(referral.pk))
        .order_by("sequence")
        .last()
    )
    assert audit.role == "family_link"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "value"),
    [
        (S.REQUESTED, FamilyAnswer.GOT_HELP),
        (S.RECEIVED, FamilyAnswer.GOT_HELP),
        (S.ACCEPTED, FamilyAnswer.WAITING),
        (S.REQUESTED, FamilyAnswer.UNREACHABLE),
    ],
)
def test_other_answers_keep_the_state_and_give_the_coordinator_a_task(
    link, referral, status, value
):
    in_state(referral, status)
    version = referral.version

    answer(link, referral.pk, value)

    referral.refresh_from_db()
    assert (referral.status, referral.version) == (status, version)
    event = referral.events.get(family_answer=value)
    assert (event.from_status, event.to_status, event.side) == (status, status, Side.FAMILY)
    task = Task.objects.get(kind=TaskKind.REFERRAL_FAMILY_ANSWER)
    assert task.details == {"organization": "Eastie Community Food Bank", "answer": value}
    assert (task.source_type, task.source_id, task.status) == (
        "referral",
        str(referral.pk),
        TaskStatus.OPEN,
    )
    with translation.override("es"):
        assert "La familia respondió" in task.title
    assert "Eastie Community Food Bank" in task.title and "food" not in task.title
    assert AuditEvent.objects.filter(object_type="referral_event", role="family_link").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.REQUESTED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD])
def test_not_needed_cancels_from_any_sent_open_state_and_settles_the_tasks(link, referral, status):
    in_state(referral, status)
    answer(link, referral.pk, FamilyAnswer.WAITING)

    answer(link, referral.pk, FamilyAnswer.NOT_NEEDED)

    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    assert referral.status_reason == "The family no longer needs it"
    assert not Task.objects.filter(status=TaskStatus.OPEN).exists()


@pytest.mark.django_db
def test_the_same_answer_twice_records_once_and_keeps_one_task(link, referral):
    first = answer(link, referral.pk, FamilyAnswer.WAITING)
    again = answer(link, referral.pk, FamilyAnswer.WAITING)
    other = answer(link, referral.pk, FamilyAnswer.UNREACHABLE)

    assert (first.recorded, again.recorded, other.recorded) == (True, False, True)
    assert referral.events.exclude(family_answer="").count() == 2
    open_ = Task.objects.filter(kind=TaskKind.REFERRAL_FAMILY_ANSWER, status=TaskStatus.OPEN)
    assert [t.details["answer"] for t in open_] == ["unreachable"]  # the latest answer


@pytest.mark.django_db
def test_a_completed_referral_answered_again_is_idempotent_then_closed(link, referral):
    in_state(referral, S.ACCEPTED)
    answer(link, referral.pk, FamilyAnswer.GOT_HELP)
    events = ReferralEvent.objects.count()

    assert answer(link, referral.pk, FamilyAnswer.GOT_HELP).recorded is False
    with pytest.raises(ValidationError, match="already closed"):
        answer(link, referral.pk, FamilyAnswer.WAITING)
    assert ReferralEvent.objects.count() == events


@pytest.mark.django_db
def test_an_unknown_answer_saves_nothing(link, referral):
    events = ReferralEvent.objects.count()
    with (
        translation.override("es"),
        pytest.raises(ValidationError, match="Elija una de las respuestas"),
    ):
        answer(link, referral.pk, "maybe")
    assert ReferralEvent.objects.count() == events and not Task.objects.exists()


@pytest.mark.django_db
def test_a_referral_not_on_the_link_is_refused(
    link, coordinator, family_a, child_a, food_bank, referral
):
    rafael = factories.add_caregiver(family_a, given_name="Rafael", phone="+16175550100")
    his = sent(coordinator, child_a, rafael, food_bank)
    safety = sent(coordinator, child_a, link.caregiver, food_bank)
    Referral.objects.filter(pk=safety.pk).update(need="safety")
    events = ReferralEvent.objects.count()

    for referral_id in (his.pk, safety.pk, "not-a-uuid", ""):
        with pytest.raises(family_answers.NotOnThisLink):
            answer(link, referral_id, FamilyAnswer.NOT_NEEDED)

    assert ReferralEvent.objects.count() == events
    assert Referral.objects.get(pk=his.pk).status == S.REQUESTED


@pytest.mark.django_db
def test_the_partner_still_sees_only_the_consented_items(link, referral):
    in_state(referral, S.ACCEPTED)
    answer(link, referral.pk, FamilyAnswer.GOT_HELP)
    referral.refresh_from_db()

    view = partner_view(referral)

    assert view.status == S.COMPLETED and view.outcome == "need_met"
    assert view.child_name.startswith("Referral R-")  # "name" was not consented
    assert "name" not in view.shared_items
