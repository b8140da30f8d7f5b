"""Schedule rows completed by the EHR's record (docs/clinical-rules.md#ehr-completions).

`refresh_completions` recomputes, for a batch of children, every RowCompletion with
source=EHR from their observations, immunizations and procedures, and writes only the
difference: one query per table for the batch, one bulk delete and one bulk insert, one audit
event per child whose completions changed. Re-running it on unchanged records writes nothing.
The rules themselves are `completions_from_records`, a pure function.

A completed well-child visit that came from the EHR (an Encounter, a fulfilled Appointment, an
SIU completion: a visit with the sender's id) completes the schedule's preventive-visit row of
the visit whose window holds its day, with the visit as its source_id; a visit recorded by hand
in medhome gets that row from `timeline` instead.
"""

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db import transaction

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.core.copy import insert_values
from medhome.core.ids import new_ids
from medhome.families.models import Child
from medhome.families.services import CHILD_OBJECT
from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.models import RowCompletion, Source
from medhome.periodicity.schedule import Schedule, current_schedule
from medhome.periodicity.windows import Window, windows_for
from medhome.practices.models import Practice
from medhome.visits.models import Visit, VisitKind, VisitStatus

from .immunizations import DoseTable, dose_table, up_to_date_on
from .models import Immunization, Observation, ObservationKind, Procedure
from .rules import CompletionRules, current_completion_rules

IMMUNIZATION_ROW = "immunization"
K = ObservationKind
LENGTHS = frozenset({K.LENGTH, K.HEIGHT})


@dataclass(frozen=True, order=True)
class Wanted:
    """One completion the records call for (the diff key of refresh_completions)."""

    row: str
    visit_key: str  # "" for range, recurring and newborn rows
    done_on: date
    next_step_pending: bool
    source_detail: str
    source_id: UUID | None = None  # the visit of a preventive-visit row


@dataclass(frozen=True)
class Records:
    """One child's EHR record, reduced to what the rules read."""

    observations: Sequence[tuple[str, str, str, date]]  # kind, code, interpretation, date
    immunizations: Sequence[tuple[str, date]]  # CVX, given on (completed only)
    procedures: Sequence[tuple[str, date]]  # code, performed on
    well_visits: Sequence[tuple[UUID, date]] = ()  # completed EHR well-child visits: id, day


class _Visits:
    """A child's visit windows, with the visit whose window holds a day found by bisection."""

    def __init__(self, timed: list[tuple[str, Window]]):
        self.timed = timed
        self.opens = [w.opens for _, w in timed]

    def holding(self, day: date) -> tuple[str, Window] | None:
        index = bisect.bisect_right(self.opens, day) - 1
        if index < 0:
            return None
        key, window = self.timed[index]
        return (key, window) if day in window else None


def completions_from_records(
    *,
    birth_date: date,
    discharged_on: date | None,
    records: Records,
    schedule: Schedule,
    rules: CompletionRules,
    table: DoseTable | None = None,
) -> set[Wanted]:
    """Every row the records complete, each at the visit whose window holds its date."""
    visits = _Visits(
        [
            (v.key, w)
            for v, w in windows_for(birth_date, schedule=schedule, discharged_on=discharged_on)
        ]
    )
    out: set[Wanted] = set()
    out |= _measurements(records, visits, schedule, rules)
    out |= _newborn(records, rules)
    out |= _fluoride(records, visits, schedule, rules)
    out |= _immunizations(birth_date, records, visits, schedule, table or dose_table())
    out |= _preventive_visits(records, visits)
    return out


def _preventive_visits(records: Records, visits: _Visits) -> set[Wanted]:
    """The preventive-visit row of each visit window holding a completed well-child visit
    (the first one, when two fall in one window)."""
    first: dict[str, tuple[date, UUID]] = {}
    for visit_id, day in records.well_visits:
        held = visits.holding(day)
        if held is not None and (held[0] not in first or (day, visit_id) < first[held[0]]):
            first[held[0]] = (day, visit_id)
    return {
        Wanted(VISIT_ROW, key, day, False, "well-child visit", visit_id)
        for key, (day, visit_id) in first.items()
    }


def _applies(schedule: Schedule, row: str, visit_key: str) -> bool:
    return visit_key in schedule.row(row).visit_keys


def _screen(found: list[tuple[date, str]], rules: CompletionRules) -> tuple[date, bool]:
    """A pass wins over a refer in the same window (a rescreen); else the refer's next step
    (eye or audiology evaluation) stays pending."""
    passed = [d for d, result in found if result not in rules.refer_results]
    if passed:
        return max(passed), False
    return max(d for d, _ in found), True


def _measurements(
    records: Records, visits: _Visits, schedule: Schedule, rules: CompletionRules
) -> set[Wanted]:
    by_visit: dict[str, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    screens: dict[tuple[str, str], list[tuple[date, str]]] = defaultdict(list)
    newborn_codes = {
        *rules.newborn_hearing_codes,
        *rules.newborn_blood_codes,
        *rules.newborn_cchd_codes,
    }
    for kind, code, result, day in records.observations:
        held = visits.holding(day)
        if held is None or code in newborn_codes:
            continue
        by_visit[held[0]][kind].append(day)
        if kind == K.VISION or code in rules.vision_cpt:
            screens[("vision", held[0])].append((day, result))
        if kind == K.HEARING or code in rules.hearing_cpt:
            screens[("hearing", held[0])].append((day, result))
    for code, day in records.procedures:
        held = visits.holding(day)
        if held is None:
            continue
        if code in rules.vision_cpt:
            screens[("vision", held[0])].append((day, ""))
        if code in rules.hearing_cpt:
            screens[("hearing", held[0])].append((day, ""))

    out: set[Wanted] = set()
    for visit_key, kinds in by_visit.items():

        def last(*wanted: str, kinds: dict[str, list[date]] = kinds) -> date | None:
            days = [d for k in wanted for d in kinds.get(k, [])]
            return max(days) if days else None

        weight, length = last(K.WEIGHT), last(*LENGTHS)
        pair = max(weight, length) if weight and length else None
        # Rows that need two measurements need both; weight-for-length and BMI are computed
        # from them (docs/clinical-rules.md#ehr-completions).
        bmi = pair or last(K.BMI)
        systolic, diastolic = last(K.BP_SYSTOLIC), last(K.BP_DIASTOLIC)
        found: dict[str, date | None] = {
            "length_weight": pair,
            "weight_for_length": pair,
            "bmi": bmi,
            "head_circumference": last(K.HEAD_CIRCUMFERENCE),
            "blood_pressure": max(systolic, diastolic) if systolic and diastolic else None,
            "anemia": last(K.HEMOGLOBIN),
            "lead": last(K.LEAD) if visit_key in rules.lead_blood_test_visits else None,
        }
        for row, measured in found.items():
            if measured is not None and _applies(schedule, row, visit_key):
                out.add(Wanted(row, visit_key, measured, False, "observation"))
    for (row, visit_key), results in screens.items():
        day, pending = _screen(results, rules)
        if _applies(schedule, row, visit_key):
            out.add(Wanted(row, visit_key, day, pending, "screen"))
        if row == "hearing":
            # The adolescent audiometry rows are ranges: done once anywhere in their span.
            for span_row in ("hearing_11_14", "hearing_15_17", "hearing_18_21"):
                if visit_key in schedule.row_visits(schedule.row(span_row)):
                    out.add(Wanted(span_row, "", day, pending, "screen"))
    return out


def _newborn(records: Records, rules: CompletionRules) -> set[Wanted]:
    """A hospital result of any date completes the office's confirmation row; a refer stays
    open as a next step; no result, no completion."""
    codes = {
        "newborn_hearing": rules.newborn_hearing_codes,
        "newborn_blood": rules.newborn_blood_codes,
        "newborn_cchd": rules.newborn_cchd_codes,
    }
    out: set[Wanted] = set()
    for row, row_codes in codes.items():
        found = [
            (day, result) for _, code, result, day in records.observations if code in row_codes
        ]
        if found:
            day, pending = _screen(found, rules)
            out.add(Wanted(row, "", day, pending, "hospital result"))
    return out


def _fluoride(
    records: Records, visits: _Visits, schedule: Schedule, rules: CompletionRules
) -> set[Wanted]:
    """Each application inside the row's span is a completion; the engine counts the row done
    while the last one is within the preceding `fluoride_varnish_every_months`
    (docs/clinical-rules.md#recurring-rows)."""
    row = schedule.row("fluoride_varnish")
    span = set(schedule.row_visits(row))
    out: set[Wanted] = set()
    for code, day in records.procedures:
        held = visits.holding(day)
        if code in rules.fluoride_codes and held is not None and held[0] in span:
            out.add(Wanted(row.key, "", day, False, "procedure"))
    return out


def _immunizations(
    birth_date: date, records: Records, visits: _Visits, schedule: Schedule, table: DoseTable
) -> set[Wanted]:
    """Up to date at a visit: every dose due by its nominal age, given by the end of its window
    (influenza and COVID-19 are not in the table). The completion is dated the day the child
    was up to date, or the window's opening if earlier."""
    if not records.immunizations:
        return set()
    order = {key: position for position, (key, _) in enumerate(visits.timed)}
    out: set[Wanted] = set()
    for visit_key, window in visits.timed:
        if not _applies(schedule, IMMUNIZATION_ROW, visit_key):
            continue
        reached = up_to_date_on(
            birth_date=birth_date,
            visit_key=visit_key,
            order=order,
            window_closes=window.closes,
            given=records.immunizations,
            table=table,
        )
        if reached is not None:
            out.add(
                Wanted(IMMUNIZATION_ROW, visit_key, max(reached, window.opens), False, "up to date")
            )
    return out


def _batch_records(practice: Practice, ids: list[UUID]) -> dict[UUID, Records]:
    observations: dict[UUID, list[tuple[str, str, str, date]]] = defaultdict(list)
    immunizations: dict[UUID, list[tuple[str, date]]] = defaultdict(list)
    procedures: dict[UUID, list[tuple[str, date]]] = defaultdict(list)
    for child_id, kind, code, result, day in Observation.objects.filter(
        practice=practice, child_id__any_of=ids
    ).values_list("child_id", "kind", "code", "interpretation", "effective_on"):
        observations[child_id].append((kind, code.strip(), result.strip().lower(), day))
    # "not-done" (refused, contraindicated) is kept on the chart and never counted.
    for child_id, cvx, day in Immunization.objects.filter(
        practice=practice, child_id__any_of=ids, status="completed"
    ).values_list("child_id", "cvx", "given_on"):
        immunizations[child_id].append((cvx, day))
    for child_id, code, day in Procedure.objects.filter(
        practice=practice, child_id__any_of=ids
    ).values_list("child_id", "code", "performed_on"):
        procedures[child_id].append((code.strip(), day))
    well_visits: dict[UUID, list[tuple[UUID, date]]] = defaultdict(list)
    for child_id, visit_id, starts_at in (
        Visit.objects.filter(
            practice=practice,
            child_id__any_of=ids,
            kind=VisitKind.WELL_CHILD,
            status=VisitStatus.COMPLETED,
        )
        .exclude(external_id="")
        .values_list("child_id", "pk", "starts_at")
    ):
        well_visits[child_id].append((visit_id, clock.local_date(starts_at)))
    return {
        i: Records(
            observations.get(i, []),
            immunizations.get(i, []),
            procedures.get(i, []),
            well_visits.get(i, []),
        )
        for i in ids
    }


def _label(w: Wanted) -> str:
    return f"{w.row}@{w.visit_key}" if w.visit_key else w.row


@transaction.atomic
def refresh_completions(
    *,
    practice: Practice,
    child_ids: Iterable[UUID],
    at: datetime,
    actor: Actor | None = None,
) -> int:
    """Bring the EHR completions of these children in line with their records; returns how
    many completions were added or removed (0 when nothing changed). Children of another
    practice are ignored (tenancy)."""
    ids = list(dict.fromkeys(child_ids))
    if not ids:
        return 0
    actor = actor or Actor(user=None, practice=practice, role="system")
    schedule = current_schedule(at.date())
    rules = current_completion_rules()
    table = dose_table()
    children = list(
        Child.objects.filter(practice=practice, pk__any_of=ids).values_list(
            "pk", "date_of_birth", "birth_discharged_on"
        )
    )
    ids = [pk for pk, _, _ in children]
    records = _batch_records(practice, ids)
    existing: dict[UUID, dict[Wanted, UUID]] = defaultdict(dict)
    for (
        pk,
        child_id,
        row,
        visit_key,
        done_on,
        pending,
        detail,
        source_id,
    ) in RowCompletion.objects.filter(
        practice=practice, child_id__any_of=ids, source=Source.EHR
    ).values_list(
        "pk",
        "child_id",
        "row",
        "visit_key",
        "done_on",
        "next_step_pending",
        "source_detail",
        "source_id",
    ):
        kept = Wanted(row, visit_key, done_on, pending, detail, source_id)
        existing[child_id][kept] = pk

    stale: list[UUID] = []
    fresh: list[dict[str, object]] = []
    changes: list[tuple[UUID, list[str], list[str]]] = []
    for child_id, birth_date, discharged_on in children:
        wanted = completions_from_records(
            birth_date=birth_date,
            discharged_on=discharged_on,
            records=records[child_id],
            schedule=schedule,
            rules=rules,
            table=table,
        )
        have = existing.get(child_id, {})
        removed = [w for w in have if w not in wanted]
        added = sorted(wanted - have.keys())
        if not removed and not added:
            continue
        stale += [have[w] for w in removed]
        fresh += [
            {
                "id": pk,
                "practice_id": practice.pk,
                "child_id": child_id,
                "row": w.row,
                "visit_key": w.visit_key,
                "done_on": w.done_on,
                "next_step_pending": w.next_step_pending,
                "source": Source.EHR,
                "source_detail": w.source_detail,
                "source_id": w.source_id,
                "schedule_version": schedule.version,
                "recorded_at": at,
            }
            for w, pk in zip(added, new_ids(len(added)), strict=True)
        ]
        changes.append((child_id, [_label(w) for w in added], sorted(_label(w) for w in removed)))
    if stale:
        RowCompletion.objects.filter(pk__in=stale).delete()
    insert_values(RowCompletion, fresh)
    # Row and visit keys only: medhome's words, no PHI. One locked step for the batch.
    record_many(
        actor=actor,
        entries=[
            Entry(
                action=Action.UPDATE,
                object_type=CHILD_OBJECT,
                object_id=child_id,
                detail={"completions": "ehr", "added": added, "removed": removed},
            )
            for child_id, added, removed in changes
        ],
        at=at,
        practice=practice,
    )
    return len(stale) + len(fresh)
