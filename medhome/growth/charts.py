"""Which reference at which age, a measurement's z-score and percentile on it, and the
percentile curves a chart is drawn with (docs/clinical-rules.md#growth).

WHO 2006 standards under 24 months, by corrected age for a child born preterm (AAP COFN 2004,
medhome/periodicity/corrected_age.py); CDC 2000 from 24 months; BMI from 24 months on the CDC
2022 extended charts, weight-for-length before that (periodicity.md §5.1). Plain functions of
dates and numbers: the panel (panel.py) feeds them a child's observations.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from medhome.periodicity.corrected_age import weeks_early, within_correction
from medhome.periodicity.rules import current_rules

from . import lms
from .references import (
    CDC_BMI,
    CDC_STATURE,
    CDC_WEIGHT,
    DAYS_PER_MONTH,
    FEMALE,
    MALE,
    WHO_HEAD,
    WHO_LENGTH,
    WHO_WEIGHT,
    WHO_WEIGHT_FOR_LENGTH,
    Reference,
    table,
)

# The switch from WHO to CDC (periodicity.md §5.1: "The switch happens at 24 months").
WHO_UNTIL_MONTHS = 24
PERCENTILES = (3, 5, 10, 25, 50, 75, 90, 95, 97)
# CDC's clinical BMI charts draw the 85th (overweight) and 95th (obesity) percentiles and the
# extended charts 120% of P95 (severe obesity); the 3rd and 97th are not among them.
BMI_PERCENTILES = (5, 10, 25, 50, 75, 85, 95)
SEVERE_OBESITY_SHARE_OF_P95 = 1.2  # BMI ≥ 120% of P95 (CDC extended charts background page)
KINDS = ("weight", "length", "height", "head_circumference", "bmi")
WEIGHT_FOR_LENGTH = "weight_for_length"


@dataclass(frozen=True)
class Measurement:
    """One measurement as the EHR recorded it: weight kg, length/height/head cm, BMI kg/m²."""

    kind: str
    value: float
    on: date
    derived: bool = False  # a BMI medhome calculated from same-day weight and height


@dataclass(frozen=True)
class GrowthSubject:
    """What the references need to know about the child."""

    birth_date: date
    sex: str  # "male", "female" (families.SexAtBirth); anything else has no reference
    ga_weeks: int | None = None


@dataclass(frozen=True)
class AgeUsed:
    chronological_days: int
    days: int  # the age the reference is read at: corrected for a preterm infant
    corrected: bool

    @property
    def months(self) -> float:
        return self.days / DAYS_PER_MONTH


@dataclass(frozen=True)
class Assessment:
    measurement: Measurement
    kind: str  # the measurement's kind, or "weight_for_length" (its value is the weight)
    age: AgeUsed
    reference: Reference | None
    x: float  # where it sits on its chart: months of age, or cm of length
    z: float | None = None
    percentile: float | None = None
    extended: bool = False  # read on the CDC 2022 tail above P95
    percent_of_p95: float | None = None  # BMI only: the severe-obesity metric (≥ 120%)


def age_used(subject: GrowthSubject, on: date) -> AgeUsed:
    """Chronological age in days, corrected by the weeks born before 40 for a preterm child
    under 24 months chronological age (docs/clinical-rules.md#corrected-age)."""
    rules = current_rules()
    days = (on - subject.birth_date).days
    early = weeks_early(subject.ga_weeks, rules)
    if early and within_correction(subject.birth_date, on, rules):
        return AgeUsed(days, days - 7 * early, corrected=True)
    return AgeUsed(days, days, corrected=False)


def reference_for(kind: str, age: AgeUsed) -> Reference | None:
    """The chart a measurement of `kind` is read on at this age; None where medhome plots none
    (BMI under 24 months — weight-for-length instead; head circumference from 24 months)."""
    infant = age.months < WHO_UNTIL_MONTHS
    if kind == "weight":
        return WHO_WEIGHT if infant else CDC_WEIGHT
    if kind in ("length", "height"):
        return WHO_LENGTH if infant else CDC_STATURE
    if kind == "head_circumference":
        return WHO_HEAD if infant else None
    if kind == "bmi":
        return None if infant else CDC_BMI
    if kind == WEIGHT_FOR_LENGTH:
        return WHO_WEIGHT_FOR_LENGTH if infant else None
    return None


def _sex_code(sex: str) -> int | None:
    return {"male": MALE, "female": FEMALE}.get(sex)


def assess(
    subject: GrowthSubject, measurement: Measurement, *, kind: str = "", length_cm: float = 0
) -> Assessment:
    """The z-score and percentile of one measurement, or an assessment without them when no
    reference covers it (before the due date, past 20 years, sex unknown)."""
    kind = kind or measurement.kind
    age = age_used(subject, measurement.on)
    reference = reference_for(kind, age)
    x = length_cm if kind == WEIGHT_FOR_LENGTH else age.months
    unplaced = Assessment(measurement, kind, age, None, x)
    sex = _sex_code(subject.sex)
    if reference is None or sex is None or age.days < 0 or measurement.value <= 0:
        return unplaced
    index = {"age_days": float(age.days), "age_months": age.months, "length_cm": length_cm}
    parameters = table(reference).lms(sex, index[reference.by])
    if parameters is None:
        return unplaced
    value = measurement.value
    if reference is CDC_BMI:
        sigma = lms.cdc_bmi_sigma(male=sex == MALE, age_months=age.months)
        z, percentile, extended = lms.extended_bmi(value, *parameters, sigma=sigma)
        p95 = lms.lms_value(lms.P95_Z, *parameters)
        return Assessment(
            measurement, kind, age, reference, x, z, percentile, extended, 100 * value / p95
        )
    z = lms.who_z(value, *parameters) if reference.is_who else lms.lms_z(value, *parameters)
    return Assessment(measurement, kind, age, reference, x, z, lms.percentile_of(z))


def with_derived_bmi(
    subject: GrowthSubject, measurements: Iterable[Measurement]
) -> list[Measurement]:
    """Adds BMI = kg / m² for each day from 24 months that has a weight and a height but no
    recorded BMI (a recorded BMI wins: it may come from measurements medhome never saw)."""
    measured = sorted(measurements, key=lambda m: m.on)
    by_day: dict[date, dict[str, float]] = {}
    for measurement in measured:
        by_day.setdefault(measurement.on, {})[measurement.kind] = measurement.value
    derived = []
    for day, values in by_day.items():
        stature = values.get("height") or values.get("length")
        if "bmi" in values or not stature or not values.get("weight"):
            continue
        if age_used(subject, day).months < WHO_UNTIL_MONTHS:
            continue
        bmi = values["weight"] / (stature / 100) ** 2
        derived.append(Measurement("bmi", round(bmi, 1), day, derived=True))
    return sorted([*measured, *derived], key=lambda m: m.on)


def assess_all(subject: GrowthSubject, measurements: Iterable[Measurement]) -> list[Assessment]:
    """Every measurement on its chart, and weight-for-length for each infant day that has both."""
    measured = with_derived_bmi(subject, measurements)
    assessments = [assess(subject, m) for m in measured if m.kind in KINDS]
    lengths = {m.on: m.value for m in measured if m.kind in ("length", "height")}
    for measurement in measured:
        if measurement.kind == "weight" and measurement.on in lengths:
            paired = assess(
                subject, measurement, kind=WEIGHT_FOR_LENGTH, length_cm=lengths[measurement.on]
            )
            if paired.reference is not None:
                assessments.append(paired)
    return assessments


@dataclass(frozen=True)
class Curve:
    label: str  # "50", "97", "120% P95"
    points: tuple[tuple[float, float], ...]  # (x, value)
    median: bool = False
    dashed: bool = False


def curves(reference: Reference, sex: str, x_from: float, x_to: float) -> list[Curve]:
    """The 3rd–97th percentile curves between two x values (months, or cm for weight-for-
    length), from the LMS inverse X = M·(1 + L·S·z)^(1/L); BMI above P95 from the extended tail,
    with the severe-obesity line at 120% of P95."""
    code = _sex_code(sex)
    if code is None:
        return []
    data = table(reference)
    low, high = data.span(code)
    to_index = (lambda months: months * DAYS_PER_MONTH) if reference.by == "age_days" else float
    step = {"age_days": 0.5, "age_months": 1.0, "length_cm": 1.0}[reference.by]
    xs, x = [], x_from
    while x <= x_to + 1e-9:
        xs.append(x)
        x += step
    parameters = [(x, data.lms(code, min(max(to_index(x), low), high))) for x in xs]
    result = []
    for percentile in BMI_PERCENTILES if reference is CDC_BMI else PERCENTILES:
        z = lms.z_of_percentile(percentile)
        points = []
        for x, lms_at in parameters:
            if lms_at is None:
                continue
            if reference is CDC_BMI:
                sigma = lms.cdc_bmi_sigma(male=code == MALE, age_months=x)
                value = lms.extended_bmi_value(percentile, *lms_at, sigma=sigma)
            else:
                value = lms.lms_value(z, *lms_at)
            points.append((x, value))
        result.append(Curve(str(percentile), tuple(points), median=percentile == 50))
    if reference is CDC_BMI:
        severe = tuple(
            (x, SEVERE_OBESITY_SHARE_OF_P95 * lms.lms_value(lms.P95_Z, *lms_at))
            for x, lms_at in parameters
            if lms_at is not None
        )
        result.append(Curve("120% P95", severe, dashed=True))
    return result


def latest(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The most recent assessment of each kind (length and height are one line), in the order
    a clinician reads them."""
    order = ("weight", "stature", "head_circumference", WEIGHT_FOR_LENGTH, "bmi")
    newest: dict[str, Assessment] = {}
    for assessment in sorted(assessments, key=lambda a: a.measurement.on):
        key = "stature" if assessment.kind in ("length", "height") else assessment.kind
        newest[key] = assessment
    return [newest[key] for key in order if key in newest]


def on_chart(assessment: Assessment, reference: Reference) -> bool:
    return assessment.reference is reference and assessment.z is not None
