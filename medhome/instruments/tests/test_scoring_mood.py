"""PHQ-2, PHQ-9, PHQ-A, EPDS, GAD-2, GAD-7 at every band boundary."""

import pytest

from medhome.instruments import registry
from medhome.instruments.catalog._common import NO, YES
from medhome.instruments.definitions import Respondent

from .helpers import code_for, run, with_total

PHQ9 = registry.get("phq9")
# Items 1–8 carry the points so item 9 (self-harm) stays 0 unless a test sets it.
NON_CRITICAL = [str(n) for n in range(1, 9)] + ["9"]


def phq9(total: int, **extra: str) -> dict[str, str]:
    return {**with_total(PHQ9, total, NON_CRITICAL), **extra}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (4, "none"),
        (5, "mild"),
        (6, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (11, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (16, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (21, "severe"),
        (24, "severe"),
    ],
)
def test_phq9_bands(total, band):
    outcome = run("phq9", phq9(total))
    assert (outcome.complete, outcome.total, outcome.band) == (True, total, band)
    assert outcome.critical == ()


@pytest.mark.parametrize(
    ("total", "age", "positive"),
    [
        (9, None, False),
        (10, None, True),
        (11, None, True),
        (10, 40, True),
        (10, 16, False),
        (11, 16, True),
        (12, 16, True),
        (10, 12, False),
        (10, 17, False),
        (10, 18, True),
        (10, 11, True),
    ],
)
def test_phq9_positive_is_age_keyed(total, age, positive):
    outcome = run("phq9", phq9(total), age_years=age)
    assert outcome.positive is positive
    assert outcome.next_step == ("evaluate" if positive else "")


def test_phq9_adolescent_respondent_without_age_uses_adolescent_cutoff():
    outcome = run("phq9", phq9(10), respondent=Respondent.ADOLESCENT)
    assert (outcome.positive, outcome.cutoff) == (False, 11)
    assert (outcome.cpt, outcome.icd10) == ("96127", "Z13.31")
    caregiver = run("phq9", phq9(10), respondent=Respondent.CAREGIVER)
    assert (caregiver.positive, caregiver.cpt, caregiver.icd10) == (True, "96161", "Z13.32")


def test_phq9_cutoffs_are_settings(settings):
    settings.MEDHOME_INSTRUMENT_THRESHOLDS = {"phq9_positive_adolescent": 10}
    assert run("phq9", phq9(10), age_years=15).positive is True


def test_phq9_item9_is_critical_and_difficulty_is_neither_scored_nor_required():
    answers = phq9(3, **{"9": code_for(PHQ9.item("9"), 1)})
    outcome = run("phq9", answers)
    assert outcome.complete and outcome.total == 4
    assert [(c.link_id, c.kind) for c in outcome.critical] == [("9", "self_harm")]
    assert outcome.next_step == "safety_review"
    with_difficulty = run("phq9", {**answers, "10": "LA6574-3"})
    assert with_difficulty.total == 4


def test_incomplete_phq9_has_no_total_but_item9_still_fires():
    item9 = PHQ9.item("9")
    outcome = run("phq9", {"1": "LA6571-9", "9": code_for(item9, 2)})
    assert (outcome.complete, outcome.total, outcome.band, outcome.positive) == (
        False,
        None,
        "",
        None,
    )
    assert [c.kind for c in outcome.critical] == ["self_harm"]


@pytest.mark.parametrize(("total", "positive"), [(2, False), (3, True), (4, True)])
def test_phq2_gate(total, positive):
    outcome = run("phq2", with_total(registry.get("phq2"), total))
    assert outcome.positive is positive
    assert outcome.next_step_pending is positive
    assert outcome.next_step == ("give_phq9" if positive else "")
    assert outcome.critical == ()


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [(9, "mild", False), (10, "moderate", False), (11, "moderate", True), (12, "moderate", True)],
)
def test_phqa_total_uses_adolescent_cutoff(total, band, positive):
    answers = with_total(registry.get("phqa"), total, NON_CRITICAL)
    outcome = run("phqa", answers)
    assert (outcome.total, outcome.band, outcome.positive) == (total, band, positive)
    assert outcome.cpt == "96127"


def test_phqa_extras_are_not_in_the_total_and_suicide_questions_are_critical():
    base = with_total(registry.get("phqa"), 0, NON_CRITICAL)
    answers = {**base, "past_year": YES, "difficulty": "LA6575-0", "ever_attempt": NO}
    outcome = run("phqa", answers)
    assert (outcome.total, outcome.critical, outcome.flags) == (0, (), ("phqa_past_year",))
    thoughts = run("phqa", {**base, "past_month_thoughts": YES})
    attempt = run("phqa", {**base, "ever_attempt": YES})
    assert [c.link_id for c in thoughts.critical] == ["past_month_thoughts"]
    assert [c.link_id for c in attempt.critical] == ["ever_attempt"]
    partial = run("phqa", {"ever_attempt": YES})
    assert not partial.complete and [c.kind for c in partial.critical] == ["self_harm"]


def test_phqa_is_confidential():
    assert registry.get("phqa").confidential and registry.get("crafft").confidential


EPDS = registry.get("epds")
EPDS_NON_CRITICAL = [str(n) for n in range(1, 10)] + ["10"]


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (0, "low", False),
        (9, "low", False),
        (10, "possible", True),
        (11, "possible", True),
        (12, "possible", True),
        (13, "probable", True),
        (14, "probable", True),
        (27, "probable", True),
    ],
)
def test_epds_bands(total, band, positive):
    outcome = run("epds", with_total(EPDS, total, EPDS_NON_CRITICAL))
    assert (outcome.total, outcome.band, outcome.positive) == (total, band, positive)


def test_epds_positive_cutoff_is_a_setting(settings):
    settings.MEDHOME_INSTRUMENT_THRESHOLDS = {"epds_positive": 13}
    outcome = run("epds", with_total(EPDS, 12, EPDS_NON_CRITICAL))
    assert (outcome.band, outcome.positive) == ("low", False)


def test_epds_reverse_scored_items_score_from_the_top():
    # Printed position "a" (top) is 0 on items 1, 2, 4 and 3 on the starred items.
    answers = {str(n): "a" for n in range(1, 11)}
    outcome = run("epds", answers)
    assert outcome.total == 3 * 7
    assert {i.link_id for i in EPDS.items if i.option("a").score == 3} == {
        "3",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
    }
    all_bottom = run("epds", {str(n): "d" for n in range(1, 11)})
    assert all_bottom.total == 3 * 3 and all_bottom.critical == ()


@pytest.mark.parametrize(("points", "flag"), [(3, False), (4, True), (5, True)])
def test_epds_3a_anxiety_subscale(points, flag):
    answers = {**with_total(EPDS, 0), **with_total(EPDS, points, ["3", "4", "5"])}
    outcome = run("epds", answers)
    assert outcome.subscores == {"anxiety": points}
    assert ("epds_anxiety" in outcome.flags) is flag


def test_incomplete_epds_item10_still_fires():
    outcome = run("epds", {"1": "a", "10": code_for(EPDS.item("10"), 1)})
    assert (outcome.complete, outcome.total, outcome.band) == (False, None, "")
    assert [(c.link_id, c.kind) for c in outcome.critical] == [("10", "self_harm")]
    assert outcome.next_step == "safety_review"
    assert run("epds", {"10": code_for(EPDS.item("10"), 0)}).critical == ()


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (4, "none", False),
        (5, "mild", False),
        (6, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (11, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (16, "severe", True),
    ],
)
def test_gad7_bands(total, band, positive):
    outcome = run("gad7", with_total(registry.get("gad7"), total))
    assert (outcome.total, outcome.band, outcome.positive) == (total, band, positive)


@pytest.mark.parametrize(("total", "positive"), [(2, False), (3, True), (4, True)])
def test_gad2(total, positive):
    outcome = run("gad2", with_total(registry.get("gad2"), total))
    assert (outcome.positive, outcome.next_step_pending) == (positive, positive)
