"""The growth references as data: which table, what it measures, and L, M, S at any age.

The tables are the published LMS files in data/ (their sources in data/README.md). Between two
rows the parameters are interpolated linearly, as CDC's own programs do (CDCAnthro README:
"interpolates linearly"; docs/clinical-rules.md#growth).
"""

import bisect
import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data"
MALE, FEMALE = 1, 2
# CDC ages are months of 30.4375 days (365.25/12), the conversion CDCAnthro asks for.
DAYS_PER_MONTH = 30.4375

LMS = tuple[float, float, float]


@dataclass(frozen=True)
class Reference:
    key: str
    source: str  # "WHO 2006", "CDC 2000", "CDC 2022": the name a clinician reads beside a z
    title: Promise
    unit: str
    by: str  # what the table is indexed by: "age_days", "age_months" or "length_cm"

    @property
    def is_who(self) -> bool:
        return self.source.startswith("WHO")


WHO_WEIGHT = Reference("who_weight_for_age", "WHO 2006", _("Weight-for-age"), "kg", "age_days")
WHO_LENGTH = Reference("who_length_for_age", "WHO 2006", _("Length-for-age"), "cm", "age_days")
WHO_HEAD = Reference(
    "who_head_circumference_for_age", "WHO 2006", _("Head circumference-for-age"), "cm", "age_days"
)
WHO_WEIGHT_FOR_LENGTH = Reference(
    "who_weight_for_length", "WHO 2006", _("Weight-for-length"), "kg", "length_cm"
)
CDC_WEIGHT = Reference("cdc_weight_for_age", "CDC 2000", _("Weight-for-age"), "kg", "age_months")
CDC_STATURE = Reference("cdc_stature_for_age", "CDC 2000", _("Stature-for-age"), "cm", "age_months")
# BMI is read on the 2022 extended charts: the 2000 LMS up to P95, the half-normal tail above.
CDC_BMI = Reference("cdc_bmi_for_age", "CDC 2022", _("BMI-for-age"), "kg/m²", "age_months")

REFERENCES = (
    WHO_WEIGHT,
    WHO_LENGTH,
    WHO_HEAD,
    WHO_WEIGHT_FOR_LENGTH,
    CDC_WEIGHT,
    CDC_STATURE,
    CDC_BMI,
)
# By key: what caches and URLs name a reference by (its title is a lazy translation).
BY_KEY = {reference.key: reference for reference in REFERENCES}


@dataclass(frozen=True)
class Table:
    xs: dict[int, list[float]]
    rows: dict[int, list[LMS]]

    def span(self, sex: int) -> tuple[float, float]:
        return self.xs[sex][0], self.xs[sex][-1]

    def lms(self, sex: int, x: float) -> LMS | None:
        """L, M, S at x, interpolated between the two rows around it; None outside the table."""
        xs, rows = self.xs[sex], self.rows[sex]
        if not xs[0] <= x <= xs[-1]:
            return None
        index = bisect.bisect_left(xs, x)
        if xs[index] == x:
            return rows[index]
        x0, x1 = xs[index - 1], xs[index]
        share = (x - x0) / (x1 - x0)
        low, high = rows[index - 1], rows[index]
        return (
            low[0] + share * (high[0] - low[0]),
            low[1] + share * (high[1] - low[1]),
            low[2] + share * (high[2] - low[2]),
        )


@cache
def table(reference: Reference) -> Table:
    xs: dict[int, list[float]] = {MALE: [], FEMALE: []}
    rows: dict[int, list[LMS]] = {MALE: [], FEMALE: []}
    with (DATA / f"{reference.key}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sex = int(row["sex"])
            xs[sex].append(float(row[reference.by]))
            rows[sex].append((float(row["l"]), float(row["m"]), float(row["s"])))
    return Table(xs, rows)
