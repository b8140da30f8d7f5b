"""The percentile curves' images: each curve lands where the chart's own scales put it, whatever
part of the reference's range the chart shows; the images are cacheable, need no login and know
nothing but a reference and a sex."""

import re

import pytest
from django.urls import reverse

from medhome.growth import curve_images, plots
from medhome.growth.charts import curves
from medhome.growth.references import (
    CDC_BMI,
    CDC_STATURE,
    REFERENCES,
    WHO_HEAD,
    WHO_WEIGHT_FOR_LENGTH,
)


def image_points(path: str) -> list[tuple[int, int]]:
    return [(int(x), int(y)) for x, y in re.findall(r"(-?\d+),(-?\d+)", path)]


# (reference, sex, the chart's x range, its y range): a 5-year-old's and a teenager's part of
# the 2–20 year charts, an infant's whole WHO chart, a short part of weight-for-length, and a
# y range stretched past the curves by a child far above them.
AXES = [
    (CDC_BMI, "male", 24, 72, 12, 24),
    (CDC_BMI, "female", 24, 204, 10, 45),
    (CDC_STATURE, "female", 24, 96, 70, 140),
    (WHO_HEAD, "male", 0, 24, 30, 52),
    (WHO_WEIGHT_FOR_LENGTH, "female", 60, 80, 4, 14),
    (WHO_WEIGHT_FOR_LENGTH, "male", 45, 110, 0, 40),
]


@pytest.mark.parametrize(("reference", "sex", "x_from", "x_to", "y_from", "y_to"), AXES)
def test_every_curve_point_lands_where_the_charts_scales_put_it(
    reference, sex, x_from, x_to, y_from, y_to
):
    drawn = curve_images.image(reference.key, sex)
    sx, sy = plots._scales(x_from, x_to, y_from, y_to)
    box = plots._curves_box(reference.key, sex, sx, sy)
    full = [c for c in curves(reference, sex, drawn.x_from, drawn.x_to) if c.points]
    assert len(full) == len(drawn.paths)
    checked = 0
    for curve, path in zip(full, drawn.paths, strict=True):
        assert (path.median, path.dashed) == (curve.median, curve.dashed)
        for (x, value), (ix, iy) in zip(curve.points, image_points(path.d), strict=True):
            if not x_from <= x <= x_to:
                continue  # outside the plot's area, which clips the image
            page_x = box.x + ix / curve_images.IMAGE_SIZE * box.width
            page_y = box.y + iy / curve_images.IMAGE_SIZE * box.height
            # Within a quarter of a viewBox unit (the chart is ~1.1 px a unit on a phone).
            assert abs(page_x - sx(x)) < 0.25 and abs(page_y - sy(value)) < 0.25, (x, value)
            checked += 1
    assert checked > 20


def test_an_image_for_every_reference_and_sex_and_none_for_anything_else():
    for reference in REFERENCES:
        for sex in ("female", "male"):
            svg = curve_images.image(reference.key, sex).svg.decode()
            assert svg.startswith("<svg") and "<script" not in svg
            assert 'preserveAspectRatio="none"' in svg and "non-scaling-stroke" in svg
    assert curve_images.image("cdc_bmi_for_age", "unknown") is None
    assert curve_images.image("not_a_reference", "male") is None


def test_the_severe_obesity_line_is_dashed_and_the_median_stands_out():
    svg = curve_images.image(CDC_BMI.key, "female").svg.decode()
    assert svg.count('stroke-dasharray="4 3"') == 1  # 120% of P95
    assert svg.count('stroke-width="1.6"') == 1  # the median


def test_the_image_is_served_without_login_and_kept_by_the_browser(client):
    url = curve_images.url(CDC_BMI.key, "female")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.content == curve_images.image(CDC_BMI.key, "female").svg
    path = reverse("growth:curves", kwargs={"reference_key": CDC_BMI.key, "sex": "female"})
    # A page opened before a release asks for an older drawing: the current one, briefly kept.
    older = client.get(f"{path}?v=000000000000")
    assert older.status_code == 200 and older["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize(
    ("reference_key", "sex"), [("cdc_bmi_for_age", "unknown"), ("no_such_chart", "male")]
)
def test_an_unknown_reference_or_sex_is_not_found(client, reference_key, sex):
    path = reverse("growth:curves", kwargs={"reference_key": reference_key, "sex": sex})
    assert client.get(path).status_code == 404


def test_the_url_names_the_drawing():
    first = curve_images.url(CDC_BMI.key, "male")
    assert first.endswith(f"?v={curve_images.image(CDC_BMI.key, 'male').version}")
    assert curve_images.image(CDC_BMI.key, "male").version != (
        curve_images.image(CDC_BMI.key, "female").version
    )
