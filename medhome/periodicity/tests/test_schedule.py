from datetime import date

from django.test import override_settings

from medhome.periodicity.schedule import current_schedule

ON = date(2026, 11, 23)


def test_version_and_32_columns() -> None:
    schedule = current_schedule(ON)
    assert schedule.version == "bright-futures-2024-06"
    assert schedule.effective_from == date(2024, 6, 1)
    assert "e2024067201" in schedule.source
    assert len(schedule.visits) == 32
    assert [v.key for v in schedule.visits][:4] == ["prenatal", "newborn", "3-5d", "1mo"]
    assert schedule.visits[-1].key == "21y"


def test_fixed_vocabulary_of_the_instruments() -> None:
    schedule = current_schedule(ON)
    assert schedule.row("developmental").visit_keys == ("9mo", "18mo", "30mo")
    assert schedule.row("autism").visit_keys == ("18mo", "24mo")
    assert schedule.row("caregiver_depression").visit_keys == ("1mo", "2mo", "4mo", "6mo")
    every = tuple(v.key for v in schedule.timed_visits)
    assert schedule.row("behavioral").visit_keys == every
    assert schedule.row("social_needs").visit_keys == every
    assert schedule.row("depression_suicide").visit_keys == schedule.visits_between("12y", "21y")
    substance = schedule.row("substance_use")
    assert substance.visit_keys[0] == "11y" and substance.unverified and substance.confidential
    assert schedule.row("preventive_visit").visit_keys == every
    for key in ("depression_suicide", "hiv", "sti", "substance_use"):
        assert schedule.row(key).confidential


def test_grid_rows_and_kinds() -> None:
    schedule = current_schedule(ON)
    assert schedule.row("hiv").kind == "range" and schedule.row("hiv").span == ("15y", "21y")
    assert schedule.row("fluoride_varnish").kind == "recurring"
    assert schedule.row("newborn_cchd").kind == "newborn"
    assert schedule.row("cervical_dysplasia").sex == "female"
    assert schedule.row("lipid_17_21").unverified
    for key in (
        "vision",
        "hearing",
        "blood_pressure",
        "bmi",
        "lead",
        "anemia",
        "tuberculosis",
        "hepatitis_b",
        "hepatitis_c",
        "sudden_cardiac_arrest",
        "oral_health",
        "newborn_blood",
        "newborn_bilirubin",
        "newborn_hearing",
        "lipid_9_11",
    ):
        schedule.row(key)


@override_settings(
    MEDHOME_PERIODICITY_RULES={
        "social_needs_visits": ["2mo", "4mo"],
        "fluoride_varnish_every_months": 3,
        "lipid_second_from_visit": "18y",
        "substance_use_from_visit": "12y",
    }
)
def test_unverified_cells_are_settings() -> None:
    schedule = current_schedule(ON)
    assert schedule.row("social_needs").visit_keys == ("2mo", "4mo")
    assert schedule.row("fluoride_varnish").every_months == 3
    assert schedule.row("lipid_17_21").span == ("18y", "21y")
    assert schedule.row("substance_use").visit_keys[0] == "12y"


def test_dates_before_the_first_version_get_the_first() -> None:
    assert current_schedule(date(2020, 1, 1)).version == "bright-futures-2024-06"
