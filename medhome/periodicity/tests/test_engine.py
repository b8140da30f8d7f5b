from datetime import date, timedelta

from medhome.periodicity.engine import ChildFacts, Completion, child_schedule, next_due
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import windows_for

BIRTH = date(2024, 5, 17)
FACTS = ChildFacts(birth_date=BIRTH, sex_at_birth="female")


def window(key: str, facts: ChildFacts = FACTS):
    on = date(2026, 1, 1)
    timed = windows_for(facts.birth_date, schedule=current_schedule(on))
    return {v.key: w for v, w in timed}[key]


def status(plan, key: str) -> str | None:
    state = plan.row(key)
    return state.status if state else None


def test_current_visit_and_visit_statuses() -> None:
    eighteen = window("18mo")
    plan = child_schedule(
        FACTS, eighteen.opens, [Completion("preventive_visit", "12mo", window("12mo").opens, False)]
    )
    assert plan.current.visit.key == "18mo" and plan.current.status == "due"
    states = {s.visit.key: s.status for s in plan.visits}
    assert states["12mo"] == "done"
    assert states["15mo"] == "missed"
    assert states["24mo"] == "upcoming"
    assert child_schedule(FACTS, eighteen.overdue_from, []).current.status == "overdue"


def test_done_only_inside_the_visits_window() -> None:
    eighteen = window("18mo")
    on = eighteen.opens + timedelta(days=20)
    early = Completion("autism", "15mo", eighteen.opens - timedelta(days=1), False)
    assert status(child_schedule(FACTS, on, [early]), "autism") == "due"
    inside = Completion("autism", "18mo", eighteen.opens, False)
    assert status(child_schedule(FACTS, on, [inside]), "autism") == "done"
    # A completion without a visit key counts for the visit whose window holds its date.
    unstamped = Completion("autism", None, eighteen.opens - timedelta(days=1), False)
    assert status(child_schedule(FACTS, on, [unstamped]), "autism") == "due"
    # The 18-month screen does not count for the 24-month one.
    at_24 = child_schedule(FACTS, window("24mo").opens, [inside])
    assert status(at_24, "autism") == "due"


def test_next_step_pending() -> None:
    on = window("18mo").opens + timedelta(days=3)
    pending = Completion("autism", "18mo", on, True)
    assert status(child_schedule(FACTS, on, [pending]), "autism") == "next_step_pending"
    closed = Completion("autism", "18mo", on, False)
    assert status(child_schedule(FACTS, on, [pending, closed]), "autism") == "done"


def test_not_applicable_table_and_never_waived() -> None:
    on = window("18mo").opens
    diagnosed = ChildFacts(BIRTH, "male", not_applicable=frozenset({"autism"}))
    assert status(child_schedule(diagnosed, on, []), "autism") == "not_applicable"
    teen = ChildFacts(date(2010, 3, 1), "male", not_applicable=frozenset({"depression_suicide"}))
    assert status(child_schedule(teen, date(2026, 3, 1), []), "depression_suicide") == "due"
    young_man = ChildFacts(date(2005, 3, 1), "male")
    assert status(child_schedule(young_man, date(2026, 3, 1), []), "cervical_dysplasia") == (
        "not_applicable"
    )
    young_woman = ChildFacts(date(2005, 3, 1), "female")
    assert status(child_schedule(young_woman, date(2026, 3, 1), []), "cervical_dysplasia") == "due"


def test_confirm_result_for_a_child_who_joined_later() -> None:
    born = date(2026, 1, 5)
    on = date(2026, 2, 20)  # 1-month visit, newborn blood/hearing still in their span
    joined_later = ChildFacts(born, "female", joined_practice_on=date(2026, 2, 1))
    plan = child_schedule(joined_later, on, [])
    assert status(plan, "newborn_blood") == "confirm_result"
    assert status(plan, "newborn_hearing") == "confirm_result"
    ours = ChildFacts(born, "female", joined_practice_on=born)
    assert status(child_schedule(ours, on, []), "newborn_blood") == "due"
    confirmed = Completion("newborn_blood", None, date(2026, 2, 10), False)
    assert status(child_schedule(joined_later, on, [confirmed]), "newborn_blood") == "done"


def test_catch_up_after_a_missed_visit() -> None:
    on = window("12mo").opens + timedelta(days=5)
    plan = child_schedule(FACTS, on, [])
    state = plan.row("developmental")
    assert state.status == "catch_up" and state.carried_from == "9mo"
    # Done at this visit: the catch-up is closed.
    done = Completion("developmental", "12mo", on, False)
    assert status(child_schedule(FACTS, on, [done]), "developmental") == "done"
    # The 9-month visit happened: nothing is carried.
    visited = Completion("preventive_visit", "9mo", window("9mo").opens, False)
    assert status(child_schedule(FACTS, on, [visited]), "developmental") is None
    # Screened at 9 months though the visit was not recorded: nothing outstanding.
    screened = Completion("developmental", "9mo", window("9mo").opens, False)
    assert status(child_schedule(FACTS, on, [screened]), "developmental") is None
    # Only the visit right after the missed one carries it.
    assert status(child_schedule(FACTS, window("15mo").opens, []), "developmental") is None


def test_range_row_hiv_once_between_15_and_21() -> None:
    teen = ChildFacts(date(2008, 4, 2), "male")
    at_16 = date(2024, 4, 10)
    assert status(child_schedule(teen, at_16, []), "hiv") == "due"
    at_15 = Completion("hiv", None, date(2023, 5, 1), False)
    assert status(child_schedule(teen, at_16, [at_15]), "hiv") == "done"
    assert status(child_schedule(teen, date(2028, 4, 10), [at_15]), "hiv") == "done"
    too_early = Completion("hiv", None, date(2022, 5, 1), False)  # 14 y: outside the span
    assert status(child_schedule(teen, at_16, [too_early]), "hiv") == "due"
    assert status(child_schedule(teen, date(2022, 5, 1), []), "hiv") is None  # 14 y


def test_recurring_fluoride_varnish() -> None:
    child = ChildFacts(date(2023, 1, 15), "female")
    last = Completion("fluoride_varnish", None, date(2025, 1, 20), False)
    plan = child_schedule(child, date(2025, 3, 1), [last])
    assert status(plan, "fluoride_varnish") == "done"
    assert plan.row("fluoride_varnish").due_again_on == date(2025, 7, 20)
    assert status(child_schedule(child, date(2025, 7, 20), [last]), "fluoride_varnish") in (
        "due",
        "overdue",
    )


def test_next_due() -> None:
    on = window("18mo").opens
    assert next_due(FACTS, on, []).visit.key == "18mo"
    visited = Completion("preventive_visit", "18mo", on, False)
    upcoming = next_due(FACTS, on, [visited])
    assert upcoming.visit.key == "24mo" and upcoming.opens_on == window("24mo").opens
    assert next_due(ChildFacts(date(2000, 1, 1)), date(2026, 1, 1), []) is None
