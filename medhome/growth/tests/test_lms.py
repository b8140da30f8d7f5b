"""The LMS method against the worked checks CDC publishes (periodicity.md §5.4.6) and WHO's
own table values."""

import pytest

from medhome.growth import lms
from medhome.growth.references import (
    CDC_BMI,
    FEMALE,
    MALE,
    WHO_WEIGHT,
    WHO_WEIGHT_FOR_LENGTH,
    table,
)


def test_cdc_girl_below_p95_reads_the_2000_lms():
    """Girl, 114.5 months, BMI 21.2: z = 1.4215, percentile 92.2 (CDC's example)."""
    parameters = (-2.257782149, 16.57626713, 0.132796819)
    assert table(CDC_BMI).lms(FEMALE, 114.5) == parameters  # the shipped table is CDC's
    sigma = lms.cdc_bmi_sigma(male=False, age_months=114.5)
    z, percentile, extended = lms.extended_bmi(21.2, *parameters, sigma=sigma)
    assert not extended
    assert z == pytest.approx(1.4215, abs=1e-4)
    assert percentile == pytest.approx(92.2, abs=0.05)


def test_cdc_boy_above_p95_reads_the_extended_tail():
    """Boy, 50.5 months, BMI 22.6: P95 17.8219, sigma 2.3983 → percentile 99.7683, z 2.83."""
    parameters = table(CDC_BMI).lms(MALE, 50.5)
    assert parameters is not None
    assert lms.lms_value(lms.P95_Z, *parameters) == pytest.approx(17.8219, abs=1e-4)
    sigma = lms.cdc_bmi_sigma(male=True, age_months=50.5)
    assert sigma == pytest.approx(2.3983, abs=1e-4)
    z, percentile, extended = lms.extended_bmi(22.6, *parameters, sigma=sigma)
    assert extended
    assert percentile == pytest.approx(99.7683, abs=1e-4)
    assert z == pytest.approx(2.83, abs=0.005)


def test_cdc_girl_bmi_at_a_z_score():
    """Girl, 184.5 months, z = 1.5 → BMI 27.2."""
    parameters = (-2.060616513, 20.11172291, 0.150079322)
    assert table(CDC_BMI).lms(FEMALE, 184.5) == parameters
    assert lms.lms_value(1.5, *parameters) == pytest.approx(27.2, abs=0.05)


def test_cdc_boy_bmi_at_an_extended_percentile():
    """Boy, 92.5 months, 98.7th percentile: sigma 3.837343, P95 19.7477 → BMI 24.1."""
    parameters = table(CDC_BMI).lms(MALE, 92.5)
    assert parameters is not None
    sigma = lms.cdc_bmi_sigma(male=True, age_months=92.5)
    assert sigma == pytest.approx(3.837343, abs=1e-5)
    assert lms.lms_value(lms.P95_Z, *parameters) == pytest.approx(19.7477, abs=1e-4)
    assert lms.extended_bmi_value(98.7, *parameters, sigma=sigma) == pytest.approx(24.1, abs=0.05)


def test_extended_percentile_and_its_inverse_agree():
    parameters = table(CDC_BMI).lms(FEMALE, 60.5)
    assert parameters is not None
    sigma = lms.cdc_bmi_sigma(male=False, age_months=60.5)
    for percentile in (50, 94.9, 97, 99.9):
        bmi = lms.extended_bmi_value(percentile, *parameters, sigma=sigma)
        assert lms.extended_bmi(bmi, *parameters, sigma=sigma)[1] == pytest.approx(percentile)


def test_who_median_weight_of_a_boy_at_birth_is_z_zero():
    parameters = table(WHO_WEIGHT).lms(MALE, 0)
    assert parameters == (0.3487, 3.3464, 0.14602)  # weianthro.txt, sex 1, day 0
    assert lms.who_z(3.3464, *parameters) == pytest.approx(0)
    assert lms.percentile_of(0) == pytest.approx(50)


def test_who_beyond_three_sd_steps_by_the_distance_between_2_and_3_sd():
    parameters = table(WHO_WEIGHT).lms(MALE, 0)
    assert parameters is not None
    sd2, sd3 = lms.lms_value(2, *parameters), lms.lms_value(3, *parameters)
    assert lms.who_z(sd3 + (sd3 - sd2), *parameters) == pytest.approx(4)
    # The LMS curve itself (L > 0) would put that weight further out than 4 SD.
    assert lms.lms_z(sd3 + (sd3 - sd2), *parameters) != pytest.approx(4, abs=0.01)
    sd2_low, sd3_low = lms.lms_value(-2, *parameters), lms.lms_value(-3, *parameters)
    assert lms.who_z(sd3_low - (sd2_low - sd3_low), *parameters) == pytest.approx(-4)


def test_log_branch_when_l_is_zero():
    assert lms.lms_z(10 * 2.718281828459045**0.2, 0, 10, 0.1) == pytest.approx(2)
    assert lms.lms_value(2, 0, 10, 0.1) == pytest.approx(10 * 2.718281828459045**0.2)


def test_tables_interpolate_linearly_and_refuse_outside_their_span():
    data = table(WHO_WEIGHT_FOR_LENGTH)
    low, high = data.lms(MALE, 45.0), data.lms(MALE, 45.1)
    middle = data.lms(MALE, 45.05)
    assert low and high and middle
    assert middle[1] == pytest.approx((low[1] + high[1]) / 2)
    assert data.lms(MALE, 44.9) is None
    assert table(CDC_BMI).lms(MALE, 240.5) is None
