"""A cycle's life: plan → do → study → act one stage at a time, the day the change started
before Do, a decision at Act; every refused move and every validation message, nothing saved."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.accounts.roles import Role
from medhome.improvement import services
from medhome.improvement.models import Cycle, CycleChange
from tests import factories, improvement_factories

pytestmark = pytest.mark.django_db
TODAY = "2026-12-05 15:00:00+00:00"


@pytest.fixture
def actor(staff_a, practice_a):
    return factories.actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


def data(owner, **overrides) -> services.CycleInput:
    values = {
        "title": "Evening visits",
        "aim_what": "Six visits by 15 months",
        "aim_how_much": "by 10 points",
        "aim_by": date(2027, 6, 30),
        "measure_key": "w30_1",
        "owner_id": owner.pk,
    } | overrides
    return services.CycleInput(**values)


def messages_of(error: ValidationError) -> dict:
    return {field: " ".join(problems) for field, problems in error.message_dict.items()}


def test_a_new_cycle_starts_at_plan_with_its_history(actor):
    cycle = services.create_cycle(actor, data(actor.user))

    assert (cycle.stage, cycle.practice_id) == ("plan", actor.practice_id)
    assert list(cycle.changes.values_list("from_stage", "to_stage", "by")) == [
        ("", "plan", actor.user.pk)
    ]


@time_machine.travel(TODAY, tick=False)
def test_every_allowed_move_in_order_with_who_and_when(actor):
    cycle = services.create_cycle(actor, data(actor.user, started_on=date(2026, 10, 1)))

    services.move(actor, cycle, "do")
    services.move(actor, cycle, "study", note="Two sessions held")
    services.move(actor, cycle, "act", decision="adopt")

    cycle.refresh_from_db()
    assert (cycle.stage, cycle.decision) == ("act", "adopt")
    moves = list(cycle.changes.values_list("from_stage", "to_stage", "decision", "note"))
    assert moves == [
        ("", "plan", "", ""),
        ("plan", "do", "", ""),
        ("do", "study", "", "Two sessions held"),
        ("study", "act", "adopt", ""),
    ]
    assert {change.by_id for change in cycle.changes.all()} == {actor.user.pk}


@pytest.mark.parametrize(
    ("stage", "to_stage"),
    [
        ("plan", "study"),
        ("plan", "act"),
        ("plan", "plan"),
        ("do", "plan"),
        ("do", "act"),
        ("study", "do"),
        ("study", "plan"),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_refused_moves_say_which_stage_comes_next(actor, stage, to_stage):
    cycle = improvement_factories.cycle(
        actor.practice, actor.user, stage=stage, started_on=date(2026, 10, 1)
    )

    with pytest.raises(ValidationError) as refused:
        services.move(actor, cycle, to_stage, decision="adopt" if to_stage == "act" else "")

    assert "one stage at a time" in messages_of(refused.value)["to_stage"]
    cycle.refresh_from_db()
    assert cycle.stage == stage and not cycle.changes.exists()


@pytest.mark.parametrize("to_stage", ["plan", "do", "study", "act"])
def test_a_cycle_at_act_is_finished(actor, to_stage):
    cycle = improvement_factories.cycle(
        actor.practice, actor.user, stage="act", decision="adapt", started_on=date(2026, 10, 1)
    )

    with pytest.raises(ValidationError) as refused:
        services.move(actor, cycle, to_stage, decision="adopt")

    assert "finished" in messages_of(refused.value)["to_stage"]


def test_do_needs_the_day_the_change_started(actor):
    cycle = services.create_cycle(actor, data(actor.user))

    with pytest.raises(ValidationError) as refused:
        services.move(actor, cycle, "do")

    assert messages_of(refused.value) == {
        "started_on": "Record the day the change started before Do: the run chart marks that day."
    }
    assert Cycle.objects.get(pk=cycle.pk).stage == "plan"


@time_machine.travel(TODAY, tick=False)
def test_do_waits_for_a_change_that_has_not_started(actor):
    cycle = services.create_cycle(actor, data(actor.user, started_on=date(2026, 12, 6)))

    with pytest.raises(ValidationError) as refused:
        services.move(actor, cycle, "do")

    assert "has not started yet" in messages_of(refused.value)["started_on"]


@pytest.mark.parametrize("decision", ["", "keep"])
def test_act_needs_a_decision(actor, decision):
    cycle = improvement_factories.cycle(
        actor.practice, actor.user, stage="study", started_on=date(2026, 10, 1)
    )

    with pytest.raises(ValidationError) as refused:
        services.move(actor, cycle, "act", decision=decision)

    assert messages_of(refused.value) == {
        "decision": "Choose the decision at Act: adopt, adapt or abandon."
    }
    assert CycleChange.objects.count() == 0


def test_a_decision_before_act_is_refused(actor):
    cycle = improvement_factories.cycle(
        actor.practice, actor.user, stage="do", started_on=date(2026, 10, 1)
    )

    with pytest.raises(ValidationError) as refused:
        services.move(actor, cycle, "study", decision="adopt")

    assert messages_of(refused.value) == {"decision": "The decision is made at Act."}


def test_an_unknown_measure_and_a_missing_aim_are_named(actor):
    with pytest.raises(ValidationError) as refused:
        services.create_cycle(
            actor, data(actor.user, measure_key="w31", title=" ", aim_how_much="", aim_by=None)
        )

    assert messages_of(refused.value) == {
        "measure_key": "That measure is not one of medhome's measures.",
        "title": "Name the change you are testing.",
        "aim_how_much": "Say by how much.",
        "aim_by": "Say by when.",
    }
    assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    ("dimension", "group", "message"),
    [
        ("shoe_size", "42", "That grouping is not one of the choices."),
        ("language", "", "Give both the grouping and the group, or neither."),
        ("", "es", "Give both the grouping and the group, or neither."),
        ("site", "not-a-uuid", "That group is not one of the grouping's."),
    ],
)
def test_a_stratum_must_be_one_of_the_measures(actor, dimension, group, message):
    with pytest.raises(ValidationError) as refused:
        services.create_cycle(
            actor, data(actor.user, stratum_dimension=dimension, stratum_group=group)
        )

    assert list(messages_of(refused.value).values()) == [message]


def test_the_owner_is_a_colleague_of_the_practice(actor, clinician_b):
    for owner_id in (clinician_b.pk, "nobody", None):
        with pytest.raises(ValidationError) as refused:
            services.create_cycle(actor, data(actor.user, owner_id=owner_id))
        assert messages_of(refused.value) == {
            "owner": "The owner must be a colleague of the practice."
        }


def test_the_recommendation_is_the_practices_or_the_network_councils(actor, practice_a, practice_b):
    own = improvement_factories.recommendation(practice_a)
    network_wide = improvement_factories.recommendation(practice_b, network_wide=True)
    neighbours = improvement_factories.recommendation(practice_b)
    elsewhere = factories.make_practice("Faraway Pediatrics", network=factories.make_network("X"))
    other_network = improvement_factories.recommendation(elsewhere, network_wide=True)

    for allowed in (own, network_wide):
        cycle = services.create_cycle(actor, data(actor.user, recommendation_id=allowed.pk))
        assert cycle.recommendation == allowed
    refused = {}
    for name, recommendation in (("neighbours", neighbours), ("elsewhere", other_network)):
        with pytest.raises(ValidationError) as error:
            services.create_cycle(actor, data(actor.user, recommendation_id=recommendation.pk))
        refused[name] = messages_of(error.value)["recommendation"]

    assert refused == {
        "neighbours": "That recommendation is another practice's council's: a cycle answers its "
        "own practice's council or the network-wide council.",
        "elsewhere": "That recommendation is another network's: a cycle answers its own "
        "practice's council or its network's council.",
    }
    assert Cycle.objects.count() == 2


def test_the_start_day_cannot_be_cleared_past_plan(actor):
    cycle = improvement_factories.cycle(
        actor.practice, actor.user, stage="do", started_on=date(2026, 10, 1)
    )

    with pytest.raises(ValidationError) as refused:
        services.update_cycle(actor, cycle, data(actor.user, started_on=None))

    assert "needed once the cycle is past Plan" in messages_of(refused.value)["started_on"]
    assert Cycle.objects.get(pk=cycle.pk).started_on == date(2026, 10, 1)


def test_only_roles_that_write_cycles_write_them(staff_a, practice_a):
    nurse = factories.actor_for(staff_a[Role.NURSE], practice_a, Role.NURSE)
    cycle = improvement_factories.cycle(practice_a, staff_a[Role.PEDIATRICIAN])

    with pytest.raises(PermissionDenied):
        services.create_cycle(nurse, data(staff_a[Role.NURSE]))
    with pytest.raises(PermissionDenied):
        services.move(nurse, cycle, "do")


def test_another_practices_cycle_is_not_moved(actor, practice_b, clinician_b):
    theirs = improvement_factories.cycle(practice_b, clinician_b, started_on=date(2026, 10, 1))

    with pytest.raises(PermissionDenied):
        services.move(actor, theirs, "do")
    with pytest.raises(PermissionDenied):
        services.update_cycle(actor, theirs, data(actor.user))
