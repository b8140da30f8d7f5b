"""The growth section of the chart, from the EHR's observations: a preterm infant plotted by
corrected age, a 5-year-old on the extended BMI chart, who may see it, and its query count."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.ehr.models import Observation
from tests import factories
from tests.budgets import CHART_QUERIES

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.UTC), tick=False):
        yield


def observe(child, kind: str, value: str, on: date) -> None:
    Observation.objects.create(
        practice=child.practice,
        child=child,
        kind=kind,
        code="",
        value=Decimal(value),
        unit="",
        effective_on=on,
        source_key=f"test|{child.mrn}|{kind}|{on.isoformat()}",
        content_hash="0",
        imported_at=timezone.now(),
    )


def chart(client, child) -> str:
    response = client.get(reverse("families:chart", kwargs={"child_id": child.pk}))
    assert response.status_code == 200
    return response.content.decode()


def growth_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="growth-heading".*?</section>', html, re.S)
    assert match, "no growth section on the chart"
    return match.group(0)


@pytest.fixture
def preterm_infant(family_a):
    """Born at 28 weeks, four months ago: 12 weeks early, about one month corrected."""
    child = factories.add_child(
        family_a,
        legal_given_name="Lía",
        mrn="LG-3001",
        sex_at_birth="male",
        date_of_birth=TODAY - timedelta(days=122),
        gestational_age_weeks=28,
    )
    observe(child, "weight", "1.1", TODAY - timedelta(days=122))  # before the due date
    observe(child, "weight", "3.6", TODAY - timedelta(days=30))  # 8 days corrected
    observe(child, "weight", "4.5", TODAY)
    observe(child, "length", "54", TODAY)
    observe(child, "head_circumference", "37.3", TODAY)
    return child


@pytest.fixture
def five_year_old(family_a):
    child = factories.add_child(
        family_a,
        legal_given_name="Mateo",
        mrn="MG-3002",
        sex_at_birth="male",
        date_of_birth=date(2021, 1, 15),
    )
    for years, weight, height in ((2, "12.5", "87"), (3, "16", "96"), (4, "20", "103")):
        observe(child, "weight", weight, date(2021 + years, 1, 20))
        observe(child, "height", height, date(2021 + years, 1, 20))
    observe(child, "weight", "26", TODAY)
    observe(child, "height", "110", TODAY)  # BMI 21.5, above P95 at 61 months
    return child


def test_a_preterm_infant_is_plotted_by_corrected_age(client_a, preterm_infant):
    section = growth_section(chart(client_a, preterm_infant))
    assert "Born at 28 weeks" in section and "corrected" in section
    assert "4.0 months" not in section  # the chronological age is not the one used
    assert "1.2 months corrected" in section  # 122 − 84 days
    for title in (
        "Weight-for-age",
        "Length-for-age",
        "Head circumference-for-age",
        "Weight-for-length",
    ):
        assert title in section
    assert 'muted">WHO 2006' in section and 'muted">CDC 2000' not in section
    assert section.count('class="growth-point"') == 2 + 1 + 1 + 1  # birth is before due date
    assert "<svg" in section and "<script" not in section


def test_a_five_year_old_above_p95_is_read_on_the_extended_bmi_chart(client_a, five_year_old):
    section = growth_section(chart(client_a, five_year_old))
    assert 'muted">CDC 2022' in section and "BMI-for-age" in section
    assert "21.5 kg/m²" in section and "calculated" in section
    assert "of P95" in section  # the extended method's badge
    assert "120% P95" in section  # the severe-obesity line is drawn
    assert 'muted">WHO 2006' not in section
    row = re.search(r"BMI</th>.*?</tr>", section, re.S)
    assert row and re.search(r">\+2\.\d\d<", row.group(0))


def test_the_query_count_does_not_grow_with_measurements(
    client_a, preterm_infant, five_year_old, django_assert_max_num_queries
):
    chart(client_a, preterm_infant)  # warm the caches of the first request
    # The whole chart (tests/test_search.py counts its parts; the open tasks, the next steps
    # and the team notes the last three).
    with django_assert_max_num_queries(CHART_QUERIES) as few:
        chart(client_a, five_year_old)
    for month in range(1, 13):
        observe(five_year_old, "weight", "18", date(2024, month, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        chart(client_a, five_year_old)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.LEGAL_PARTNER, Role.PRACTICE_ADMIN])
def test_roles_without_clinical_results_see_no_growth(
    log_in, staff_a, practice_a, five_year_old, role
):
    html = chart(log_in(staff_a[role], practice_a), five_year_old)
    assert "growth-heading" not in html and "Percentile" not in html


def test_a_child_without_measurements_says_so(client_a, child_a):
    assert "No growth measurements from the EHR yet." in growth_section(chart(client_a, child_a))


# An SVG number: a decimal point whatever the reader's language (a "273,4" is not drawn).
SVG_NUMBER = r"-?\d+(\.\d+)?"


def svg_numbers_are_plain(svg: str) -> None:
    for name, value in re.findall(r'\s(cx|cy|x|y|x1|x2|y1|y2|dy|width|height)="([^"]*)"', svg):
        assert re.fullmatch(SVG_NUMBER, value), (name, value)
    for path in re.findall(r'\sd="([^"]*)"', svg):
        assert re.fullmatch(rf"M{SVG_NUMBER},{SVG_NUMBER}( L{SVG_NUMBER},{SVG_NUMBER})*", path)
    for points in re.findall(r'\spoints="([^"]*)"', svg):
        assert re.fullmatch(rf"{SVG_NUMBER},{SVG_NUMBER}( {SVG_NUMBER},{SVG_NUMBER})*", points)


def test_the_plots_draw_in_spanish_with_decimal_points(client_a, preterm_infant):
    client_a.post(reverse("set_language"), {"language": "es", "next": "/"})
    section = growth_section(chart(client_a, preterm_infant))
    assert "Peso para la edad" in section  # the page is in Spanish
    svgs = re.findall(r"<svg.*?</svg>", section, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        svg_numbers_are_plain(svg)
    # Fractional coordinates are there to be broken: the points and the curves have them.
    assert re.search(r'cx="\d+\.\d"', section)


def test_a_second_child_on_the_same_axes_gets_the_same_curves_and_its_own_points(
    client_a, preterm_infant, family_a
):
    """The curves are one image per reference and sex (growth.curve_images): another boy's
    chart of the same age shows the same image in the same place, and his own measurements."""
    first = growth_section(chart(client_a, preterm_infant))
    twin = factories.add_child(
        family_a,
        legal_given_name="Leo",
        mrn="LG-3003",
        sex_at_birth="male",
        date_of_birth=preterm_infant.date_of_birth,
        gestational_age_weeks=28,
    )
    observe(twin, "weight", "4.1", TODAY)
    second = growth_section(chart(client_a, twin))

    def curves(section: str) -> list[str]:
        return re.findall(r'<image class="growth-curves-image"[^>]*>', section)

    def points(section: str) -> list[str]:
        return re.findall(r'<circle class="growth-point" cx="[^"]*" cy="[^"]*"', section)

    weight_for_age = 0  # the first plot of each: weight-for-age, the same axes for both
    first_curves = curves(first.split("</svg>")[weight_for_age])
    assert len(first_curves) == 1
    assert 'href="/growth/curves/who_weight_for_age/male.svg?v=' in first_curves[0]
    assert first_curves == curves(second.split("</svg>")[weight_for_age])
    assert len(points(second)) == 1 and points(second)[0] not in points(first)
    assert "<path" not in first  # the page carries the child's own drawing only
