"""The transition table of docs/clinical-rules.md#referral-states / interop-codes §1.4, every
pair."""

import itertools

import pytest

from medhome.referrals.states import (
    SET_BY,
    TERMINAL,
    TRANSITIONS,
    InvalidTransition,
    Side,
    Status,
    allowed_targets,
    check_transition,
    from_fhir_task_status,
    to_fhir_task_status,
)

S = Status
# Written out again, independently of states.py, from docs/clinical-rules.md#referral-states.
ALLOWED = {
    (S.DRAFT, S.REQUESTED),
    (S.REQUESTED, S.RECEIVED),
    (S.REQUESTED, S.ACCEPTED),
    (S.REQUESTED, S.REJECTED),
    (S.REQUESTED, S.CANCELLED),
    (S.RECEIVED, S.ACCEPTED),
    (S.RECEIVED, S.REJECTED),
    (S.RECEIVED, S.CANCELLED),
    (S.ACCEPTED, S.IN_PROGRESS),
    (S.ACCEPTED, S.ON_HOLD),
    (S.ACCEPTED, S.COMPLETED),
    (S.ACCEPTED, S.FAILED),
    (S.ACCEPTED, S.CANCELLED),
    (S.IN_PROGRESS, S.ON_HOLD),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.IN_PROGRESS, S.FAILED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.ON_HOLD, S.IN_PROGRESS),
    (S.ON_HOLD, S.COMPLETED),
    (S.ON_HOLD, S.FAILED),
    (S.ON_HOLD, S.CANCELLED),
} | {(state, S.ENTERED_IN_ERROR) for state in S if state != S.ENTERED_IN_ERROR}
PRACTICE_SETS = {S.DRAFT, S.REQUESTED, S.CANCELLED, S.ENTERED_IN_ERROR}
ORGANIZATION_SETS = {
    S.RECEIVED,
    S.ACCEPTED,
    S.REJECTED,
    S.IN_PROGRESS,
    S.ON_HOLD,
    S.COMPLETED,
    S.FAILED,
    S.CANCELLED,
}
PAIRS = list(itertools.product(list(S), list(S)))


def details(to_status: str) -> dict[str, str]:
    return {"reason": "because", "outcome": "need_met" if to_status == S.COMPLETED else ""}


def side_for(to_status: str) -> str:
    return Side.PRACTICE if to_status in PRACTICE_SETS else Side.ORGANIZATION


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_pair_allowed_or_refused(source: str, target: str) -> None:
    if (source, target) in ALLOWED:
        check_transition(source, target, side=side_for(target), **details(target))
    else:
        with pytest.raises(InvalidTransition, match="cannot become"):
            check_transition(source, target, side=side_for(target), **details(target))


def test_table_matches_the_reference() -> None:
    assert {(s, t) for s, targets in TRANSITIONS.items() for t in targets} == ALLOWED
    assert {S.REJECTED, S.CANCELLED, S.COMPLETED, S.FAILED, S.ENTERED_IN_ERROR} == TERMINAL
    for state in TERMINAL:
        assert TRANSITIONS[state] <= {S.ENTERED_IN_ERROR}


@pytest.mark.parametrize("target", list(S))
def test_who_sets_what(target: str) -> None:
    assert (Side.PRACTICE in SET_BY[target]) == (target in PRACTICE_SETS)
    assert (Side.ORGANIZATION in SET_BY[target]) == (target in ORGANIZATION_SETS)


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_the_other_side_is_refused(source: str, target: str) -> None:
    for side in (Side.PRACTICE, Side.ORGANIZATION):
        if side in SET_BY[target]:
            continue
        with pytest.raises(InvalidTransition, match="Only the"):
            check_transition(source, target, side=side, **details(target))


@pytest.mark.parametrize("target", [S.REJECTED, S.CANCELLED, S.ON_HOLD, S.FAILED])
def test_a_reason_is_required_from_people_not_from_a_system_update(target: str) -> None:
    source = S.REQUESTED if target == S.REJECTED else S.ACCEPTED
    with pytest.raises(InvalidTransition) as refused:
        check_transition(source, target, side=side_for(target), reason="  ")
    assert refused.value.code == "reason_required"
    check_transition(source, target, side=Side.SYSTEM, reason="")


def test_completing_requires_an_outcome_and_only_completing_takes_one() -> None:
    with pytest.raises(InvalidTransition) as refused:
        check_transition(S.IN_PROGRESS, S.COMPLETED, side=Side.ORGANIZATION)
    assert refused.value.code == "outcome_required"
    with pytest.raises(InvalidTransition):
        check_transition(S.IN_PROGRESS, S.COMPLETED, side=Side.ORGANIZATION, outcome="great")
    check_transition(S.IN_PROGRESS, S.COMPLETED, side=Side.ORGANIZATION, outcome="not_met")
    with pytest.raises(InvalidTransition, match="only when the referral is completed"):
        check_transition(S.ACCEPTED, S.IN_PROGRESS, side=Side.ORGANIZATION, outcome="need_met")


def test_unknown_state_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="not a referral state"):
        check_transition(S.REQUESTED, "ready", side=Side.ORGANIZATION)


def test_allowed_targets_per_side() -> None:
    assert allowed_targets(S.REQUESTED, Side.ORGANIZATION) == [
        S.RECEIVED,
        S.ACCEPTED,
        S.REJECTED,
        S.CANCELLED,
    ]
    assert allowed_targets(S.REQUESTED, Side.PRACTICE) == [S.CANCELLED, S.ENTERED_IN_ERROR]
    assert allowed_targets(S.COMPLETED, Side.ORGANIZATION) == []


def test_fhir_mapping_round_trips() -> None:
    assert to_fhir_task_status(S.RECEIVED) == ("requested", "received")
    assert to_fhir_task_status(S.IN_PROGRESS) == ("in-progress", "")
    assert to_fhir_task_status(S.ENTERED_IN_ERROR) == ("entered-in-error", "")
    for state in S:
        assert from_fhir_task_status(*to_fhir_task_status(state)) == state
    assert from_fhir_task_status("requested") == S.REQUESTED
    assert from_fhir_task_status("requested", "Received") == S.RECEIVED
    for excluded in ("ready", "received", "nonsense"):
        with pytest.raises(ValueError):
            from_fhir_task_status(excluded)
