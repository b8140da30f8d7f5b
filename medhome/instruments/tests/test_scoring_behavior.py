"""PSC-17 and CRAFFT."""

import pytest

from medhome.instruments import registry
from medhome.instruments.catalog._common import NO, YES
from medhome.instruments.catalog.psc import SUBSCALES

from .helpers import run, with_total

PSC = registry.get("psc17")
MEMBERS = {group: [link_id for link_id, _ in items] for group, items in SUBSCALES.items()}


@pytest.mark.parametrize(("total", "positive"), [(14, False), (15, True), (16, True)])
def test_psc17_total(total, positive):
    # Spread evenly so subscale flags do not matter here.
    order = [ids[i] for i in range(7) for ids in MEMBERS.values() if i < len(ids)]
    outcome = run("psc17", with_total(PSC, total, order))
    assert (outcome.total, outcome.positive) == (total, positive)


@pytest.mark.parametrize(
    ("group", "points", "flag"),
    [
        ("internalizing", 4, False),
        ("internalizing", 5, True),
        ("internalizing", 6, True),
        ("attention", 6, False),
        ("attention", 7, True),
        ("attention", 8, True),
        ("externalizing", 6, False),
        ("externalizing", 7, True),
        ("externalizing", 8, True),
    ],
)
def test_psc17_subscales(group, points, flag):
    answers = with_total(PSC, 0) | with_total(PSC, points, MEMBERS[group])
    outcome = run("psc17", answers)
    assert outcome.subscores[group] == points
    assert (f"psc17_{group}" in outcome.flags) is flag
    assert outcome.positive is False


def test_psc17_three_blanks_count_zero_four_make_it_incomplete():
    answers = with_total(PSC, 15)
    blanks = [k for k, v in answers.items() if v == "never"][:4]
    for link_id in blanks[:3]:
        del answers[link_id]
    outcome = run("psc17", answers)
    assert (outcome.complete, outcome.total) == (True, 15)
    del answers[blanks[3]]
    assert run("psc17", answers).complete is False


NO_USE = {"a1": "0", "a2": "0", "a3": "0"}


def crafft(yes: int, **part_a: str) -> dict[str, str]:
    ids = ["relax", "alone", "forget", "family", "trouble", "car"]
    return (NO_USE | part_a) | {i: (YES if n < yes else NO) for n, i in enumerate(ids)}


@pytest.mark.parametrize(
    ("yes", "band", "positive"), [(1, "low", False), (2, "high", True), (3, "high", True)]
)
def test_crafft_part_b(yes, band, positive):
    outcome = run("crafft", crafft(yes, a2="4"))
    assert (outcome.total, outcome.band, outcome.positive) == (yes, band, positive)
    assert outcome.critical == ()


def test_crafft_no_use_needs_only_car():
    outcome = run("crafft", NO_USE | {"car": NO})
    assert (outcome.complete, outcome.total, outcome.band) == (True, 0, "low")
    some_use = run("crafft", {"a1": "2", "a2": "0", "a3": "0", "car": NO})
    assert some_use.complete is False


def test_crafft_car_yes_is_safety_counselling_not_an_alert():
    outcome = run("crafft", NO_USE | {"car": YES})
    assert [(c.link_id, c.kind) for c in outcome.critical] == [("car", "safety_counselling")]
    assert outcome.alerts == ()
    assert outcome.next_step == "counsel"
    assert outcome.positive is False
    assert run("crafft", {"car": YES}).critical[0].kind == "safety_counselling"


def test_crafft_billing_is_a_setting(settings):
    assert run("crafft", NO_USE | {"car": NO}).cpt == "96127"
    settings.MEDHOME_INSTRUMENT_THRESHOLDS = {"cpt_overrides": {"crafft": "96160"}}
    assert run("crafft", NO_USE | {"car": NO}).cpt == "96160"
