"""A referral's path from another system: the contained Provenances a Task names in
`relevantHistory` (medhome's own export writes one per ReferralEvent, fhir.resources.sdohcc
provenance) read back as the referral's events (the rules: referrals.imported,
docs/clinical-rules.md#imported-referrals).

- The path is refused whole unless every step is one the state table allows
  (referrals.states: the transitions and who sets each, the reason not required, as for a
  partner's update), its times never go back, the versions it names follow, and it ends at the
  Task's state. Two steps the table does not have are medhome's own: a practice-side acceptance
  on a warm hand-off (services.referral.warm_handoff) and, from a draft, the one "system" step
  by which an import without a path records the state reached elsewhere.
- Each rebuilt event keeps its time, side, reason and family answer; its actor label says it
  was imported (`imported_actor_label`), as the single event of a Task without a path does.
- A Task seen before whose path continues the events recorded here appends the steps after
  them; a path that does not continue them is left to the single-step rule.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.ehr.fhir_in.common import Refused, parse_instant

from .fhir_codes import FAMILY_ANSWER_SYSTEM, SIDE_SYSTEM, STATUS_SYSTEM, TASK_STATUS_SYSTEM
from .imported import coded, imported_label, plain_text
from .models import FamilyAnswer, Referral, ReferralEvent
from .states import (
    TERMINAL,
    InvalidTransition,
    Side,
    Status,
    check_transition,
    from_fhir_task_status,
)
from .states.moves import move

if TYPE_CHECKING:
    from medhome.ehr.bulk import Context

EVENT_OBJECT = "referral_event"  # as referrals.services.family_answers audits a family's answer
_VERSION = re.compile(r"/_history/(\d+)$")
_SEPARATOR = " · "


@dataclass(frozen=True)
class Step:
    """One event of the path, as the other system recorded it; `from_status` and `version`
    follow from the steps before it (check_path)."""

    to_status: str
    at: datetime
    side: str
    actor_label: str
    reason: str
    family_answer: str
    named_version: int | None
    from_status: str = ""
    version: int = 0


def imported_actor_label(label: str) -> str:
    """Who acted, marked as imported (kept once when the path comes back a second time)."""
    marker = imported_label()
    label = label.strip()
    if not label or label == marker or label.endswith(_SEPARATOR + marker):
        return label or marker
    return label[: 200 - len(marker) - len(_SEPARATOR)] + _SEPARATOR + marker


def _unreadable(number: int) -> Refused:
    return Refused(
        "path_refused",
        _("Step %(step)s of the referral's history cannot be read.") % {"step": number},
    )


def _refused(number: int, why: str) -> Refused:
    return Refused(
        "path_refused",
        _("Step %(step)s of the referral's history is refused: %(why)s")
        % {"step": number, "why": why},
    )


def _step(found: dict[str, Any], number: int) -> Step:
    activity = found.get("activity")
    status = coded(activity, STATUS_SYSTEM)
    if status not in Status.values:
        try:
            status = from_fhir_task_status(coded(activity, TASK_STATUS_SYSTEM))
        except ValueError:
            raise _unreadable(number) from None
    agent = next((a for a in found.get("agent") or [] if isinstance(a, dict)), {})
    side = coded(agent.get("type"), SIDE_SYSTEM) or Side.SYSTEM
    answer = ""
    reasons = []
    for concept in found.get("reason") or []:
        code = coded(concept, FAMILY_ANSWER_SYSTEM)
        if code:
            answer = code
        elif text := plain_text(concept):
            reasons.append(text)
    if side not in Side.values or (answer and answer not in FamilyAnswer.values):
        raise _unreadable(number)
    try:
        at = parse_instant(found.get("recorded"))
    except Refused:
        raise _unreadable(number) from None
    targets = [t for t in found.get("target") or [] if isinstance(t, dict)]
    version = _VERSION.search(str(targets[0].get("reference") or "")) if targets else None
    who = agent.get("who")
    return Step(
        to_status=status,
        at=at,
        side=side,
        actor_label=str((who or {}).get("display") or "") if isinstance(who, dict) else "",
        reason=" ".join(reasons)[:500],
        family_answer=answer,
        named_version=int(version.group(1)) if version else None,
    )


def path_of(resource: dict[str, Any]) -> list[Step] | None:
    """The steps of the Task's contained Provenances in relevantHistory's order; None when it
    names none (another system's Task, or Provenances not sent with it)."""
    local = [
        str(found.get("reference") or "")[1:]
        for found in resource.get("relevantHistory") or []
        if isinstance(found, dict) and str(found.get("reference") or "").startswith("#")
    ]
    if not local:
        return None
    contained = {
        str(found.get("id")): found
        for found in resource.get("contained") or []
        if isinstance(found, dict) and found.get("resourceType") == "Provenance"
    }
    steps = []
    for number, key in enumerate(local, start=1):
        if key not in contained:
            raise _unreadable(number)
        steps.append(_step(contained[key], number))
    return steps


def _check_step(previous: str, step: Step, *, warm_handoff: bool, outcome: str) -> None:
    """InvalidTransition unless `step` may follow `previous` (the module's rules)."""
    if step.to_status == previous:
        if step.side != Side.FAMILY or not step.family_answer or previous in TERMINAL:
            raise InvalidTransition(_("It repeats the state before it."))
        return  # a family's answer that changed nothing (services.family_answers)
    if previous == Status.DRAFT and step.side == Side.SYSTEM:
        return  # the state reached elsewhere, in the one step an import without a path makes
    side = step.side
    if warm_handoff and step.to_status == Status.ACCEPTED and side == Side.PRACTICE:
        side = Side.ORGANIZATION  # staff record the partner's acceptance in the room
    check_transition(
        previous,
        step.to_status,
        side=side,
        reason=step.reason,
        outcome=outcome if step.to_status == Status.COMPLETED else "",
        require_reason=False,
    )


def check_path(steps: list[Step], *, state: str, warm_handoff: bool, outcome: str) -> list[Step]:
    """The steps with where each started and the version it made, or Refused."""
    checked: list[Step] = []
    previous, version, last_at = "", 0, None
    implied = 0
    if steps and steps[0].to_status != Status.DRAFT:
        # A path that begins at its first change (a system that records no draft) came from a
        # draft made when that change was: the draft is implied, and its first step checked.
        first = steps[0]
        draft = Step(Status.DRAFT, first.at, first.side, first.actor_label, "", "", None)
        steps, implied = [draft, *steps], 1
    for number, step in enumerate(steps, start=1 - implied):
        try:
            if previous:  # every step after the draft (given or implied) follows the table
                _check_step(previous, step, warm_handoff=warm_handoff, outcome=outcome)
        except InvalidTransition as refused:
            raise _refused(number, " ".join(refused.messages)) from None
        version += 0 if step.to_status == previous else 1
        if step.named_version is not None and step.named_version != version:
            raise _refused(number, _("Its version does not follow the step before it."))
        if last_at is not None and step.at < last_at:
            raise _refused(number, _("It is dated before the step before it."))
        checked.append(replace(step, from_status=previous, version=version))
        previous, last_at = step.to_status, step.at
    if previous != state:
        raise Refused(
            "path_not_at_state",
            _("The referral's history ends at “%(end)s”, but its Task says “%(state)s”.")
            % {"end": Status(previous).label, "state": Status(state).label},
        )
    return checked


def _recorded(referral: Referral) -> list[tuple[str, str, datetime, str]]:
    return list(
        referral.events.order_by("at", "version").values_list(
            "from_status", "to_status", "at", "family_answer"
        )
    )


def _key(step: Step) -> tuple[str, str, datetime, str]:
    return (step.from_status, step.to_status, step.at, step.family_answer)


def _creation(context: "Context", referral: Referral, step: Step) -> None:
    """The draft's event the ServiceRequest line wrote (the import's moment) becomes the
    path's first step: when and by whom the referral was made elsewhere."""
    event = referral.events.get(from_status="")
    event.at, event.side = step.at, step.side
    event.actor_label = imported_actor_label(step.actor_label)
    event.save(update_fields=["at", "side", "actor_label"])
    record(
        actor=context.actor,
        action=Action.UPDATE,
        object_type=EVENT_OBJECT,
        object_id=event.pk,
        at=context.at,
        practice=referral.practice,
        detail={"referral": str(referral.pk), "fields": ["at", "side", "actor_label"]},
    )


def _unchanged_state(context: "Context", referral: Referral, step: Step) -> None:
    event = ReferralEvent.objects.create(
        referral=referral,
        from_status=step.from_status,
        to_status=step.to_status,
        at=step.at,
        actor=None,
        actor_label=imported_actor_label(step.actor_label),
        side=step.side,
        reason=step.reason,
        family_answer=step.family_answer,
        version=referral.version,
    )
    record(
        actor=context.actor,
        action=Action.CREATE,
        object_type=EVENT_OBJECT,
        object_id=event.pk,
        at=context.at,
        practice=referral.practice,
        detail={"referral": str(referral.pk), "fields": ["family_answer"]},
    )


def replay(
    context: "Context",
    referral: Referral,
    steps: list[Step],
    *,
    first: bool,
    outcome: str,
    outcome_note: str,
) -> int | None:
    """Record the checked steps not yet recorded here; how many, or None when the path does
    not continue the events recorded here (first: the draft's own event only)."""
    if first:
        _creation(context, referral, steps[0])
        done = 1
    else:
        recorded = _recorded(referral)
        if [_key(step) for step in steps[: len(recorded)]] != recorded:
            return None
        done = len(recorded)
    for step in steps[done:]:
        if step.to_status == step.from_status:
            _unchanged_state(context, referral, step)
            continue
        completed = step.to_status == Status.COMPLETED
        move(
            context.actor,
            referral,
            step.to_status,
            side=step.side,
            at=step.at,
            reason=step.reason,
            outcome=outcome if completed else "",
            outcome_note=outcome_note if completed else "",
            label=imported_actor_label(step.actor_label),
            check=False,  # check_path checked the whole path
            family_answer=step.family_answer,
            # Sent elsewhere while its consent stood: the import checked the consent came too.
            require_consent=False,
        )
    return len(steps) - done
