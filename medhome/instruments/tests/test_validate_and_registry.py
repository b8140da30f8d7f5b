"""validate(), the registry and the shape every definition must have."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from medhome.instruments import registry, thresholds
from medhome.instruments.definitions import (
    ROWS,
    Respondent,
    TextLicense,
    cpt_for,
    icd10_for,
    is_confidential,
)
from medhome.instruments.scoring import InvalidAnswers, score, validate

PHQ9 = registry.get("phq9")
ASQ3 = registry.get("asq3")


def test_unknown_link_id_and_code():
    errors = validate(PHQ9, {"99": "LA6568-5", "4": "LA9999-9", "1": "LA6568-5"})
    assert set(errors) == {"99", "4"}
    assert "LA9999-9" in errors["4"] and "Item 4" in errors["4"]


@pytest.mark.parametrize("value", ["61", "-1", "abc", "12.5", "1e3"])
def test_numbers_must_be_whole_and_in_range(value):
    errors = validate(ASQ3, {"communication": value})
    assert errors == {"communication": "Communication score must be a whole number from 0 to 60."}


def test_blanks_are_not_errors_and_several_codes_need_a_multi_item():
    assert validate(PHQ9, {"1": "", "2": None}) == {}
    assert "one answer" in validate(PHQ9, {"1": "LA6568-5,LA6569-3"})["1"]
    ahc = registry.get("ahc_hrsn")
    assert validate(ahc, {"2": ["LA28580-1", "LA31998-0"]}) == {}
    assert "none" in validate(ahc, {"2": "LA9-3,LA28580-1"})["2"]


def test_score_refuses_invalid_answers():
    with pytest.raises(InvalidAnswers) as caught:
        score(PHQ9, {"1": "nope"})
    assert set(caught.value.errors) == {"1"}


def test_registry_lookup():
    assert registry.get("gad7").name == "GAD-7"
    with pytest.raises(registry.UnknownInstrument):
        registry.get("nope")
    assert {i.key for i in registry.for_row("autism")} == {
        "mchat_r",
        "mchat_rf_followup",
        "swyc_posi",
    }
    assert {i.key for i in registry.for_row("developmental") if i.general_developmental} >= {
        "asq3",
        "swyc_milestones_9",
        "swyc_milestones_18",
        "swyc_milestones_30",
    }
    depression = {i.key for i in registry.for_row("depression_suicide")}
    assert depression == {"phq9", "phqa"}  # PHQ-2 and GAD have no suicide item


@pytest.mark.parametrize("instrument", registry.all_instruments(), ids=lambda i: i.key)
def test_every_definition_is_sourced_and_consistent(instrument):
    assert instrument.citation and instrument.sources and instrument.license_note
    assert set(instrument.rows) <= ROWS
    assert instrument.cpt in {"96110", "96127", "96160", "96161"}
    for item in instrument.items:
        assert item.label
        for option in item.options:
            assert option.label or option.text
    if instrument.text_license != TextLicense.BUNDLED:
        assert instrument.bundled_languages == frozenset()
        assert all(not i.text and all(not o.text for o in i.options) for i in instrument.items)
    else:
        # Bundled items carry authored text in every bundled language.
        for item in instrument.items:
            assert set(item.text) >= instrument.bundled_languages


def test_expected_licence_modes():
    modes = {i.key: i.text_license for i in registry.all_instruments()}
    assert {k for k, v in modes.items() if v == TextLicense.BUNDLED} == {
        "phq2",
        "phq9",
        "gad2",
        "gad7",
        "hvs",
        "ahc_hrsn",
    }
    assert {k for k, v in modes.items() if v == TextLicense.PROPRIETARY} == {"asq3", "asqse2"}


def test_codes_follow_the_respondent():
    gad7 = registry.get("gad7")
    assert cpt_for(gad7, Respondent.CAREGIVER) == "96161"
    assert cpt_for(gad7, Respondent.ADOLESCENT) == "96127"
    assert icd10_for(PHQ9, Respondent.ADOLESCENT) == "Z13.31"
    assert icd10_for(registry.get("epds")) == "Z13.32"
    assert cpt_for(registry.get("mchat_r")) == "96110"
    assert is_confidential(gad7, Respondent.ADOLESCENT)
    assert not is_confidential(gad7, Respondent.CAREGIVER)


def test_threshold_settings_are_checked(settings):
    settings.MEDHOME_INSTRUMENT_THRESHOLDS = {"phq9_positve": 9}
    with pytest.raises(ImproperlyConfigured):
        thresholds.get("phq9_positive_adult")
    settings.MEDHOME_INSTRUMENT_THRESHOLDS = {"mchat_age_basis": "corrected"}
    assert thresholds.get("mchat_age_basis") == "corrected"
