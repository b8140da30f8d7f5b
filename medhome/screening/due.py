"""Which instruments a child is due for: the periodicity engine's rows, turned into forms.

Rows belong to a respondent: the caregiver-depression row is the caregiver's, the depression,
suicide-risk and substance-use rows are the adolescent's own
(docs/clinical-rules.md#who-sees-results and docs/clinical-rules.md#adolescent-confidentiality). A
PHQ-9 answered by a caregiver never satisfies an adolescent's row, and the other way round.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from medhome.core.remember import remembered, schedule_key
from medhome.core.remember import remembering as remembering
from medhome.families.models import Child
from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Respondent
from medhome.instruments.texts import languages_by_instrument
from medhome.periodicity import corrected_age
from medhome.periodicity.engine import ChildSchedule, child_schedule
from medhome.periodicity.services import completions_for, facts_for

from . import rules

ADOLESCENT_ROWS = frozenset({"depression_suicide", "substance_use"})
CAREGIVER_ROWS = frozenset({"caregiver_depression"})
# From this age the adolescent answers their own screens in clinic
# (docs/clinical-rules.md#adolescent-confidentiality: from the 11-year visit on).
ADOLESCENT_FROM_MONTHS = 11 * 12


PHQ2_GATE = "phq2"
# Rows a gate form records only while its next step is pending: an adolescent's positive PHQ-2
# leaves "depression and suicide risk" pending until the PHQ-9 (docs/clinical-rules.md#periodicity
# "next step
# pending"), but a PHQ-2 has no suicide item, so on its own it never completes the row
# (docs/clinical-rules.md#suicide-risk-question "Suicide risk needs a question that asks about it").
PENDING_ONLY_ROWS = {(PHQ2_GATE, Respondent.ADOLESCENT): frozenset({"depression_suicide"})}


def rows_for(instrument: Instrument, respondent: Respondent | str) -> frozenset[str]:
    rows = frozenset(instrument.rows)
    if instrument.key == PHQ2_GATE and not rules.rule("caregiver_phq2_gate"):
        rows -= CAREGIVER_ROWS
    if respondent == Respondent.ADOLESCENT:
        return rows - CAREGIVER_ROWS
    if respondent == Respondent.CAREGIVER:
        return rows - ADOLESCENT_ROWS
    return rows


def recorded_rows(
    instrument: Instrument, respondent: Respondent | str, *, pending: bool
) -> frozenset[str]:
    """The rows a scored form records on the schedule: its own rows, and while its next step is
    pending the rows it holds open as a gate (PENDING_ONLY_ROWS)."""
    rows = rows_for(instrument, respondent)
    if pending:
        rows |= PENDING_ONLY_ROWS.get((instrument.key, Respondent(respondent)), frozenset())
    return rows


def schedule_of(child: Child, on: date) -> ChildSchedule:
    """The child's schedule on a day, read once inside `remembering()` (core.remember): a batch
    that asks about the same children several times (the sender's pre-visit links: which
    screeners, then create_link's own check), a chart's panels."""
    return remembered(
        schedule_key(child.pk, on),
        lambda: child_schedule(facts_for(child), on, completions_for(child)),
    )


def age_in_months(birth_date: date, on: date) -> int:
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    return months - (1 if on.day < birth_date.day else 0)


def age_in_years(birth_date: date, on: date) -> int:
    return age_in_months(birth_date, on) // 12


def scoring_age(administration: Any) -> int | None:
    """Age-keyed cut-offs (PHQ-9 ≥ 11 for adolescents) apply to the adolescent's own answers."""
    if administration.respondent != Respondent.ADOLESCENT:
        return None
    return age_in_years(administration.child.date_of_birth, administration.started_at.date())


def form_months(child: Child, instrument: Instrument, on: date) -> int:
    """The age a form is chosen and scored by: corrected for a preterm infant under 24 months
    on developmental and social-emotional forms (docs/clinical-rules.md#corrected-age: ASQ by the
    publisher's rule, M-CHAT chronological by default); chronological otherwise."""
    rows = set(instrument.rows)
    if instrument.key.startswith("asq"):
        purpose = "asq"
    elif "autism" in rows:
        purpose = "mchat"
    elif rows & {"developmental", "behavioral"} and instrument.respondent != Respondent.ADOLESCENT:
        purpose = "developmental"
    else:
        return age_in_months(child.date_of_birth, on)
    return corrected_age.form_age_months(
        child.date_of_birth,
        child.gestational_age_weeks,
        child.gestational_age_days,
        on,
        purpose=purpose,  # type: ignore[arg-type]
    ).months


def fits_age(instrument: Instrument, months: int) -> bool:
    low, high = instrument.min_age_months, instrument.max_age_months
    return (low is None or months >= low) and (high is None or months <= high)


def open_rows(schedule: ChildSchedule) -> set[str]:
    return {state.row.key for state in schedule.outstanding}


@dataclass(frozen=True)
class Choice:
    instrument: Instrument
    respondent: Respondent
    due: bool
    preselected: bool
    family_ok: bool  # has authored wording for families (else staff entry from paper)

    @property
    def value(self) -> str:
        return f"{self.instrument.key}:{self.respondent}"


def respondents_for(instrument: Instrument, months: int) -> list[Respondent]:
    allowed = instrument.respondents or frozenset({instrument.respondent})
    found: list[Respondent] = [r for r in (Respondent.CAREGIVER, Respondent.STAFF) if r in allowed]
    if Respondent.ADOLESCENT in allowed and months >= ADOLESCENT_FROM_MONTHS:
        found.append(Respondent.ADOLESCENT)
    return found


def choices_for(child: Child, on: date, schedule: ChildSchedule | None = None) -> list[Choice]:
    """Every instrument and respondent that fits the child's age, the due ones first; the
    practice's preferred instrument for each open row is preselected (rules.preferred)."""
    rows = open_rows(schedule or schedule_of(child, on))
    months = age_in_months(child.date_of_birth, on)
    found: list[tuple[Instrument, Respondent, bool, bool]] = []
    languages = remembered(
        ("languages", child.practice_id), lambda: languages_by_instrument(child.practice)
    )
    for instrument in registry.all_instruments():
        if not fits_age(instrument, form_months(child, instrument, on)):
            continue
        family_ok = bool(languages[instrument.key])
        for respondent in respondents_for(instrument, months):
            is_due = bool(rows & rows_for(instrument, respondent))
            found.append((instrument, respondent, is_due, family_ok))
    chosen = _preselect(found, rows)
    choices = [
        Choice(i, r, d, (i.key, r) in chosen, ok) for i, r, d, ok in found if r != Respondent.STAFF
    ] + [Choice(i, r, d, False, ok) for i, r, d, ok in found if r == Respondent.STAFF]
    return sorted(choices, key=lambda c: (not c.preselected, not c.due, c.instrument.name))


def _preselect(
    found: list[tuple[Instrument, Respondent, bool, bool]], rows: set[str]
) -> set[tuple[str, Respondent]]:
    chosen: set[tuple[str, Respondent]] = set()
    for row in sorted(rows):
        for key in rules.preferred(row):
            match = next(
                (
                    (i.key, r)
                    for i, r, is_due, ok in found
                    if i.key == key
                    and is_due
                    and ok
                    and row in rows_for(i, r)
                    and r == Respondent.CAREGIVER
                ),
                None,
            )
            if match:
                chosen.add(match)
                break
    return chosen


def is_due(child: Child, instrument: Instrument, on: date, respondent: Respondent | str) -> bool:
    rows = open_rows(schedule_of(child, on))
    return fits_age(instrument, form_months(child, instrument, on)) and bool(
        rows & rows_for(instrument, respondent)
    )


def age_label(child: Child, on: date) -> str:
    """Both ages for a preterm infant under 24 months ("14 months, corrected 12 months")."""
    return corrected_age.age_label(child.date_of_birth, child.gestational_age_weeks, on)
