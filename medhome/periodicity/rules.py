"""medhome's own timing rules around the AAP grid, each overridable by settings.

The AAP defines no due/overdue window ("bring the child up to date at the earliest possible
time", footnote 1; periodicity.md §2.1), so every number here is a **medhome rule**
(docs/clinical-rules.md#visit-windows, window table) or a value the sources leave **unverified**
(periodicity.md §6). A practice overrides any of them with ``MEDHOME_PERIODICITY_RULES =
{"fluoride_varnish_every_months": 3, ...}``.
"""

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # Window opening of the 2 mo … 21 y visits: nominal age − 14 days
    # (docs/clinical-rules.md#visit-windows table).
    opens_days_before_nominal: int = 14
    # 3–5 day visit: opens on day 3 and closes at day 6 or discharge + 4 days, whichever is
    # earlier (June 2024 footnote: within 3–5 days of birth and 48–72 h after discharge).
    three_to_five_opens_day: int = 3
    three_to_five_closes_day: int = 6
    three_to_five_closes_after_discharge_days: int = 4
    # Overdue once nominal age + grace has passed: 14 days under 12 months, 30 days from 12
    # months (docs/clinical-rules.md#due-and-overdue).
    grace_days_under_12_months: int = 14
    grace_days_from_12_months: int = 30
    # medhome rule: SDOH screening is the social part of the behavioral row (AAP News 2022);
    # None means every visit of the behavioral row, else a list of visit keys.
    social_needs_visits: tuple[str, ...] | None = None
    # Unverified: fluoride varnish "every 3–6 months" by caries risk (periodicity.md §6.5);
    # default 6, 3 at high caries risk (docs/clinical-rules.md#recurring-rows).
    fluoride_varnish_every_months: int = 6
    # Unverified: the second lipid window starts at 17 y (Anki card) or 18 y (2016 lay
    # summary) (periodicity.md §6.3).
    lipid_second_from_visit: str = "17y"
    # Unverified: tobacco/alcohol/drug ★ from 11 y (periodicity.md §6.2;
    # docs/clinical-rules.md#periodicity-rows).
    substance_use_from_visit: str = "11y"
    # Preterm is < 37 completed weeks; corrected age used until 24 months chronological
    # (AAP COFN 2004; Pediatrics 2024 "The Prematurity Paradox";
    # docs/clinical-rules.md#corrected-age).
    preterm_below_weeks: int = 37
    corrected_until_months: int = 24
    # ASQ-3 / ASQ:SE-2: term 39 or 40 if applied consistently; medhome uses 40 (publisher KB,
    # periodicity.md §3); adjust when born 3 or more weeks early.
    asq_term_weeks: int = 40
    asq_adjust_from_weeks_early: int = 3
    # M-CHAT-R/F: sources disagree (periodicity.md §3, §6.10); default chronological.
    mchat_age: Literal["chronological", "corrected"] = "chronological"
    # Never waived, whatever the not-applicable table says (docs/clinical-rules.md#not-applicable).
    never_waived: tuple[str, ...] = ("depression_suicide",)


def current_rules() -> Rules:
    """The defaults above with the project's MEDHOME_PERIODICITY_RULES applied."""
    overrides: dict[str, Any] = dict(getattr(settings, "MEDHOME_PERIODICITY_RULES", {}) or {})
    known = {f.name for f in fields(Rules)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"Unknown MEDHOME_PERIODICITY_RULES keys: {sorted(unknown)}")
    for key in ("social_needs_visits", "never_waived"):
        if overrides.get(key) is not None:
            overrides[key] = tuple(overrides[key])
    return replace(Rules(), **overrides)
