"""Every write of improvement cycles: write a cycle (new or edited), move it to its next stage,
adopt another practice's change. Each in one transaction; bad input is a ValidationError whose
messages name the field, and nothing is saved.

The rules (docs/decisions/0017-improvement-cycles.md): a cycle aims at one of the measures
engine's figures (optionally one stratum of it); it may answer a recommendation of its own
practice's council or of the network-wide council; it goes plan → do → study → act one stage at
a time; it needs the day the change started before "do" (the run chart marks that day) and a
decision (adopt, adapt, abandon) at "act".
"""

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.council.models import Recommendation
from medhome.measures import definitions, strata
from medhome.practices.models import Membership

from .models import Cycle, CycleChange, Decision, Stage

EDIT = Capability.IMPROVEMENT_EDIT
# One straight line: a cycle that needs another test is adapted at "act" and tested again as a
# new cycle (adopted_from keeps the lineage across practices; a practice's next cycle is new).
NEXT_STAGE = {Stage.PLAN: Stage.DO, Stage.DO: Stage.STUDY, Stage.STUDY: Stage.ACT}


@dataclass
class CycleInput:
    title: str
    aim_what: str
    aim_how_much: str
    aim_by: date | None
    measure_key: str
    owner_id: Any
    stratum_dimension: str = ""
    stratum_group: str = ""
    recommendation_id: Any = None
    started_on: date | None = None
    prediction: str = ""
    done: str = ""
    learned: str = ""


def _require(actor: Actor) -> None:
    if not actor.can(EDIT) or actor.practice is None:
        raise PermissionDenied


def recommendations_for(practice) -> Any:
    """The recommendations a cycle of `practice` may answer: its own council's, and those of a
    network-wide council of its network."""
    from django.db.models import Q

    allowed = Q(practice=practice)
    if practice.network_id is not None:
        allowed |= Q(council__network_wide=True, practice__network_id=practice.network_id)
    return Recommendation.objects.filter(allowed).select_related("council").order_by("-raised_on")


def _recommendation(practice, recommendation_id) -> tuple[Recommendation | None, str | None]:
    if not recommendation_id:
        return None, None
    try:
        found = Recommendation.objects.select_related("council", "practice").get(
            pk=recommendation_id
        )
    except (Recommendation.DoesNotExist, ValueError, ValidationError):
        return None, _("That recommendation does not exist.")
    if found.practice_id == practice.pk:
        return found, None
    same_network = (
        practice.network_id is not None and found.practice.network_id == practice.network_id
    )
    if not same_network:
        return None, _(
            "That recommendation is another network's: a cycle answers its own practice's "
            "council or its network's council."
        )
    if not found.council.network_wide:
        return None, _(
            "That recommendation is another practice's council's: a cycle answers its own "
            "practice's council or the network-wide council."
        )
    return found, None


def _is_colleague(practice, user_id) -> bool:
    try:
        return Membership.objects.active().filter(practice=practice, user_id=user_id).exists()
    except (ValueError, TypeError):
        return False


def _errors(practice, data: CycleInput, stage: str) -> tuple[dict, Recommendation | None]:
    errors: dict[str, str] = {}
    for name, label in (
        ("title", _("Name the change you are testing.")),
        ("aim_what", _("Say what the cycle aims to improve.")),
        ("aim_how_much", _("Say by how much.")),
    ):
        if not (getattr(data, name) or "").strip():
            errors[name] = label
    if data.aim_by is None:
        errors["aim_by"] = _("Say by when.")
    if data.measure_key not in definitions.MEASURES:
        errors["measure_key"] = _("That measure is not one of medhome's measures.")
    dimension, group = data.stratum_dimension, data.stratum_group
    if dimension and dimension not in strata.DIMENSIONS:
        errors["stratum_dimension"] = _("That grouping is not one of the choices.")
    elif bool(dimension) != bool(group):
        errors["stratum_group"] = _("Give both the grouping and the group, or neither.")
    elif dimension and not strata.is_group_key(dimension, group):
        errors["stratum_group"] = _("That group is not one of the grouping's.")
    if not _is_colleague(practice, data.owner_id):
        errors["owner"] = _("The owner must be a colleague of the practice.")
    recommendation, problem = _recommendation(practice, data.recommendation_id)
    if problem:
        errors["recommendation"] = problem
    if data.started_on is None and stage != Stage.PLAN:
        errors["started_on"] = _(
            "The day the change started is needed once the cycle is past Plan."
        )
    return errors, recommendation


def _values(data: CycleInput, recommendation) -> dict:
    values = {f.name: getattr(data, f.name) for f in fields(CycleInput)}
    values["recommendation"] = recommendation
    del values["recommendation_id"]
    for name in ("title", "aim_what", "aim_how_much", "prediction", "done", "learned"):
        values[name] = (values[name] or "").strip()
    return values


@transaction.atomic
def create_cycle(actor: Actor, data: CycleInput, *, adopted_from: Cycle | None = None) -> Cycle:
    _require(actor)
    errors, recommendation = _errors(actor.practice, data, Stage.PLAN)
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    cycle = Cycle.objects.create(
        practice=actor.practice,
        stage=Stage.PLAN,
        adopted_from=adopted_from,
        created_at=now,
        updated_at=now,
        **_values(data, recommendation),
    )
    CycleChange.objects.create(
        practice=actor.practice, cycle=cycle, to_stage=Stage.PLAN, by=actor.user, at=now
    )
    return cycle


@transaction.atomic
def update_cycle(actor: Actor, cycle: Cycle, data: CycleInput) -> Cycle:
    _require(actor)
    if cycle.practice_id != actor.practice_id:  # access_cycle already said 404
        raise PermissionDenied
    errors, recommendation = _errors(actor.practice, data, cycle.stage)
    if errors:
        raise ValidationError(errors)
    for name, value in _values(data, recommendation).items():
        setattr(cycle, name, value)
    cycle.updated_at = clock.now()
    cycle.save()
    return cycle


@transaction.atomic
def move(actor: Actor, cycle: Cycle, to_stage: str, *, decision: str = "", note: str = "") -> Cycle:
    """The cycle's next stage, or a ValidationError saying why not (nothing saved)."""
    _require(actor)
    if cycle.practice_id != actor.practice_id:
        raise PermissionDenied
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    expected = NEXT_STAGE.get(Stage(cycle.stage))
    if expected is None:
        raise ValidationError(
            {"to_stage": _("This cycle is finished (Act): test again as a new cycle.")}
        )
    if to_stage != expected:
        raise ValidationError(
            {
                "to_stage": _(
                    "A cycle goes plan, do, study, act, one stage at a time: from %(now)s it "
                    "goes to %(next)s."
                )
                % {"now": Stage(cycle.stage).label, "next": expected.label}
            }
        )
    errors: dict[str, str] = {}
    if to_stage == Stage.DO:
        if cycle.started_on is None:
            errors["started_on"] = _(
                "Record the day the change started before Do: the run chart marks that day."
            )
        elif cycle.started_on > clock.today():
            errors["started_on"] = _("The change has not started yet: move to Do once it has.")
    if to_stage == Stage.ACT and decision not in Decision.values:
        errors["decision"] = _("Choose the decision at Act: adopt, adapt or abandon.")
    if to_stage != Stage.ACT and decision:
        errors["decision"] = _("The decision is made at Act.")
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    CycleChange.objects.create(
        practice=cycle.practice,
        cycle=cycle,
        from_stage=cycle.stage,
        to_stage=to_stage,
        decision=decision,
        note=note.strip(),
        by=actor.user,
        at=now,
    )
    cycle.stage, cycle.decision, cycle.updated_at = to_stage, decision, now
    cycle.save(update_fields=["stage", "decision", "updated_at"])
    return cycle


@transaction.atomic
def adopt(actor: Actor, source: Cycle) -> Cycle:
    """Another practice's change, copied into the actor's practice as a new cycle at Plan: the
    aim, measure and prediction travel; the dates, what was done and learned stay with theirs
    (the new cycle links back to it). `source` comes from selectors.access_network_cycle."""
    _require(actor)
    if source.practice_id == actor.practice_id:
        raise ValidationError({"cycle": _("This change is already your practice's.")})
    # A site or a clinician is the source practice's own: that group does not travel.
    local = source.stratum_dimension in ("site", "clinician")
    data = CycleInput(
        title=source.title,
        aim_what=source.aim_what,
        aim_how_much=source.aim_how_much,
        aim_by=source.aim_by,
        measure_key=source.measure_key,
        owner_id=actor.user.pk,
        stratum_dimension="" if local else source.stratum_dimension,
        stratum_group="" if local else source.stratum_group,
        prediction=source.prediction,
    )
    return create_cycle(actor, data, adopted_from=source)
