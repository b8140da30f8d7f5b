"""What staff record at the visit to close schedule rows the EHR cannot
(docs/clinical-rules.md#ehr-completions, docs/clinical-rules.md#anticipatory-guidance):
anticipatory guidance topics discussed, a row done elsewhere (school, WIC, another clinic), and
an immunization row *addressed* (catch-up plan made, or declined). One service per use case,
each validated, written and audited in one transaction."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.periodicity.models import RowCompletion, Source
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import visit_for_day

from .guidance import topics_at

GUIDANCE_ROW = "anticipatory_guidance"
IMMUNIZATION_ROW = "immunization"
GUIDANCE_PREFIX = "topics:"
ADDRESSED_PREFIX = "addressed:"
PLACES: dict[str, Promise] = {
    "school": _("School"),
    "wic": _("WIC"),
    "other_clinic": _("Another clinic"),
    "other": _("Somewhere else"),
}
ADDRESSED: dict[str, Promise] = {
    "catch_up_plan": _("Reviewed: catch-up plan made"),
    "declined": pgettext_lazy("immunization", "Declined"),
}
# Rows a family may have done outside the practice; the visit itself, history, exam and
# guidance are the practice's own.
NOT_ELSEWHERE = frozenset({"preventive_visit", "history", "physical_exam", GUIDANCE_ROW})


def _audit(actor: Actor, completion: RowCompletion, at: datetime, action: Action) -> None:
    record(
        actor=actor,
        action=action,
        object_type="row_completion",
        object_id=completion.pk,
        at=at,
        detail={
            "child": str(completion.child_id),
            "row": completion.row,
            "visit": completion.visit_key,
            "source": completion.source,
            "detail": completion.source_detail.split(" — ")[0],
        },
    )


def _visit_key(child: Child, day: date) -> str:
    visit = visit_for_day(child.date_of_birth, day, discharged_on=child.birth_discharged_on)
    if visit is None:
        raise ValidationError(_("That date is outside every well-child visit of this child."))
    return visit.key


def _staff_row(
    *, actor: Actor, child: Child, row: str, visit_key: str, day: date, detail: str, at: datetime
) -> RowCompletion:
    """One staff completion per (row, visit, kind): a second save replaces the first."""
    prefix = detail.split(":")[0] + ":"
    existing = (
        RowCompletion.objects.select_for_update()
        .filter(
            practice_id=child.practice_id,
            child=child,
            row=row,
            visit_key=visit_key,
            source=Source.MANUAL,
            source_detail__startswith=prefix,
        )
        .first()
    )
    if existing is not None:
        existing.done_on, existing.source_detail, existing.recorded_at = day, detail, at
        existing.save(update_fields=["done_on", "source_detail", "recorded_at"])
        _audit(actor, existing, at, Action.UPDATE)
        return existing
    completion = RowCompletion.objects.create(
        practice_id=child.practice_id,
        child=child,
        row=row,
        visit_key=visit_key,
        done_on=day,
        source=Source.MANUAL,
        source_detail=detail,
        schedule_version=current_schedule(day).version,
        recorded_at=at,
    )
    _audit(actor, completion, at, Action.CREATE)
    return completion


@transaction.atomic
def record_guidance(
    *, actor: Actor, child: Child, topics: list[str], on: date, at: datetime
) -> RowCompletion:
    """Topics discussed at today's visit complete its anticipatory guidance row."""
    visit_key = _visit_key(child, on)
    offered = topics_at(visit_key)
    chosen = [t for t in offered if t in set(topics)]
    if not chosen or set(topics) - set(offered):
        raise ValidationError(_("Tick at least one topic of this visit."))
    return _staff_row(
        actor=actor,
        child=child,
        row=GUIDANCE_ROW,
        visit_key=visit_key,
        day=on,
        detail=GUIDANCE_PREFIX + ",".join(chosen),
        at=at,
    )


@transaction.atomic
def record_elsewhere(
    *,
    actor: Actor,
    child: Child,
    row: str,
    place: str,
    done_on: date,
    today: date,
    at: datetime,
) -> RowCompletion:
    """A row done at school, WIC or another clinic, counted for the visit whose window holds
    its date (a range, recurring or newborn row: anywhere in its span)."""
    schedule = current_schedule(done_on)
    try:
        schedule_row = schedule.row(row)
    except KeyError:
        raise ValidationError(_("Choose an item of the schedule.")) from None
    if row in NOT_ELSEWHERE:
        raise ValidationError(_("This item is done by the practice itself."))
    if place not in PLACES:
        raise ValidationError(_("Choose where it was done."))
    if done_on > today:
        raise ValidationError(_("The date cannot be in the future."))
    if done_on < child.date_of_birth:
        raise ValidationError(_("The date cannot be before the child was born."))
    visit_key = "" if schedule_row.is_span else _visit_key(child, done_on)
    if visit_key and visit_key not in schedule_row.visit_keys:
        raise ValidationError(_("This item is not part of the visit of that date."))
    completion = RowCompletion.objects.create(
        practice_id=child.practice_id,
        child=child,
        row=row,
        visit_key=visit_key,
        done_on=done_on,
        source=Source.ELSEWHERE,
        source_detail=place,
        schedule_version=schedule.version,
        recorded_at=at,
    )
    _audit(actor, completion, at, Action.CREATE)
    return completion


@transaction.atomic
def record_immunization_addressed(
    *, actor: Actor, child: Child, outcome: str, on: date, at: datetime
) -> RowCompletion:
    """ "Reviewed: catch-up plan made" or "declined" closes today's immunization row as
    addressed, shown apart from up to date."""
    if outcome not in ADDRESSED:
        raise ValidationError(_("Choose what was decided."))
    return _staff_row(
        actor=actor,
        child=child,
        row=IMMUNIZATION_ROW,
        visit_key=_visit_key(child, on),
        day=on,
        detail=ADDRESSED_PREFIX + outcome,
        at=at,
    )


def describe(completion: RowCompletion) -> str:
    """How a completion is shown on the chart: its source in the reader's language."""
    detail = completion.source_detail
    if completion.source == Source.ELSEWHERE:
        return str(_("Done elsewhere: %(place)s") % {"place": PLACES.get(detail, detail)})
    if detail.startswith(ADDRESSED_PREFIX):
        outcome = detail.removeprefix(ADDRESSED_PREFIX)
        return str(_("Addressed: %(outcome)s") % {"outcome": ADDRESSED.get(outcome, outcome)})
    if completion.source == Source.EHR:
        if completion.row == IMMUNIZATION_ROW:
            return str(_("Up to date (from the EHR)"))
        if completion.next_step_pending:
            return str(_("From the EHR: refer, next step pending"))
        return str(_("From the EHR"))
    if detail.startswith(GUIDANCE_PREFIX):
        return str(_("Topics discussed"))
    return str(completion.get_source_display())
