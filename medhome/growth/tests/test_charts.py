"""Which chart at which age, corrected age, derived BMI and the percentile curves."""

from datetime import date, timedelta

import pytest

from medhome.growth import charts
from medhome.growth.charts import GrowthSubject, Measurement
from medhome.growth.references import CDC_BMI, CDC_STATURE, CDC_WEIGHT, WHO_LENGTH, WHO_WEIGHT

BORN = date(2024, 1, 1)


def test_a_term_infant_is_read_on_who_by_chronological_age():
    subject = GrowthSubject(BORN, "male", ga_weeks=39)
    result = charts.assess(subject, Measurement("weight", 3.3464, BORN))
    assert result.reference is WHO_WEIGHT
    assert not result.age.corrected
    assert result.z == pytest.approx(0)


def test_a_preterm_infant_is_read_by_corrected_age():
    """Born at 30 weeks: 10 weeks early, so at 20 weeks old the WHO newborn median fits."""
    subject = GrowthSubject(BORN, "male", ga_weeks=30)
    on = BORN + timedelta(weeks=10)
    result = charts.assess(subject, Measurement("weight", 3.3464, on))
    assert result.age.corrected and result.age.days == 0 and result.age.chronological_days == 70
    assert result.z == pytest.approx(0)
    term = charts.assess(
        GrowthSubject(BORN, "male", ga_weeks=40), Measurement("weight", 3.3464, on)
    )
    assert term.z is not None and term.z < -2  # the same weight by chronological age


def test_before_the_due_date_no_reference_reads_the_measurement():
    subject = GrowthSubject(BORN, "female", ga_weeks=28)
    result = charts.assess(subject, Measurement("weight", 1.2, BORN + timedelta(days=20)))
    assert result.age.days < 0
    assert result.z is None and result.reference is None


def test_correction_stops_at_24_months_chronological_and_cdc_takes_over():
    subject = GrowthSubject(BORN, "female", ga_weeks=30)
    before = charts.assess(subject, Measurement("height", 80, date(2025, 12, 31)))
    after = charts.assess(subject, Measurement("height", 86, date(2026, 1, 2)))
    assert before.reference is WHO_LENGTH and before.age.corrected
    assert after.reference is CDC_STATURE and not after.age.corrected
    assert (
        charts.assess(subject, Measurement("weight", 12, date(2026, 1, 2))).reference is CDC_WEIGHT
    )


def test_bmi_and_head_circumference_have_their_own_age_ranges():
    subject = GrowthSubject(BORN, "male")
    infant_bmi = charts.assess(subject, Measurement("bmi", 17, date(2025, 1, 1)))
    child_head = charts.assess(subject, Measurement("head_circumference", 50, date(2027, 1, 1)))
    assert infant_bmi.reference is None and child_head.reference is None


def test_unknown_sex_has_no_reference():
    result = charts.assess(GrowthSubject(BORN, "unknown"), Measurement("weight", 4, BORN))
    assert result.z is None


def test_bmi_is_derived_from_same_day_weight_and_height_from_24_months():
    subject = GrowthSubject(BORN, "female")
    day, infant_day = date(2029, 1, 1), date(2024, 6, 1)
    measured = [
        Measurement("weight", 20, day),
        Measurement("height", 100, day),
        Measurement("weight", 7, infant_day),
        Measurement("length", 65, infant_day),
    ]
    results = charts.assess_all(subject, measured)
    bmi = [r for r in results if r.kind == "bmi"]
    assert len(bmi) == 1 and bmi[0].measurement.derived and bmi[0].measurement.value == 20.0
    assert bmi[0].reference is CDC_BMI and bmi[0].percent_of_p95 is not None
    weight_for_length = [r for r in results if r.kind == charts.WEIGHT_FOR_LENGTH]
    assert len(weight_for_length) == 1 and weight_for_length[0].x == 65
    assert weight_for_length[0].z is not None


def test_a_recorded_bmi_is_not_recalculated():
    subject = GrowthSubject(BORN, "female")
    day = date(2029, 1, 1)
    measured = [
        Measurement("weight", 20, day),
        Measurement("height", 100, day),
        Measurement("bmi", 21, day),
    ]
    bmi = [r for r in charts.assess_all(subject, measured) if r.kind == "bmi"]
    assert [r.measurement.value for r in bmi] == [21]


def test_a_five_year_old_above_p95_is_read_on_the_extended_tail():
    subject = GrowthSubject(BORN, "male")
    result = charts.assess(subject, Measurement("bmi", 24, date(2029, 1, 15)))
    assert result.extended and result.percentile is not None and result.percentile > 99
    assert result.percent_of_p95 is not None and result.percent_of_p95 > 120


def test_curves_are_ordered_and_the_median_is_the_table_m():
    bands = charts.curves(WHO_WEIGHT, "male", 0, 24)
    assert [c.label for c in bands] == [str(p) for p in charts.PERCENTILES]
    median = next(c for c in bands if c.median)
    assert median.points[0] == (0, pytest.approx(3.3464))
    at_12 = [dict(c.points)[12] for c in bands]
    assert at_12 == sorted(at_12)
    bmi = charts.curves(CDC_BMI, "female", 24, 240)
    assert [c.label for c in bmi][:-1] == [str(p) for p in charts.BMI_PERCENTILES]
    assert bmi[-1].label == "120% P95" and bmi[-1].dashed
    p95 = next(c for c in bmi if c.label == "95")
    assert dict(bmi[-1].points)[60] == pytest.approx(1.2 * dict(p95.points)[60])


def test_latest_keeps_the_newest_of_each_kind():
    subject = GrowthSubject(BORN, "male")
    measured = [
        Measurement("weight", 4, BORN + timedelta(days=30)),
        Measurement("weight", 6, BORN + timedelta(days=90)),
    ]
    newest = charts.latest(charts.assess_all(subject, measured))
    assert [r.measurement.value for r in newest] == [6]
