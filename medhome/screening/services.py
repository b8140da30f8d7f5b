"""Every write of screening: send a link, save and submit answers, raise and acknowledge alerts.

One function per use case, in one transaction, audited. Answers are validated against the
instrument before anything is stored, so bad input leaves nothing half-saved.
"""

from collections.abc import Mapping
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.languages import normalize_language
from medhome.families.models import Caregiver, Child
from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Respondent, is_confidential
from medhome.instruments.scoring import InvalidAnswers, Outcome, score, validate
from medhome.instruments.texts import staff_entry_only
from medhome.periodicity.services import record_completion
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose

from . import alerts, due, hooks, rules
from .alerts import ALERT_OBJECT
from .models import Administration, CriticalAlert, LinkScreeners, Mode, Status

SCREENING_OBJECT = "screening"
ALERT_KINDS = frozenset({"self_harm", "safety"})
# The next step a band calls for, when it is another form given at the same visit
# (docs/clinical-rules.md#screening-row-done).
FOLLOW_UP_INSTRUMENT = {
    "give_phq9": "phq9",
    "give_gad7": "gad7",
    "mchat_followup": "mchat_rf_followup",
}


class AlreadySubmitted(Exception):
    pass


class AwaitingAcknowledgement(Exception):
    """Staff entry with a critical answer: a clinician acknowledges before it completes.

    `complete` is False when the refused submit was of an incomplete form: a partial submit
    would otherwise close the form around an alert nobody has seen (issue 14 finding 4)."""

    def __init__(self, complete: bool = True) -> None:
        super().__init__("awaiting acknowledgement")
        self.complete = complete


def _require(actor: Actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied


# --- Sending ------------------------------------------------------------------------------


def check_choice(
    child: Child,
    instrument: Instrument,
    respondent: Respondent,
    *,
    override_reason: str,
    on: date,
    family: bool,
) -> str | None:
    """Why this instrument cannot be given now by this respondent, or None."""
    allowed = instrument.respondents or frozenset({instrument.respondent})
    if family and (respondent == Respondent.ADOLESCENT or instrument.confidential):
        return _(
            "%(name)s is the adolescent's own confidential screen: give it in clinic on the "
            "tablet, not through a link to a caregiver's phone."
        ) % {"name": instrument.name}
    if respondent not in allowed or respondent == Respondent.STAFF:
        return _("%(name)s is not answered by this person.") % {"name": instrument.name}
    if due.remembered(
        ("staff_entry_only", instrument.key, child.practice_id),
        lambda: staff_entry_only(instrument, child.practice),
    ):
        return _(
            "%(name)s cannot be given to a family to read: its wording is licensed and this "
            "practice has not loaded it. Enter it from the paper form instead."
        ) % {"name": instrument.name}
    if not due.is_due(child, instrument, on, respondent) and (
        len(override_reason.strip()) < rules.rule("override_reason_min_length")
    ):
        return _(
            "%(name)s is not due for this child today. To give it anyway, write the reason."
        ) % {"name": instrument.name}
    return None


def parse_choice(value: str) -> tuple[Instrument, Respondent]:
    """ "phq9:adolescent" (or a bare key: the instrument's usual respondent)."""
    key, _sep, who = value.partition(":")
    instrument = registry.get(key)
    try:
        return instrument, Respondent(who) if who else instrument.respondent
    except ValueError as unknown:
        raise registry.UnknownInstrument(value) from unknown


def create_link(
    *,
    actor: Actor,
    child: Child,
    instrument_keys: list[str],
    caregiver: Caregiver | None,
    language: str,
    channel: str,
    override_reason: str = "",
    at: datetime,
) -> tuple[FamilyLink, str]:
    """A one-time link to these screeners for one caregiver (medhome.portal keeps the link);
    returns the token, which is shown once and never stored."""
    _require(actor, Capability.SCREENING_SEND)
    errors: dict[str, list[str]] = {}
    if not instrument_keys:
        errors["instruments"] = [_("Choose at least one screener to send.")]
    keys: list[str] = []
    not_due: list[str] = []
    on = clock.local_date(at)
    for value in instrument_keys:
        try:
            instrument, respondent = parse_choice(value)
        except registry.UnknownInstrument:
            errors.setdefault("instruments", []).append(_("Unknown screener."))
            continue
        problem = check_choice(
            child,
            instrument,
            respondent,
            override_reason=override_reason,
            on=on,
            family=True,
        )
        if problem:
            errors.setdefault("instruments", []).append(problem)
        elif not due.is_due(child, instrument, on, respondent):
            not_due.append(instrument.key)
        keys.append(instrument.key)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link, token = links.issue_link(
            actor=actor,
            purpose=Purpose.SCREENING,
            child=child,
            caregiver=caregiver,
            language=language,
            channel=channel,
            at=at,
            detail={
                "instruments": list(dict.fromkeys(keys)),
                "override": bool(not_due and override_reason.strip()),
            },
        )
        LinkScreeners.objects.create(
            link=link,
            instruments=list(dict.fromkeys(keys)),
            # A reason given with only due screeners explains nothing: it is not kept.
            override_reason=override_reason.strip() if not_due else "",
            not_due=list(dict.fromkeys(not_due)),
        )
    return link, token


def link_has_alert(link: FamilyLink) -> bool:
    return CriticalAlert.objects.filter(administration__link=link).exists()


# --- Answering ----------------------------------------------------------------------------


def start_administration(
    *,
    actor: Actor,
    child: Child,
    choice: str,
    mode: str,
    caregiver: Caregiver | None = None,
    language: str = "en",
    override_reason: str = "",
    follows: Administration | None = None,
    at: datetime,
) -> Administration:
    """Staff start a form in clinic: handed to the family on a tablet, or keyed in."""
    _require(
        actor,
        Capability.SCREENING_DETAIL if mode == Mode.STAFF_ENTRY else Capability.SCREENING_SEND,
    )
    try:
        instrument, respondent = parse_choice(choice)
    except registry.UnknownInstrument as unknown:
        raise ValidationError({"instrument": [_("Unknown screener.")]}) from unknown
    is_follow_up = (
        follows is not None and FOLLOW_UP_INSTRUMENT.get(follows.next_step) == instrument.key
    )
    problem = None
    if respondent == Respondent.STAFF and mode != Mode.STAFF_ENTRY:
        problem = _("%(name)s is entered by staff.") % {"name": instrument.name}
    elif mode == Mode.TABLET:
        problem = check_choice(
            child,
            instrument,
            respondent,
            override_reason=override_reason,
            on=clock.local_date(at),
            family=False,
        )
    elif not is_follow_up and respondent != Respondent.STAFF:
        on = clock.local_date(at)
        if not due.is_due(child, instrument, on, respondent) and (
            len(override_reason.strip()) < rules.rule("override_reason_min_length")
        ):
            problem = _(
                "%(name)s is not due for this child today. To give it anyway, write the reason."
            ) % {"name": instrument.name}
    if problem:
        raise ValidationError({"instrument": [problem]})
    # The reason explains a screener given although not due; on a due one it is not kept
    # (docs/clinical-rules.md#not-due-reason).
    given_not_due = not due.is_due(child, instrument, clock.local_date(at), respondent)
    if respondent == Respondent.ADOLESCENT:
        caregiver = None  # the adolescent answers for themself
    if caregiver is not None and caregiver.family_id != child.family_id:
        raise ValidationError({"caregiver": [_("Choose a caregiver of this child's family.")]})
    with transaction.atomic():
        administration = Administration.objects.create(
            practice=child.practice,
            child=child,
            follows=follows if is_follow_up else None,
            instrument_key=instrument.key,
            instrument_version=instrument.version,
            mode=mode,
            respondent=respondent,
            caregiver=caregiver,
            entered_by=actor.user if mode == Mode.STAFF_ENTRY else None,
            language=normalize_language(language) or "en",
            override_reason=override_reason.strip() if given_not_due else "",
            confidential=is_confidential(instrument, respondent),
            form_age_months=due.form_months(child, instrument, clock.local_date(at)),
            started_at=at,
            updated_at=at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=SCREENING_OBJECT,
            object_id=administration.pk,
            at=at,
            detail={"child": str(child.pk), "instrument": instrument.key, "mode": mode},
        )
    return administration


def family_administration(link: FamilyLink, instrument_key: str, *, at: datetime) -> Administration:
    """The link's form for this instrument, created on first opening."""
    instrument = registry.get(instrument_key)
    with transaction.atomic():
        administration, _created = Administration.objects.get_or_create(
            practice=link.practice,
            link=link,
            instrument_key=instrument.key,
            defaults={
                "child": link.child,
                "instrument_version": instrument.version,
                "mode": Mode.FAMILY_LINK,
                "respondent": Respondent.CAREGIVER,
                "caregiver": link.caregiver,
                "language": link.language,
                # The reason goes with the screeners sent although not due, not the others.
                "override_reason": (
                    link.screeners.override_reason
                    if instrument.key in link.screeners.not_due
                    else ""
                ),
                "confidential": is_confidential(instrument, Respondent.CAREGIVER),
                "form_age_months": due.form_months(link.child, instrument, clock.local_date(at)),
                "started_at": at,
                "updated_at": at,
            },
        )
    return administration


def save_answers(
    *,
    actor: Actor,
    administration: Administration,
    answers: Mapping[str, str],
    submit: bool,
    at: datetime,
) -> Administration:
    """Validate, merge and keep the answers; on submit, score a complete form (an incomplete one
    is kept as partial and not scored). Critical answers raise an alert on every save."""
    instrument = registry.get(administration.instrument_key)
    given = {key: value.strip() for key, value in answers.items() if value is not None}
    errors = validate(instrument, {key: value for key, value in given.items() if value})
    if errors:
        raise InvalidAnswers(errors)
    with transaction.atomic():
        current = Administration.objects.select_for_update().get(pk=administration.pk)
        if current.status == Status.SCORED:
            raise AlreadySubmitted
        merged = {**current.answers, **given}
        current.answers = {key: value for key, value in merged.items() if value}
        outcome = score_of(current, instrument)
        raised = raise_alerts(actor, current, outcome, at=at)
        current.updated_at = at
        fields = ["answers", "updated_at"]
        # Staff entry with an open critical alert waits for a clinician
        # (docs/clinical-rules.md#critical-answers), complete or not: the form stays in progress
        # (answers and alert kept, nothing submitted, no row completed) until it is acknowledged.
        blocked = submit and current.mode == Mode.STAFF_ENTRY and _has_open_alert(current)
        if submit and not blocked:
            fields += record_submission(actor, current, instrument, outcome, at=at)
        current.save(update_fields=fields)
        _audit_save(actor, current, at=at, fields=fields, alerts=raised)
        if current.status == Status.SCORED:
            hooks.scored(actor, current, at)
        if submit and not blocked and current.link_id:
            _finish_link_when_done(current.link_id, at=at)
    if blocked:
        raise AwaitingAcknowledgement(complete=outcome.complete)
    return current


def score_of(administration: Administration, instrument: Instrument) -> Outcome:
    """The outcome of the form's answers as they stand (age-keyed cut-offs by its respondent)."""
    return score(
        instrument,
        administration.answers,
        respondent=Respondent(administration.respondent),
        age_years=due.scoring_age(administration),
        age_months=administration.form_age_months,
        # An imported form can never be finished (it is not rewritten), and medhome's own export
        # leaves the safety items out; a form in clinic can still be finished in private, so it
        # stays partial (docs/clinical-rules.md#imported-screens).
        allow_unasked=administration.mode == Mode.IMPORTED,
    )


def record_submission(
    actor: Actor,
    administration: Administration,
    instrument: Instrument,
    outcome: Outcome,
    *,
    at: datetime,
    answered_at: datetime | None = None,
) -> list[str]:
    """Submit a form answered at `answered_at` (by default now, `at`): a complete one is scored
    and completes its schedule rows; the names of the fields set."""
    administration.submitted_at = answered_at or at
    administration.administered_on = clock.local_date(administration.submitted_at)
    if not outcome.complete:
        administration.status = Status.PARTIAL
        return ["submitted_at", "administered_on", "status"]
    administration.status = Status.SCORED
    administration.total = outcome.total
    administration.subscores = dict(outcome.subscores)
    administration.band = outcome.band
    administration.positive = outcome.positive
    administration.next_step = outcome.next_step
    administration.next_step_pending = outcome.next_step_pending
    administration.critical = [
        {"item": critical.link_id, "kind": critical.kind} for critical in outcome.critical
    ]
    administration.positive_domains = list(outcome.positive_domains)
    administration.not_determined_domains = list(outcome.not_determined) or None
    administration.cpt = outcome.cpt
    administration.icd10 = outcome.icd10
    rows = due.recorded_rows(
        instrument, administration.respondent, pending=outcome.next_step_pending
    )
    for row in sorted(rows):
        completion = record_completion(
            child=administration.child,
            row=row,
            done_on=administration.administered_on,
            next_step_pending=outcome.next_step_pending,
            source="instrument",
            source_id=administration.pk,
            recorded_at=at,
        )
        administration.visit_key = completion.visit_key or ""
    if administration.follows_id:
        _close_next_step(administration.follows_id, at=at)
    return [
        "submitted_at",
        "administered_on",
        "status",
        "total",
        "subscores",
        "band",
        "positive",
        "next_step",
        "next_step_pending",
        "critical",
        "positive_domains",
        "not_determined_domains",
        "cpt",
        "icd10",
        "visit_key",
    ]


def _close_next_step(administration_id: UUID, *, at: datetime) -> None:
    """The follow-up form was given: the first form's row is done, not pending."""
    first = Administration.objects.select_for_update().get(pk=administration_id)
    if not first.next_step_pending:
        return
    first.next_step_pending = False
    first.save(update_fields=["next_step_pending"])
    if first.administered_on is None:
        return
    instrument = registry.get(first.instrument_key)
    for row in sorted(due.recorded_rows(instrument, first.respondent, pending=True)):
        record_completion(
            child=first.child,
            row=row,
            done_on=first.administered_on,
            next_step_pending=False,
            source="instrument",
            source_id=first.pk,
            recorded_at=at,
        )


def follow_up_of(administration: Administration) -> dict[str, str] | None:
    """The form that completes a pending next step, as a start-form choice and mode."""
    key = FOLLOW_UP_INSTRUMENT.get(administration.next_step)
    if not administration.next_step_pending or key is None:
        return None
    instrument = registry.get(key)
    if instrument.respondent == Respondent.STAFF:
        return {
            "choice": f"{key}:{Respondent.STAFF}",
            "mode": Mode.STAFF_ENTRY,
            "name": instrument.name,
        }
    mode = (
        Mode.STAFF_ENTRY if staff_entry_only(instrument, administration.practice) else Mode.TABLET
    )
    return {"choice": f"{key}:{administration.respondent}", "mode": mode, "name": instrument.name}


def _has_open_alert(administration: Administration) -> bool:
    return administration.alerts.filter(acknowledged_at__isnull=True).exists()


def raise_alerts(
    actor: Actor, administration: Administration, outcome: Outcome, *, at: datetime
) -> list[CriticalAlert]:
    """One alert per administration for each newly critical item; never a second for the same."""
    findings = [c for c in outcome.critical if c.kind in ALERT_KINDS]
    already = {item for alert in administration.alerts.all() for item in alert.items}
    new = [c for c in findings if c.link_id not in already]
    if not new:
        return []
    alert = CriticalAlert.objects.create(
        practice=administration.practice,
        administration=administration,
        child=administration.child,
        kinds=sorted({c.kind for c in new}),
        items=[c.link_id for c in new],
        raised_at=at,
        escalate_at=alerts.escalate_at_for(administration.practice, at),
    )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=ALERT_OBJECT,
        object_id=alert.pk,
        at=at,
        practice=administration.practice,
        detail={"child": str(administration.child_id), "kinds": alert.kinds},
    )
    return [alert]


def _audit_save(
    actor: Actor,
    administration: Administration,
    *,
    at: datetime,
    fields: list[str],
    alerts: list[CriticalAlert] | None = None,
) -> None:
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=SCREENING_OBJECT,
        object_id=administration.pk,
        at=at,
        practice=administration.practice,
        detail={
            "child": str(administration.child_id),
            "fields": fields,
            "status": administration.status,
        },
    )


def _finish_link_when_done(link_id: UUID, *, at: datetime) -> None:
    """A link is used up once every screener on it has been submitted."""
    submitted = set(
        Administration.objects.filter(link_id=link_id)
        .exclude(status=Status.IN_PROGRESS)
        .values_list("instrument_key", flat=True)
    )
    asked = LinkScreeners.objects.get(link_id=link_id).instruments
    links.finish_link(link_id=link_id, done=set(asked) <= submitted, at=at)


# --- Alerts -------------------------------------------------------------------------------


def acknowledge_alert(
    *, actor: Actor, alert: CriticalAlert, action_taken: str, at: datetime
) -> CriticalAlert:
    alerts.check_may_acknowledge(actor, alert)
    action_taken = action_taken.strip()
    if len(action_taken) < 5:
        raise ValidationError(
            {"action_taken": [_("Say what was done for the family (at least a few words).")]}
        )
    with transaction.atomic():
        current = CriticalAlert.objects.select_for_update().get(pk=alert.pk)
        if current.acknowledged_at is not None:
            raise ValidationError(
                {"action_taken": [_("This alert was already acknowledged by a colleague.")]}
            )
        current.acknowledged_at = at
        current.acknowledged_by = actor.user
        current.action_taken = action_taken
        current.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=ALERT_OBJECT,
            object_id=current.pk,
            at=at,
            detail={"child": str(current.child_id), "fields": ["acknowledged_at", "action_taken"]},
        )
        alerts.settle_tasks_of(current, actor=actor, at=at)
    return current


def record_result_opened(*, actor: Actor, administration: Administration, at: datetime) -> None:
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=SCREENING_OBJECT,
        object_id=administration.pk,
        at=at,
        detail={"child": str(administration.child_id)},
    )


def record_list_opened(*, actor: Actor, list_name: str, count: int, at: datetime) -> None:
    """A list of children was shown: who looked and how many rows, never the names."""
    record(
        actor=actor,
        action=Action.SEARCH,
        object_type=list_name,
        at=at,
        detail={"results": count},
    )


def record_opened(
    *, actor: Actor, object_type: str, object_id: object, child_id: object, at: datetime
) -> None:
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=object_type,
        object_id=object_id,
        at=at,
        detail={"child": str(child_id)},
    )
