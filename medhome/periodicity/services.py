"""Writes and reads of row completions (the rest of the app is pure functions over them)."""

from datetime import date, datetime
from uuid import UUID

from django.db import transaction

from medhome.core import clock
from medhome.families.models import Child
from medhome.visits.models import Visit, VisitKind

from .engine import VISIT_ROW, ChildFacts, Completion
from .models import RowCompletion, Source
from .schedule import current_schedule
from .windows import visit_for_day


@transaction.atomic
def record_completion(
    *,
    child: Child,
    row: str,
    done_on: date,
    next_step_pending: bool = False,
    source: str,
    source_id: UUID | None = None,
    recorded_at: datetime,
    visit_key: str | None = None,
) -> RowCompletion:
    """Record that a row was done on a date. Idempotent per (source_id, row): a later call for
    the same administration updates it (e.g. the M-CHAT Follow-Up closes the next step).

    A visit row counts only for the visit whose window contains `done_on`
    (docs/clinical-rules.md#screening-row-done), so the visit key is computed from the birth date
    and the birth-hospital discharge (which moves the 3–5 day / 1 month boundary) unless the
    caller knows better.
    """
    schedule = current_schedule(done_on)
    schedule_row = schedule.row(row)  # KeyError: not a row of the schedule
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    if schedule_row.is_span:
        visit_key = ""
    elif visit_key is None:
        visit = visit_for_day(
            child.date_of_birth,
            done_on,
            discharged_on=child.birth_discharged_on,
            schedule=schedule,
        )
        if visit is None:
            raise ValueError(f"{done_on} is outside every visit window of this child")
        visit_key = visit.key
    values = {
        "visit_key": visit_key,
        "done_on": done_on,
        "next_step_pending": next_step_pending,
        "source": source,
        "schedule_version": schedule.version,
        "recorded_at": recorded_at,
    }
    if source_id is not None:
        existing = (
            RowCompletion.objects.select_for_update()
            .filter(child=child, source_id=source_id, row=row)
            .first()
        )
        if existing is not None:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(values))
            return existing
    return RowCompletion.objects.create(
        practice_id=child.practice_id, child=child, row=row, source_id=source_id, **values
    )


def completions_for(child: Child) -> list[Completion]:
    return [
        Completion(row=r, visit_key=v or None, done_on=d, next_step_pending=p)
        for r, v, d, p in RowCompletion.objects.filter(child=child)
        .order_by("done_on", "row")
        .values_list("row", "visit_key", "done_on", "next_step_pending")
    ]


def facts_for(child: Child, *, not_applicable: frozenset[str] = frozenset()) -> ChildFacts:
    """The engine's facts from the chart (joined = the record's creation date)."""
    return ChildFacts(
        birth_date=child.date_of_birth,
        sex_at_birth=child.sex_at_birth,
        gestational_age_weeks=child.gestational_age_weeks,
        gestational_age_days=child.gestational_age_days,
        not_applicable=not_applicable,
        joined_practice_on=child.created_at.date() if child.created_at else None,
        discharged_on=child.birth_discharged_on,
    )


def record_visit_row(visit: Visit, at: datetime) -> None:
    """A well-child (or group well-child) visit completed in medhome completes the schedule's
    preventive-visit row for the visit whose window holds its day (visits.hooks). Visits from
    the EHR get theirs from ehr.completions."""
    if visit.kind not in (VisitKind.WELL_CHILD, VisitKind.GROUP) or visit.external_id:
        return
    record_completion(
        child=visit.child,
        row=VISIT_ROW,
        done_on=clock.local_date(visit.starts_at),
        source=Source.VISIT,
        source_id=visit.pk,
        recorded_at=at,
    )
