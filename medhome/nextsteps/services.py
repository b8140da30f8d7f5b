"""Every write of nextsteps: propose the steps of a positive screen, turn a step into a task or
a referral, mark it done, decline it with a reason, and settle each screen's outcome.

docs/clinical-rules.md#next-steps. One function per use case, in one transaction, audited.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability, Role
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.directory import selectors as directory
from medhome.directory.geo import UnknownZipError
from medhome.directory.selectors import ServiceHit
from medhome.practices.calendar import add_business_days, calendar_of
from medhome.practices.models import Practice
from medhome.referrals import services as referrals
from medhome.referrals.models import Referral
from medhome.referrals.states import Status as ReferralStatus
from medhome.screening.models import Administration, Status
from medhome.tasks import selectors as tasks
from medhome.tasks.models import TaskKind
from medhome.tasks.services import open_task, system_actor

from . import definitions
from .models import NextStep, Outcome, PositiveScreen, StepStatus

POSITIVE_OBJECT = "positive_screen"
STEP_OBJECT = "next_step"
DECLINE_REASON_MIN_LENGTH = 5
# Steps a clinician does in the room; the rest go to the care coordinator by default.
CLINICIAN_STEPS = frozenset(
    {"medical_evaluation", "talk_with_parent", "suicide_risk_assessment", "brief_intervention"}
)
FINAL = frozenset({StepStatus.DONE, StepStatus.DECLINED})


def task_business_days() -> int:
    """When a step's task is due, in business days on the practice calendar (medhome's
    default; a setting, MEDHOME_NEXT_STEPS["task_business_days"])."""
    return int(getattr(settings, "MEDHOME_NEXT_STEPS", {}).get("task_business_days", 5))


def _may_see(actor: Actor, screen: PositiveScreen) -> bool:
    if not actor.can(Capability.SCREENING_RESULTS):
        return False
    return not screen.confidential or actor.can(Capability.SCREENING_DETAIL)


def _require(actor: Actor, step: NextStep, capability: str) -> None:
    if step.practice_id != actor.practice_id or not _may_see(actor, step.positive_screen):
        raise PermissionDenied
    if not actor.can(capability):
        raise PermissionDenied(_("Your role cannot do this."))


def _audit(actor: Actor, action: Action, step: NextStep, fields: list[str], at: datetime) -> None:
    record(
        actor=actor,
        action=action,
        object_type=STEP_OBJECT,
        object_id=step.pk,
        at=at,
        practice=step.practice,
        detail={"child": str(step.positive_screen.child_id), "fields": fields},
    )


# --- Proposing (screening.hooks, in the scoring transaction) -------------------------------


def on_scored(actor: Actor, administration: Administration, at: datetime) -> None:
    """screening.hooks' callback, in the transaction that scores the form."""
    propose_for(actor, administration, at)


def propose_for(
    actor: Actor, administration: Administration, at: datetime
) -> PositiveScreen | None:
    """The positive screen and its proposed steps for a scored form, once per administration
    (scoring again finds the row); None when the result is not a positive screen. A scored
    M-CHAT-R/F Follow-Up also completes the "give the Follow-Up" step of the screen it
    follows."""
    if administration.status != Status.SCORED:
        return None
    if administration.follows_id:
        _follow_up_given(actor, administration, at)
    kind = definitions.kind_of(administration.instrument_key, administration.respondent)
    positive = definitions.is_positive(
        administration.instrument_key, positive=administration.positive, band=administration.band
    )
    if kind is None or not positive:
        return None
    found_on = administration.administered_on or clock.local_date(at)
    keys = definitions.steps_for(
        kind,
        instrument_key=administration.instrument_key,
        band=administration.band,
        positive_domains=list(administration.positive_domains or []),
        born=administration.child.date_of_birth,
        on=found_on,
    )
    if not keys:
        return None
    with transaction.atomic():
        screen, created = PositiveScreen.objects.get_or_create(
            administration=administration,
            defaults={
                "practice_id": administration.practice_id,
                "child_id": administration.child_id,
                "kind": kind,
                "confidential": administration.confidential,
                "found_at": at,
                "found_on": found_on,
            },
        )
        if not created:
            return screen
        NextStep.objects.bulk_create(
            NextStep(practice_id=screen.practice_id, positive_screen=screen, key=key, position=n)
            for n, key in enumerate(keys)
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=POSITIVE_OBJECT,
            object_id=screen.pk,
            at=at,
            practice=administration.practice,
            detail={"child": str(administration.child_id), "steps": len(keys)},
        )
    return screen


def _follow_up_given(actor: Actor, administration: Administration, at: datetime) -> None:
    steps = NextStep.objects.select_related("positive_screen").filter(
        positive_screen__administration_id=str(administration.follows_id),
        key="mchat_follow_up",
        status__in=[StepStatus.PROPOSED, StepStatus.TAKEN],
    )
    for step in steps:
        step.status = StepStatus.DONE
        step.done_at = at
        step.changed_at = at
        step.changed_by = actor.user if getattr(actor.user, "pk", None) else None
        step.save(update_fields=["status", "done_at", "changed_at", "changed_by"])
        _audit(actor, Action.UPDATE, step, ["status", "done_at"], at)
        settle(step.positive_screen, at=at)


# --- A person acts on a step ----------------------------------------------------------------


def _locked(step: NextStep) -> NextStep:
    current = NextStep.objects.select_for_update().select_related("positive_screen").get(pk=step.pk)
    if current.status == StepStatus.DONE:
        raise ValidationError(_("This step is already done."))
    if current.status == StepStatus.DECLINED:
        raise ValidationError(_("This step was declined."))
    return current


def make_task(*, actor: Actor, step: NextStep, at: datetime) -> NextStep:
    """The step becomes a task on the team's list (tasks.open_task, kind next_step): its
    sentence names the step by its key only, never the screen's detail."""
    _require(actor, step, Capability.SCREENING_RESULTS)
    with transaction.atomic():
        current = _locked(step)
        if current.task_ref is not None:
            raise ValidationError(_("This step is already a task."))
        screen = current.positive_screen
        task, _created = open_task(
            practice=current.practice,
            child=screen.child,
            kind=TaskKind.NEXT_STEP,
            due_at=add_business_days(
                at, task_business_days(), calendar=calendar_of(current.practice)
            ),
            source_type="screening",
            source_id=screen.administration_id,
            dedupe_key=f"next_step:{current.pk}",
            at=at,
            details={"step": current.key, "confidential": screen.confidential},
            assignee_role=Role.PEDIATRICIAN
            if current.key in CLINICIAN_STEPS
            else Role.CARE_COORDINATOR,
        )
        current.task_ref = task.pk
        current.status = StepStatus.TAKEN
        current.changed_at = at
        current.changed_by = actor.user
        current.save(update_fields=["task_ref", "status", "changed_at", "changed_by"])
        _audit(actor, Action.UPDATE, current, ["task_ref", "status"], at)
    return current


def refer(*, actor: Actor, step: NextStep, at: datetime) -> Referral | None:
    """One click: a draft referral for the step's need to the practice's first match in the
    directory (trusted partners first), linked to the step; the person then records consent on
    the referral's consent step — nothing is sent without it. None when the directory has no
    match: the person chooses the organization on the referral's start page."""
    _require(actor, step, Capability.REFERRAL_SEND)
    definition = definitions.STEPS[step.key]
    if not definition.need:
        raise ValidationError(_("This step is not a referral."))
    with transaction.atomic():
        current = _locked(step)
        if current.referral_id is not None:
            raise ValidationError(_("This step already has a referral."))
        screen = current.positive_screen
        child = screen.child
        hit = _first_match(definition.need, child, actor.practice)
        if hit is None or hit.organization is None:
            return None
        referral = referrals.start_referral(
            actor=actor,
            child=child,
            need=definition.need,
            organization=hit.organization,
            service=hit.service,
            reason=str(definition.label),
            source_administration=screen.administration,
            at=at,
        )
        current.referral = referral
        current.status = StepStatus.TAKEN
        current.changed_at = at
        current.changed_by = actor.user
        current.save(update_fields=["referral", "status", "changed_at", "changed_by"])
        _audit(actor, Action.UPDATE, current, ["referral", "status"], at)
    return referral


def _first_match(need: str, child: Any, practice: Practice | None) -> ServiceHit | None:
    zip_code = getattr(child, "zip_code", "") or None
    try:
        hits = directory.search_services(
            need=need, near_zip=zip_code, within_miles=25, practice=practice, limit=1
        )
    except UnknownZipError:
        hits = []
    if not hits:
        hits = directory.search_services(need=need, practice=practice, limit=1)
    hit = hits[0] if hits else None
    return hit if hit is not None and hit.organization is not None else None


def mark_done(*, actor: Actor, step: NextStep, at: datetime) -> NextStep:
    """The step was done (e.g. the warm hand-off happened): the screen is followed up."""
    _require(actor, step, Capability.SCREENING_RESULTS)
    with transaction.atomic():
        current = _locked(step)
        current.status = StepStatus.DONE
        current.done_at = at
        current.changed_at = at
        current.changed_by = actor.user
        current.save(update_fields=["status", "done_at", "changed_at", "changed_by"])
        _audit(actor, Action.UPDATE, current, ["status", "done_at"], at)
        settle(current.positive_screen, at=at)
    return current


def decline(*, actor: Actor, step: NextStep, reason: str, at: datetime) -> NextStep:
    """A clinician (the roles that may acknowledge alerts) declines a step, with the reason;
    the family may decline too, recorded without judgement (domain-reference §4)."""
    _require(actor, step, Capability.ALERT_ACKNOWLEDGE)
    reason = reason.strip()
    if len(reason) < DECLINE_REASON_MIN_LENGTH:
        raise ValidationError(
            {"reason": [_("Say why this step is declined (at least a few words).")]}
        )
    with transaction.atomic():
        current = _locked(step)
        current.status = StepStatus.DECLINED
        current.decline_reason = reason
        current.changed_at = at
        current.changed_by = actor.user
        current.save(update_fields=["status", "decline_reason", "changed_at", "changed_by"])
        _audit(actor, Action.UPDATE, current, ["status", "decline_reason"], at)
        settle(current.positive_screen, at=at)
    return current


# --- The outcome ------------------------------------------------------------------------------


def _done_at(step: NextStep, tasks_done: dict) -> datetime | None:
    """When the step was done: marked done, its task done, or its referral sent."""
    if step.status == StepStatus.DONE and step.done_at:
        return step.done_at
    if step.task_ref is not None and step.task_ref in tasks_done:
        return tasks_done[step.task_ref]
    referral = step.referral
    if (
        referral is not None
        and referral.requested_at is not None
        and referral.status != ReferralStatus.ENTERED_IN_ERROR
    ):
        return referral.requested_at
    return None


def settle(screen: PositiveScreen, *, at: datetime) -> PositiveScreen:
    """Bring the steps and the screen's outcome up to date (docs/clinical-rules.md#next-steps):
    a step is done when marked done, its task done, or its referral sent (a referral started
    from the screen's page for the step's need counts as the step's); the screen is followed up
    on the day its first step was done, declined when every step was declined, else pending."""
    steps = list(screen.steps.select_related("referral").order_by("position"))
    tasks_done = tasks.done_at_of([step.task_ref for step in steps if step.task_ref])
    loose = {
        referral.need: referral
        for referral in Referral.objects.filter(
            source_administration_id=screen.administration_id, requested_at__isnull=False
        )
        .exclude(status=ReferralStatus.ENTERED_IN_ERROR)
        .order_by("-requested_at")
    }
    done: list[datetime] = []
    for step in steps:
        need = definitions.STEPS[step.key].need if step.key in definitions.STEPS else ""
        if step.referral_id is None and step.status != StepStatus.DECLINED and need in loose:
            step.referral = loose[need]
            step.save(update_fields=["referral"])
        when = None if step.status == StepStatus.DECLINED else _done_at(step, tasks_done)
        if when is not None:
            done.append(when)
            if step.status != StepStatus.DONE:
                step.status = StepStatus.DONE
                step.done_at = when
                step.save(update_fields=["status", "done_at"])
    outcome, outcome_at = Outcome.PENDING, None
    if done:
        outcome, outcome_at = Outcome.FOLLOWED_UP, min(done)
    elif steps and all(step.status == StepStatus.DECLINED for step in steps):
        outcome = Outcome.DECLINED
        outcome_at = max(step.changed_at or at for step in steps)
    followed_up_on = (
        clock.local_date(outcome_at)
        if outcome == Outcome.FOLLOWED_UP and outcome_at is not None
        else None
    )
    if (screen.outcome, screen.outcome_at, screen.followed_up_on) != (
        outcome,
        outcome_at,
        followed_up_on,
    ):
        screen.outcome, screen.outcome_at, screen.followed_up_on = (
            outcome,
            outcome_at,
            followed_up_on,
        )
        screen.save(update_fields=["outcome", "outcome_at", "followed_up_on"])
        record(
            actor=system_actor(screen.practice),
            action=Action.UPDATE,
            object_type=POSITIVE_OBJECT,
            object_id=screen.pk,
            at=at,
            practice=screen.practice,
            detail={"child": str(screen.child_id), "fields": ["outcome"], "outcome": outcome},
        )
    return screen


def settle_pending(*, now: datetime, practice: Practice | None = None) -> int:
    """The periodic sweep: settle every pending screen (a referral sent or a task done since);
    how many changed outcome."""
    pending = PositiveScreen.objects.filter(outcome=Outcome.PENDING).select_related("practice")
    if practice is not None:
        pending = pending.filter(practice=practice)
    changed = 0
    for screen in pending.iterator():
        with transaction.atomic():
            if settle(screen, at=now).outcome != Outcome.PENDING:
                changed += 1
    return changed
