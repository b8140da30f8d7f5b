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


def test_hvs_incomplete_and_billing_by_respondent():
    assert run("hvs", {"1": OFTEN}).band == ""
    outcome = run("hvs", {"1": NEVER, "2": NEVER}, respondent=Respondent.ADOLESCENT)
    assert outcome.cpt == "96160"


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
