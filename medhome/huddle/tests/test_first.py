"""'What to do first': the rules and their order (docs/clinical-rules.md#huddle-first)."""

from datetime import datetime
from types import SimpleNamespace

from medhome.families.selectors import WhomToCall
from medhome.huddle.first import DEFAULT_ORDER, what_to_do_first
from medhome.huddle.selectors import ScreenLink, ShownResult, Transition


def contact(**values) -> WhomToCall:
    defaults = {
        "caregiver_id": None,
        "name": "Ana Ruiz",
        "relationship": "Mother",
        "phone": "",
        "language": "Spanish",
        "needs_interpreter": False,
        "best_times": "",
        "transport_barrier": False,
        "transport_note": "",
    }
    return WhomToCall(**(defaults | values))


def row(**values):
    defaults = {
        "alerts": [],
        "transitions": [],
        "results": None,
        "contact": None,
        "links": [],
        "screens_due_without_link": (),
    }
    return SimpleNamespace(**(defaults | values))


EVERYTHING = row(
    alerts=["an alert"],
    transitions=[Transition("Hospital admission", datetime(2026, 11, 20), None, True)],
    results=[ShownResult("PHQ-9", "moderate", True, True, (), True)],
    contact=contact(needs_interpreter=True, transport_barrier=True),
    links=[ScreenLink("PHQ-9", "opened", datetime(2026, 11, 20))],
)


def test_nothing_to_do_is_an_empty_line():
    assert what_to_do_first(row()) == []


def test_the_default_order_puts_what_cannot_wait_first():
    steps = what_to_do_first(EVERYTHING)

    assert steps[0] == "A clinician calls the family now: a critical answer is open."
    assert steps[1].startswith("Ask about the hospital admission on 11/20/2026")
    assert steps[2:] == [
        "Discuss the positive screen: PHQ-9.",
        "Make time to talk with the caregiver in private.",
        "Book an interpreter (Spanish).",
        "The pre-visit form is not finished: offer the tablet at check-in.",
        "Transport is hard for this family: confirm the ride.",
    ]


def test_a_followed_up_transition_and_a_finished_form_ask_nothing():
    done = row(
        transitions=[Transition("Hospital admission", datetime(2026, 11, 20), None, False)],
        links=[ScreenLink("PHQ-9", "done", datetime(2026, 11, 20))],
    )

    assert what_to_do_first(done) == []


def test_no_results_for_the_reader_means_no_result_step():
    assert what_to_do_first(row(results=None, screens_due_without_link=("PHQ-9",))) == [
        "Screens are due and no pre-visit link was sent: send it or use the tablet."
    ]


def test_the_order_is_a_setting(settings):
    settings.MEDHOME_HUDDLE_FIRST_ORDER = ["transport", "critical_alert", "no_such_rule"]

    assert what_to_do_first(EVERYTHING) == [
        "Transport is hard for this family: confirm the ride.",
        "A clinician calls the family now: a critical answer is open.",
    ]
    assert len(DEFAULT_ORDER) == 8
