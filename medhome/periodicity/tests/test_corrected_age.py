from datetime import date

import pytest
from django.test import override_settings

from medhome.periodicity.corrected_age import age_label, form_age_months, months_and_days

BIRTH = date(2025, 1, 10)
NINE_MONTHS = date(2025, 10, 10)


@pytest.mark.parametrize(
    ("weeks", "expected_months", "corrected"),
    [(24, 5, True), (30, 6, True), (33, 7, True), (36, 8, True), (37, 9, False), (40, 9, False)],
)
def test_form_age_at_the_nine_month_visit(weeks: int, expected_months: int, corrected: bool):
    age = form_age_months(BIRTH, weeks, 0, NINE_MONTHS, purpose="developmental")
    assert (age.months, age.corrected) == (expected_months, corrected)
    if corrected:
        assert age.weeks_early == 40 - weeks


def test_corrected_age_stops_at_24_months() -> None:
    day_before = form_age_months(BIRTH, 28, 0, date(2027, 1, 9))
    assert day_before.corrected and day_before.months == 21
    at_24 = form_age_months(BIRTH, 28, 0, date(2027, 1, 10))
    assert not at_24.corrected and at_24.months == 24


def test_asq_rounds_days_and_adjusts_from_three_weeks_early() -> None:
    # 33 w 5 d rounds to 34 w: 6 weeks early; 33 w 3 d stays 33 w: 7 weeks early.
    assert form_age_months(BIRTH, 33, 5, NINE_MONTHS, purpose="asq").weeks_early == 6
    assert form_age_months(BIRTH, 33, 3, NINE_MONTHS, purpose="asq").weeks_early == 7
    # Publisher rule against a term of 40: 37 w is 3 weeks early (adjusted), 38 w is not.
    assert form_age_months(BIRTH, 37, 0, NINE_MONTHS, purpose="asq").corrected
    assert not form_age_months(BIRTH, 38, 0, NINE_MONTHS, purpose="asq").corrected
    with override_settings(MEDHOME_PERIODICITY_RULES={"asq_term_weeks": 39}):
        assert not form_age_months(BIRTH, 37, 0, NINE_MONTHS, purpose="asq").corrected


def test_mchat_is_chronological_unless_set() -> None:
    eighteen = date(2026, 7, 10)
    assert form_age_months(BIRTH, 30, 0, eighteen, purpose="mchat").months == 18
    with override_settings(MEDHOME_PERIODICITY_RULES={"mchat_age": "corrected"}):
        assert form_age_months(BIRTH, 30, 0, eighteen, purpose="mchat").months == 15


def test_age_label() -> None:
    assert age_label(BIRTH, 32, date(2026, 3, 10)) == "14 months, corrected 12 months"
    assert age_label(BIRTH, 39, date(2026, 3, 10)) == "14 months"
    assert age_label(BIRTH, None, date(2026, 3, 10)) == "14 months"
    assert age_label(BIRTH, 31, date(2027, 3, 10)) == "2 years"
    assert age_label(BIRTH, 26, date(2025, 3, 10)) == "2 months, 6 weeks before due date"


def test_months_and_days_clamps() -> None:
    assert months_and_days(date(2024, 1, 31), date(2024, 2, 29)) == (1, 0)
    assert months_and_days(date(2024, 1, 31), date(2024, 2, 28)) == (0, 28)
