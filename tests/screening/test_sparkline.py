"""The score-over-time line on the chart's screening history: an SVG drawn by the server, whose
numbers must keep their decimal point in Spanish (a "12,5" is not drawn)."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

POINTS = [(date(2026, 1, 5), 3), (date(2026, 2, 9), 11), (date(2026, 3, 2), 7)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_line_and_its_dots_have_decimal_points_in_every_language(language):
    with translation.override(language):
        html = render_to_string("screening/_sparkline.html", {"points": POINTS})
    dots = re.findall(r'<circle cx="([^"]*)" cy="([^"]*)"', html)
    assert len(dots) == 3
    coordinates = [value for dot in dots for value in dot]
    assert any("." in value for value in coordinates)  # fractional: 3 dots over the width
    for value in coordinates:
        assert re.fullmatch(r"\d+(\.\d+)?", value), value
    line = re.search(r'<polyline [^>]*points="([^"]*)"', html)
    assert line and re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+){2}", line.group(1))
    assert "01/05/2026 3" in html  # the label: the dates and the totals as they were
