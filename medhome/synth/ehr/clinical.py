"""A child's clinical facts as the synthetic EHR records them, drawn from one seeded rng.

Immunizations follow the routine schedule (codes.VACCINES) at the well-child visit nearest each
dose, with gaps: a missed visit leaves its doses for a later catch-up, or undone; a few families
decline vaccines. At well-child visits: weight, length or height, head circumference to 24
months, BMI from 2 years; hearing and vision screens at the ages Bright Futures lists (a few
"refer"); blood lead at 12 and 24 months for children on Medicaid/CHIP; hemoglobin at 12
months; fluoride varnish from 6 months to 5 years. Problems, allergies (mostly "no known
allergy") and medications at rates near published ones (medhome defaults, synthetic).
Pure: no clock, no database, no global random.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from medhome.families.models import Child

from . import codes as C
from .anthropometry import Body, draw_body, measure
from .visits import WELL, PastVisit

DECLINE_VACCINES_SHARE = 0.02
DOSE_MISSED_SHARE = 0.04  # a dose not given at a visit that was made
CATCH_UP_SHARE = 0.6  # a dose whose visit was missed, given later at a nurse visit
NOT_DONE_SHARE = 0.01  # a dose recorded as not done (refused at that visit)
INFLUENZA_SHARE = 0.45  # children 6 months+ vaccinated in a given season
HEARING_MONTHS = frozenset({48, 60, 72, 96, 120, 144, 180, 216})
VISION_MONTHS = frozenset({36, 48, 60, 72, 96, 120, 144, 180})
INSTRUMENT_VISION_MONTHS = frozenset({12, 24})
REFER_SHARE = 0.04
NEWBORN_HEARING_REFER_SHARE = 0.02
LEAD_MONTHS = (12, 24)
LEAD_DONE_SHARE = 0.85
ELEVATED_LEAD_SHARE = 0.02  # at or above the CDC blood lead reference value (3.5 ug/dL)
HEMOGLOBIN_DONE_SHARE = 0.8
ANEMIA_SHARE = 0.08
VARNISH_SHARE = 0.7  # well visits 6 months–5 years with an application
ALLERGY_RECORDED_SHARE = 0.9  # children whose allergy list was reviewed (else no record)
CETIRIZINE_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Dose:
    vaccine: C.Vaccine
    day: date
    done: bool = True


@dataclass(frozen=True, slots=True)
class Measure:
    code: C.Code
    day: date
    value: float
    unit: str  # UCUM


@dataclass(frozen=True, slots=True)
class Screen:
    code: C.Code
    day: date
    refer: bool


@dataclass(frozen=True, slots=True)
class ProblemFact:
    problem: C.Problem
    onset: date
    resolved: bool


@dataclass(frozen=True, slots=True)
class AllergyFact:
    substance: C.Code | None  # None: no known allergy
    criticality: str
    recorded: date


@dataclass(frozen=True, slots=True)
class MedicationFact:
    code: C.Code
    dosage: str
    started: date


@dataclass
class ChildRecord:
    doses: list[Dose] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    screens: list[Screen] = field(default_factory=list)
    varnish: list[date] = field(default_factory=list)
    problems: list[ProblemFact] = field(default_factory=list)
    allergies: list[AllergyFact] = field(default_factory=list)
    medications: list[MedicationFact] = field(default_factory=list)
    body: Body | None = None


def _age_months(child: Child, day: date) -> float:
    return (day - child.date_of_birth).days / 30.4375


def _doses(rng: Random, child: Child, wells: list[PastVisit], as_of: date) -> list[Dose]:
    if rng.random() < DECLINE_VACCINES_SHARE:
        return []
    by_months = {visit.months: visit for visit in wells}
    doses = []
    for vaccine in C.VACCINES:
        for months in vaccine.ages_months:
            if months == 0:  # the birth dose, at the hospital
                doses.append(Dose(vaccine, child.date_of_birth))
                continue
            # The dose's visit: the well visit at that nominal age (4-6 year doses at 4 or 5 y).
            visit = by_months.get(months) or (by_months.get(60) if months == 48 else None)
            if visit is not None:
                if rng.random() < NOT_DONE_SHARE:
                    doses.append(Dose(vaccine, visit.day, done=False))
                elif rng.random() >= DOSE_MISSED_SHARE:
                    doses.append(Dose(vaccine, visit.day))
                continue
            due = child.date_of_birth + timedelta(days=round(months * 30.44))
            late = due + timedelta(days=rng.randint(20, 120))
            if late < as_of and rng.random() < CATCH_UP_SHARE:
                doses.append(Dose(vaccine, late))
    # Influenza: some autumns from 6 months on.
    season = date(child.date_of_birth.year, 10, 15)
    while season < as_of:
        if _age_months(child, season) >= 6 and rng.random() < INFLUENZA_SHARE:
            doses.append(Dose(C.INFLUENZA, season + timedelta(days=rng.randint(0, 45))))
        season = date(season.year + 1, 10, 15)
    return [d for d in doses if d.day < as_of]


def _at_visit(rng: Random, child: Child, record: ChildRecord, visit: PastVisit) -> None:
    body = record.body
    assert body is not None
    months = _age_months(child, visit.day)
    m = measure(rng, body, months)
    day = visit.day
    record.measures.append(Measure(C.WEIGHT, day, m.weight_kg, "kg"))
    record.measures.append(Measure(C.LENGTH if m.lying else C.HEIGHT, day, m.stature_cm, "cm"))
    if m.head_cm is not None:
        record.measures.append(Measure(C.HEAD_CIRCUMFERENCE, day, m.head_cm, "cm"))
    if not m.lying:
        record.measures.append(Measure(C.BMI, day, round(m.bmi, 1), "kg/m2"))
    if visit.months in HEARING_MONTHS:
        record.screens.append(Screen(C.HEARING_SCREEN, day, rng.random() < REFER_SHARE))
    if visit.months in VISION_MONTHS:
        record.screens.append(Screen(C.VISION_SCREEN, day, rng.random() < REFER_SHARE))
    elif visit.months in INSTRUMENT_VISION_MONTHS and rng.random() < 0.5:
        record.screens.append(Screen(C.VISION_INSTRUMENT, day, rng.random() < REFER_SHARE))
    medicaid = child.payer in ("medicaid", "chip")
    if visit.months in LEAD_MONTHS and medicaid and rng.random() < LEAD_DONE_SHARE:
        if rng.random() < ELEVATED_LEAD_SHARE:
            value = rng.uniform(3.5, 9.0)
        else:
            value = min(3.4, rng.lognormvariate(0, 0.45))
        record.measures.append(Measure(C.LEAD, day, round(value, 1), "ug/dL"))
    if visit.months == 12 and rng.random() < HEMOGLOBIN_DONE_SHARE:
        if rng.random() < ANEMIA_SHARE:  # below 11 g/dL
            value = rng.uniform(9.5, 10.9)
        else:
            value = max(11.0, rng.gauss(12.1, 0.6))
        record.measures.append(Measure(C.HEMOGLOBIN, day, round(value, 1), "g/dL"))
    if 6 <= visit.months <= 60 and rng.random() < VARNISH_SHARE:
        record.varnish.append(day)


def _problems(rng: Random, child: Child, record: ChildRecord, as_of: date) -> None:
    age = _age_months(child, as_of)
    for problem in C.PROBLEMS:
        if age < problem.from_months or rng.random() >= problem.share:
            continue
        onset_months = rng.uniform(problem.from_months, min(age, problem.from_months + 48))
        onset = child.date_of_birth + timedelta(days=int(onset_months * 30.44))
        resolved = problem.resolves and (as_of - onset).days > 60
        record.problems.append(ProblemFact(problem, onset, resolved))
        medication = C.MEDICATIONS.get(problem.snomed.code)
        if medication is not None and not resolved and rng.random() < 0.8:
            record.medications.append(MedicationFact(medication[0], medication[1], onset))
    if record.body is not None and record.body.high_bmi and age >= 24:
        onset = child.date_of_birth + timedelta(days=int(rng.uniform(24, age) * 30.44))
        record.problems.append(ProblemFact(C.OBESITY, onset, False))
    if age >= 24 and rng.random() < CETIRIZINE_SHARE:
        started = as_of - timedelta(days=rng.randint(30, 700))
        record.medications.append(MedicationFact(C.CETIRIZINE[0], C.CETIRIZINE[1], started))


def _allergies(rng: Random, child: Child, wells: list[PastVisit], record: ChildRecord) -> None:
    if not wells or rng.random() >= ALLERGY_RECORDED_SHARE:
        return
    recorded = wells[rng.randrange(len(wells))].day
    for substance, share, criticality in C.ALLERGENS:
        if rng.random() < share:
            record.allergies.append(AllergyFact(substance, criticality, recorded))
    if not record.allergies:
        record.allergies.append(AllergyFact(None, "", recorded))


def child_record(rng: Random, child: Child, visits: list[PastVisit], *, as_of: date) -> ChildRecord:
    """Everything the EHR holds about the child, from its past visits."""
    wells = [v for v in visits if v.kind == WELL]
    record = ChildRecord(
        body=draw_body(
            rng,
            sex=child.sex_at_birth,
            gestational_weeks=child.gestational_age_weeks,
            age_months=_age_months(child, as_of),
        )
    )
    record.doses = _doses(rng, child, wells, as_of)
    if child.date_of_birth < as_of:
        refer = rng.random() < NEWBORN_HEARING_REFER_SHARE
        record.screens.append(Screen(C.NEWBORN_HEARING, child.date_of_birth, refer))
    for visit in wells:
        _at_visit(rng, child, record, visit)
    _problems(rng, child, record, as_of)
    _allergies(rng, child, wells, record)
    return record
