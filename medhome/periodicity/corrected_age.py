"""Corrected (adjusted) age for prematurity and the age a developmental form is chosen by.

Corrected age = chronological age − (40 weeks − gestational age in completed weeks), for a
child born before 37 completed weeks, used until 24 months chronological age (AAP Committee on
Fetus and Newborn, Pediatrics 2004;114:1362; docs/clinical-rules.md#corrected-age; periodicity.md
§3). Visits stay at the chronological age (medhome rule); only the form and its scoring move.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .rules import Rules, current_rules
from .windows import add_months

Purpose = Literal["developmental", "asq", "mchat"]
TERM_WEEKS = 40  # AAP definition of corrected age (COFN 2004)


@dataclass(frozen=True)
class FormAge:
    """An age in completed months and remaining days, and whether it was corrected."""

    months: int
    days: int
    corrected: bool
    weeks_early: int = 0

    def __int__(self) -> int:
        return self.months


def months_and_days(start: date, on: date) -> tuple[int, int]:
    """Completed calendar months from `start` to `on`, then the remaining days."""
    if on < start:
        return 0, 0
    months = (on.year - start.year) * 12 + on.month - start.month
    if add_months(start, months) > on:
        months -= 1
    return months, (on - add_months(start, months)).days


def weeks_early(ga_weeks: int | None, rules: Rules | None = None) -> int:
    """Weeks to subtract under the AAP rule: only preterm (< 37 completed weeks) births."""
    rules = rules or current_rules()
    if ga_weeks is None or ga_weeks >= rules.preterm_below_weeks:
        return 0
    return TERM_WEEKS - ga_weeks


def _asq_weeks_early(ga_weeks: int | None, ga_days: int | None, rules: Rules) -> int:
    """ASQ-3 publisher rule: 4 or more extra days round up; adjust when 3+ weeks early,
    against a term of 40 weeks (a setting; 39 is allowed if consistent)."""
    if ga_weeks is None:
        return 0
    rounded = ga_weeks + (1 if (ga_days or 0) >= 4 else 0)
    early = rules.asq_term_weeks - rounded
    return early if early >= rules.asq_adjust_from_weeks_early else 0


def corrected_birth_date(birth_date: date, early: int) -> date:
    """The expected delivery date: counting age from it is counting corrected age."""
    return birth_date + timedelta(weeks=early)


def within_correction(birth_date: date, on: date, rules: Rules) -> bool:
    return on < add_months(birth_date, rules.corrected_until_months)


def form_age_months(
    birth_date: date,
    ga_weeks: int | None,
    ga_days: int | None,
    on: date,
    *,
    purpose: Purpose = "developmental",
) -> FormAge:
    """The age to choose and score a developmental form by (docs/clinical-rules.md#corrected-age).

    developmental: AAP corrected age for < 37 weeks under 24 months; asq: the publisher's rule;
    mchat: chronological by default (sources disagree; the setting mchat_age).
    """
    rules = current_rules()
    if purpose == "asq":
        early = _asq_weeks_early(ga_weeks, ga_days, rules)
    elif purpose == "mchat" and rules.mchat_age == "chronological":
        early = 0
    else:
        early = weeks_early(ga_weeks, rules)
    if early and within_correction(birth_date, on, rules):
        months, days = months_and_days(corrected_birth_date(birth_date, early), on)
        return FormAge(months, days, corrected=True, weeks_early=early)
    months, days = months_and_days(birth_date, on)
    return FormAge(months, days, corrected=False)


def _describe(months: int, days: int) -> str:
    if months >= 24:
        years = months // 12
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if months == 0:
        weeks = days // 7
        return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


def age_label(birth_date: date, ga_weeks: int | None, on: date) -> str:
    """ "14 months, corrected 12 months" for a preterm child under 24 months
    (docs/clinical-rules.md#corrected-age)."""
    rules = current_rules()
    chronological = _describe(*months_and_days(birth_date, on))
    early = weeks_early(ga_weeks, rules)
    if not early or not within_correction(birth_date, on, rules):
        return chronological
    due = corrected_birth_date(birth_date, early)
    if on < due:
        weeks = -(-(due - on).days // 7)
        before = ngettext("%(n)d week before due date", "%(n)d weeks before due date", weeks)
        return _("%(age)s, %(before)s") % {"age": chronological, "before": before % {"n": weeks}}
    corrected = _describe(*months_and_days(due, on))
    return _("%(age)s, corrected %(corrected)s") % {"age": chronological, "corrected": corrected}
