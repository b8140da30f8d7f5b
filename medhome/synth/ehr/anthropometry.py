"""Plausible synthetic measurements: weight, length or height, head circumference, by age and sex.

Medians are rounded from the WHO 2006 standards (0–24 months) and the CDC 2000 charts (2–20
years) at a few ages, interpolated linearly between them; each child keeps its own z-score per
measure (children track their percentile), with a little noise per visit. Spread is a
coefficient of variation per measure (weight ≈ 11 % in infancy, more later; length ≈ 3.8 %; head
circumference ≈ 3 %), which is what the LMS tables give near the median — good enough for
synthetic charts, not a growth reference (the growth app ships the real LMS tables).

Preterm infants are measured at their corrected age under 24 months (smaller, on the same
curve); a few children carry weight well above their height (BMI above the 95th percentile).
"""

import math
from bisect import bisect_right
from dataclasses import dataclass
from random import Random

# (age in months, boys' median, girls' median)
WEIGHT_KG = (
    (0, 3.3, 3.2),
    (1, 4.5, 4.2),
    (2, 5.6, 5.1),
    (4, 7.0, 6.4),
    (6, 7.9, 7.3),
    (9, 8.9, 8.2),
    (12, 9.6, 8.9),
    (15, 10.3, 9.6),
    (18, 10.9, 10.2),
    (24, 12.2, 11.5),
    (36, 14.3, 13.9),
    (48, 16.3, 15.9),
    (60, 18.4, 17.9),
    (72, 20.7, 20.2),
    (96, 25.6, 25.8),
    (120, 31.9, 32.6),
    (144, 40.5, 41.5),
    (168, 51.0, 49.4),
    (192, 61.3, 53.5),
    (216, 67.8, 56.6),
    (264, 71.0, 58.5),
)
STATURE_CM = (
    (0, 49.9, 49.1),
    (1, 54.7, 53.7),
    (2, 58.4, 57.1),
    (4, 63.9, 62.1),
    (6, 67.6, 65.7),
    (9, 72.0, 70.1),
    (12, 75.7, 74.0),
    (15, 79.1, 77.5),
    (18, 82.3, 80.7),
    (24, 87.8, 86.4),
    (36, 96.1, 95.1),
    (48, 103.3, 102.7),
    (60, 110.0, 109.4),
    (72, 116.0, 115.9),
    (96, 127.9, 128.0),
    (120, 138.4, 138.6),
    (144, 149.1, 151.5),
    (168, 163.8, 159.6),
    (192, 173.5, 162.5),
    (216, 176.8, 163.7),
    (264, 177.0, 163.5),
)
HEAD_CM = (
    (0, 34.5, 33.9),
    (1, 37.3, 36.5),
    (2, 39.1, 38.3),
    (4, 41.6, 40.6),
    (6, 43.3, 42.2),
    (9, 44.9, 43.8),
    (12, 46.1, 45.0),
    (15, 46.8, 45.7),
    (18, 47.4, 46.2),
    (24, 48.3, 47.2),
    (36, 49.5, 48.4),
)
STATURE_CV = 0.038
HEAD_CV = 0.03
HIGH_BMI_Z = 2.4  # weight z-score added for children with obesity (BMI > 95th percentile)
HIGH_BMI_SHARE = 0.06  # of children 2 years and older (medhome default, synthetic)
TERM_WEEKS = 40
MONTH_DAYS = 30.4375


def _median(table: tuple[tuple[float, float, float], ...], months: float, female: bool) -> float:
    ages = [row[0] for row in table]
    if months <= ages[0]:
        return table[0][2 if female else 1]
    if months >= ages[-1]:
        return table[-1][2 if female else 1]
    index = bisect_right(ages, months) - 1
    (a0, *low), (a1, *high) = table[index], table[index + 1]
    column = 1 if female else 0
    share = (months - a0) / (a1 - a0)
    return low[column] + share * (high[column] - low[column])


def weight_cv(months: float) -> float:
    return 0.11 if months < 24 else 0.13 if months < 72 else 0.18


@dataclass(frozen=True)
class Body:
    """A child's lasting place on the curves."""

    female: bool
    weight_z: float
    stature_z: float
    head_z: float
    weeks_early: float  # 0 for a term child
    high_bmi: bool

    def age_for_growth(self, months: float) -> float:
        """Corrected age under 24 months for a preterm child (negative before term)."""
        if self.weeks_early and months < 24:
            return months - self.weeks_early * 7 / MONTH_DAYS
        return months


def draw_body(rng: Random, *, sex: str, gestational_weeks: int | None, age_months: float) -> Body:
    female = sex == "female" or (sex == "unknown" and rng.random() < 0.5)
    weeks_early = max(0, TERM_WEEKS - gestational_weeks) if gestational_weeks else 0
    high_bmi = age_months >= 24 and rng.random() < HIGH_BMI_SHARE
    stature_z = rng.gauss(0, 0.9)
    return Body(
        female=female,
        weight_z=0.6 * stature_z + rng.gauss(0, 0.6),
        stature_z=stature_z,
        head_z=0.4 * stature_z + rng.gauss(0, 0.8),
        weeks_early=weeks_early if weeks_early >= 3 else 0,
        high_bmi=high_bmi,
    )


def _before_term(value: float, weeks_early: float, per_week: float) -> float:
    """Size at birth before 40 weeks, shrinking by a share per week early (fetal growth)."""
    return value * math.exp(-per_week * weeks_early)


@dataclass(frozen=True)
class Measurement:
    weight_kg: float
    stature_cm: float
    lying: bool  # length (under 24 months) rather than standing height
    head_cm: float | None  # measured to 24 months

    @property
    def bmi(self) -> float:
        return self.weight_kg / (self.stature_cm / 100) ** 2


def measure(rng: Random, body: Body, months: float) -> Measurement:
    """The child's measurements at a visit `months` after birth."""
    age = body.age_for_growth(months)
    weeks_before_term = max(0.0, -age * MONTH_DAYS / 7)
    age = max(0.0, age)
    noise = rng.gauss(0, 0.15)
    weight_z = body.weight_z + noise + (HIGH_BMI_Z if body.high_bmi and months >= 24 else 0)
    weight = _median(WEIGHT_KG, age, body.female) * math.exp(weight_z * weight_cv(age))
    stature = _median(STATURE_CM, age, body.female) * (
        1 + (body.stature_z + rng.gauss(0, 0.1)) * STATURE_CV
    )
    lying = months < 24
    if not lying:
        stature -= 0.7 if months < 30 else 0  # standing is ≈ 0.7 cm shorter than lying
    head = None
    if months <= 24:
        head = _median(HEAD_CM, age, body.female) * (
            1 + (body.head_z + rng.gauss(0, 0.1)) * HEAD_CV
        )
    if weeks_before_term:
        weight = _before_term(weight, weeks_before_term, 0.085)
        stature = _before_term(stature, weeks_before_term, 0.022)
        head = _before_term(head, weeks_before_term, 0.022) if head else head
    return Measurement(round(weight, 2), round(stature, 1), lying, round(head, 1) if head else None)
