"""The LMS method and its two published extensions, as plain functions of numbers.

z = ((X/M)^L − 1)/(L·S), or ln(X/M)/S when L is 0, and percentile = 100·Φ(z) (Cole TJ, Green PJ,
Stat Med 1992;11:1305; docs/clinical-rules.md#growth). WHO extrapolates beyond ±3 SD with the
distance between its 2 and 3 SD values; the CDC 2022 extended BMI replaces the percentile above
the 95th with a half-normal tail (Wei R et al., Ann Hum Biol 2020;47:514). No scipy: the normal
distribution is the standard library's.
"""

import math
from statistics import NormalDist

_NORMAL = NormalDist()
# Below this |L| the Box-Cox power is its logarithmic limit (the threshold a published engine
# uses; the tables' L is never this small except where it is exactly 0).
_L_ZERO = 1e-6
P95_Z = _NORMAL.inv_cdf(0.95)  # 1.6449, the z of the 95th percentile


def percentile_of(z: float) -> float:
    return 100 * _NORMAL.cdf(z)


def z_of_percentile(percentile: float) -> float:
    return _NORMAL.inv_cdf(percentile / 100)


def lms_z(x: float, l: float, m: float, s: float) -> float:  # noqa: E741 (the method's name)
    if abs(l) < _L_ZERO:
        return math.log(x / m) / s
    return ((x / m) ** l - 1) / (l * s)


def lms_value(z: float, l: float, m: float, s: float) -> float:  # noqa: E741
    """The measurement at z: the curve of a percentile (the inverse of lms_z)."""
    if abs(l) < _L_ZERO:
        return m * math.exp(s * z)
    return m * (1 + l * s * z) ** (1 / l)


def who_z(x: float, l: float, m: float, s: float) -> float:  # noqa: E741
    """WHO z-score: beyond ±3 SD the LMS curve is replaced by a straight line with the spacing
    between the 2 and 3 SD values (the WHO igrowup/anthro convention, so that extreme values do
    not bunch up where the skewed curve flattens; docs/clinical-rules.md#growth — the formula is
    unverified against a WHO text)."""
    z = lms_z(x, l, m, s)
    if z > 3:
        sd3 = lms_value(3, l, m, s)
        return 3 + (x - sd3) / (sd3 - lms_value(2, l, m, s))
    if z < -3:
        sd3 = lms_value(-3, l, m, s)
        return -3 + (x - sd3) / (lms_value(-2, l, m, s) - sd3)
    return z


def cdc_bmi_sigma(*, male: bool, age_months: float) -> float:
    """The scale of the half-normal tail above P95, CDC's quadratic in age in years
    (CDC extended BMI data file page; docs/clinical-rules.md#growth)."""
    years = age_months / 12
    if male:
        return 0.3728 + 0.5196 * years - 0.0091 * years**2
    return 0.8334 + 0.3712 * years - 0.0011 * years**2


def extended_bmi(
    bmi: float,
    l: float,  # noqa: E741
    m: float,
    s: float,
    *,
    sigma: float,  # noqa: E741
) -> tuple[float, float, bool]:
    """(z, percentile, extended) for a BMI on the CDC 2022 extended charts: the 2000 LMS at or
    below P95; above it percentile = 90 + 10·Φ((BMI − P95)/sigma) and z = Φ⁻¹(percentile/100),
    because the LMS curve with negative L cannot reach very high BMIs."""
    p95 = lms_value(P95_Z, l, m, s)
    if bmi <= p95:
        z = lms_z(bmi, l, m, s)
        return z, percentile_of(z), False
    percentile = 90 + 10 * _NORMAL.cdf((bmi - p95) / sigma)
    # Φ⁻¹ is infinite at 100: a BMI far out in the tail keeps the largest finite z.
    percentile = min(percentile, 100 - 1e-12)
    return z_of_percentile(percentile), percentile, True


def extended_bmi_value(
    percentile: float,
    l: float,  # noqa: E741
    m: float,
    s: float,
    *,
    sigma: float,  # noqa: E741
) -> float:
    """The BMI at a percentile on the extended charts (the inverse of extended_bmi)."""
    if percentile <= 95:
        return lms_value(z_of_percentile(percentile), l, m, s)
    p95 = lms_value(P95_Z, l, m, s)
    return _NORMAL.inv_cdf((percentile - 90) / 10) * sigma + p95
