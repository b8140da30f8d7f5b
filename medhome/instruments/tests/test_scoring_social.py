"""Hunger Vital Sign and AHC HRSN."""

import pytest

from medhome.instruments.definitions import Respondent

from .helpers import run

OFTEN, SOMETIMES, NEVER, DECLINED = "LA28397-0", "LA6729-3", "LA28398-8", "LA15775-2"


@pytest.mark.parametrize(
    ("first", "second", "band", "positive"),
    [
        (NEVER, NEVER, "negative", False),
        (OFTEN, NEVER, "positive", True),
        (NEVER, SOMETIMES, "positive", True),
        (DECLINED, SOMETIMES, "positive", True),
        (DECLINED, NEVER, "negative", False),
        (DECLINED, DECLINED, "not_determined", None),
    ],
)
def test_hvs(first, second, band, positive):
    outcome = run("hvs", {"1": first, "2": second})
    assert (outcome.band, outcome.positive) == (band, positive)
    assert outcome.positive_domains == (("food",) if positive else ())


def test_hvs_billing_by_respondent():
    outcome = run("hvs", {"1": NEVER, "2": NEVER}, respondent=Respondent.ADOLESCENT)
    assert outcome.cpt == "96160"


# "Either" statement often or sometimes true is at risk (Hager 2010; instruments.md §7): one such
# answer decides the result even when the other statement was left blank (issue 14).
@pytest.mark.parametrize("answered", ["1", "2"])
@pytest.mark.parametrize("answer", [OFTEN, SOMETIMES])
def test_hvs_one_at_risk_answer_and_one_blank_is_at_risk_and_says_so(answered, answer):
    outcome = run("hvs", {answered: answer})

    assert outcome.complete and outcome.positive is True and outcome.band == "positive"
    assert outcome.positive_domains == ("food",)
    assert outcome.next_step == "refer_resources"
    assert "the other statement was not answered" in str(outcome.band_label)
    assert outcome.flags == ("hvs_item_unanswered",)


@pytest.mark.parametrize("answers", [{"1": NEVER}, {"2": NEVER}, {"1": DECLINED}, {}])
def test_hvs_a_blank_beside_an_answer_that_decides_nothing_stays_incomplete(answers):
    outcome = run("hvs", answers)

    assert not outcome.complete and outcome.band == "" and outcome.positive is None


def test_hvs_both_answered_says_nothing_about_a_blank():
    outcome = run("hvs", {"1": OFTEN, "2": NEVER})

    assert str(outcome.band_label) == "At risk for food insecurity" and outcome.flags == ()


def test_other_instruments_partial_forms_still_give_no_result():
    """PHQ-9 and AHC HRSN need every scored item: an at-risk answer with blanks is no result."""
    phq9 = run("phq9", {"1": "LA6571-9", "2": "LA6571-9"})
    gad7 = run("gad7", {"1": "LA6571-9"})

    assert (phq9.complete, phq9.positive, phq9.total) == (False, None, None)
    assert (gad7.complete, gad7.positive) == (False, None)


SAFETY = {
    "never": "LA6270-8",
    "rarely": "LA10066-1",
    "sometimes": "LA10082-8",
    "fairly_often": "LA16644-9",
    "frequently": "LA6482-9",
}
NO_NEEDS = {"1": "LA31993-1", "2": "LA9-3", "3": NEVER, "4": NEVER, "5": "LA32-8", "6": "LA32-8"}


def ahc(hurt: int, insult: int, threaten: int, scream: int, **items: str) -> dict[str, str]:
    by_points = list(SAFETY.values())
    safety = {"7": hurt, "8": insult, "9": threaten, "10": scream}
    return NO_NEEDS | {k: by_points[v - 1] for k, v in safety.items()} | items


@pytest.mark.parametrize(
    ("points", "total", "positive"),
    [((1, 5, 1, 3), 10, False), ((1, 5, 1, 4), 11, True), ((1, 5, 1, 5), 12, True)],
)
def test_ahc_safety_total_at_eleven(points, total, positive):
    outcome = run("ahc_hrsn", ahc(*points))
    assert outcome.subscores == {"safety": total}
    assert outcome.positive is positive
    assert ("safety" in outcome.positive_domains) is positive
    assert any(c.link_id == "safety_total" for c in outcome.critical) is positive


@pytest.mark.parametrize(("link_id", "points"), [("hurt", 2), ("threaten", 2), ("threaten", 5)])
def test_ahc_hurt_or_threaten_above_never_is_critical(link_id, points):
    values = {"hurt": 1, "insult": 1, "threaten": 1, "scream": 1} | {link_id: points}
    outcome = run("ahc_hrsn", ahc(**values))
    assert outcome.subscores["safety"] < 11 and outcome.positive is False
    assert [(c.link_id, c.kind) for c in outcome.critical] == [
        ({"hurt": "7", "threaten": "9"}[link_id], "safety")
    ]
    assert outcome.next_step == "safety_review"


def test_ahc_insult_or_scream_alone_is_not_critical():
    assert run("ahc_hrsn", ahc(1, 4, 1, 4)).critical == ()


def test_ahc_partial_form_still_raises_hurt():
    outcome = run("ahc_hrsn", {"7": SAFETY["rarely"]})
    assert not outcome.complete and [c.link_id for c in outcome.critical] == ["7"]


def test_ahc_domains():
    outcome = run(
        "ahc_hrsn",
        ahc(1, 1, 1, 1, **{"2": "LA28580-1,LA31998-0", "4": SOMETIMES, "6": "LA32002-0"}),
    )
    assert outcome.positive_domains == ("housing", "food", "utilities")
    assert outcome.next_step == "refer_resources"
    transport = run("ahc_hrsn", ahc(1, 1, 1, 1, **{"5": "LA33-6", "1": "LA31995-6"}))
    assert transport.positive_domains == ("housing", "transportation")
    assert run("ahc_hrsn", ahc(1, 1, 1, 1)).band == "negative"


# An AHC HRSN whose safety block was not asked (an imported form: medhome's export never sends
# items 7–10) is scored for its other domains, each by the tool's underlined answers, and its
# safety domain is not determined (docs/clinical-rules.md#imported-screens).
def without_safety(**items: str) -> dict[str, str]:
    return NO_NEEDS | items


def unasked(answers: dict[str, str]):
    return run("ahc_hrsn", answers, allow_unasked=True)


@pytest.mark.parametrize(
    ("items", "domain"),
    [
        ({"1": "LA31993-1"}, None),  # a steady place to live
        ({"1": "LA31994-9"}, "housing"),  # worried about losing it
        ({"1": "LA31995-6"}, "housing"),  # no steady place
        ({"2": "LA9-3"}, None),  # none of the problems
        ({"2": "LA31996-4"}, "housing"),  # pests
        ({"2": "LA31997-2,LA32001-2"}, "housing"),  # lead, water leaks
        ({"3": NEVER, "4": NEVER}, None),
        ({"3": SOMETIMES}, "food"),
        ({"4": OFTEN}, "food"),
        ({"5": "LA32-8"}, None),  # transportation: no
        ({"5": "LA33-6"}, "transportation"),
        ({"6": "LA32-8"}, None),  # utilities: no
        ({"6": "LA33-6"}, "utilities"),
        ({"6": "LA32002-0"}, "utilities"),  # already shut off
    ],
)
def test_ahc_without_safety_scores_each_domain_by_its_own_rule(items, domain):
    outcome = unasked(without_safety(**items))

    assert outcome.complete
    assert outcome.positive_domains == ((domain,) if domain else ())
    assert outcome.positive is bool(domain)
    assert outcome.band == ("positive" if domain else "negative")
    assert outcome.next_step == ("refer_resources" if domain else "")
    # The same domain results as a clinic form whose safety answers are all "never".
    clinic = run("ahc_hrsn", ahc(1, 1, 1, 1, **items))
    assert (clinic.positive_domains, clinic.positive) == (
        outcome.positive_domains,
        outcome.positive,
    )


@pytest.mark.parametrize("items", [{}, {"3": OFTEN, "5": "LA33-6"}])
def test_ahc_without_safety_leaves_safety_not_determined_never_negative(items):
    outcome = unasked(without_safety(**items))

    assert outcome.not_determined == ("safety",)
    assert "safety" not in outcome.positive_domains
    assert outcome.subscores == {} and outcome.cutoff is None  # no safety total, no "≥ 11"
    assert outcome.critical == () and outcome.alerts == ()  # no alert from missing items
    assert "interpersonal safety not asked (not determined)" in str(outcome.band_label)


def test_ahc_with_every_item_answered_determines_safety_whatever_the_caller_allows():
    outcome = unasked(ahc(1, 5, 1, 4))

    assert outcome.not_determined == () and outcome.subscores == {"safety": 11}
    assert "safety" in outcome.positive_domains and outcome.band_label == "Positive"


def test_ahc_without_safety_stays_incomplete_in_clinic():
    outcome = run("ahc_hrsn", without_safety(**{"3": OFTEN}))

    assert not outcome.complete and outcome.positive is None and outcome.not_determined == ()


@pytest.mark.parametrize(
    "answers",
    [
        {k: v for k, v in NO_NEEDS.items() if k != "4"},  # a food item missing too
        {k: v for k, v in NO_NEEDS.items() if k != "1"},  # a housing item missing too
        NO_NEEDS | {"8": SAFETY["never"]},  # a safety block begun and not finished
    ],
)
def test_ahc_missing_anything_besides_the_whole_safety_block_stays_incomplete(answers):
    outcome = unasked(answers)

    assert not outcome.complete
    assert (outcome.band, outcome.positive, outcome.positive_domains) == ("", None, ())
    assert outcome.not_determined == ()


def test_ahc_critical_answer_among_the_answered_items_still_alerts():
    outcome = unasked(NO_NEEDS | {"7": SAFETY["rarely"], "8": SAFETY["never"]})

    assert not outcome.complete  # items 9 and 10 blank: the safety block was asked
    assert [(c.link_id, c.kind) for c in outcome.alerts] == [("7", "safety")]


def test_only_declared_groups_may_go_unasked():
    """PHQ-9 declares none: a caller's allowance changes nothing."""
    outcome = run("phq9", {"1": "LA6571-9"}, allow_unasked=True)

    assert not outcome.complete
