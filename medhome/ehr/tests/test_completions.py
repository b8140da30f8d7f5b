"""The rows the EHR's record completes (docs/clinical-rules.md#ehr-completions), rule by rule at
its boundaries, and refresh_completions' writes (idempotent, audited, tenancy)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from medhome.audit.models import AuditEvent
from medhome.ehr.completions import Records, Wanted, completions_from_records, refresh_completions
from medhome.ehr.models import Immunization, Observation, Procedure
from medhome.ehr.rules import current_completion_rules
from medhome.periodicity.engine import ChildFacts, Completion, child_schedule
from medhome.periodicity.models import RowCompletion, Source
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.services import completions_for, facts_for
from medhome.periodicity.windows import add_months

BIRTH = date(2024, 7, 1)
# 2-month window [2024-08-18, 2024-10-18), 4-month [2024-10-18, 2024-12-18).
LAST_DAY_2MO, FIRST_DAY_4MO = date(2024, 10, 17), date(2024, 10, 18)


def wanted(observations=(), immunizations=(), procedures=(), rules=None, birth=BIRTH):
    return completions_from_records(
        birth_date=birth,
        discharged_on=None,
        records=Records(list(observations), list(immunizations), list(procedures)),
        schedule=current_schedule(date(2025, 1, 1)),
        rules=rules or current_completion_rules(),
    )


def rows(found: set[Wanted]) -> set[tuple[str, str]]:
    return {(w.row, w.visit_key) for w in found}


def at_age(months: int, days: int = 0, birth: date = BIRTH) -> date:
    return add_months(birth, months) + timedelta(days=days)


# --- measurements -------------------------------------------------------------------------


def test_weight_and_length_in_one_window_complete_both_rows_that_need_them() -> None:
    found = wanted(
        [("weight", "29463-7", "", LAST_DAY_2MO), ("length", "8302-2", "", date(2024, 9, 1))]
    )
    assert rows(found) == {("length_weight", "2mo"), ("weight_for_length", "2mo")}
    assert {w.done_on for w in found} == {LAST_DAY_2MO}


def test_one_of_two_measurements_completes_nothing() -> None:
    assert wanted([("weight", "29463-7", "", date(2024, 9, 1))]) == set()
    assert wanted([("bp_systolic", "8480-6", "", at_age(48))]) == set()


def test_a_record_counts_for_the_visit_whose_window_holds_it() -> None:
    on_edge = wanted([("weight", "", "", FIRST_DAY_4MO), ("length", "", "", FIRST_DAY_4MO)])
    assert rows(on_edge) == {("length_weight", "4mo"), ("weight_for_length", "4mo")}
    split = wanted([("weight", "", "", LAST_DAY_2MO), ("length", "", "", FIRST_DAY_4MO)])
    assert split == set()


def test_head_circumference_alone_and_bmi_computed_from_its_measurements() -> None:
    assert rows(wanted([("head_circumference", "", "", date(2024, 9, 1))])) == {
        ("head_circumference", "2mo")
    }
    day = at_age(24)
    found = rows(wanted([("weight", "", "", day), ("height", "", "", day)]))
    assert ("bmi", "24mo") in found and ("length_weight", "24mo") in found
    assert ("bmi", "24mo") in rows(wanted([("bmi", "39156-5", "", day)]))
    # Before 24 months the grid has weight-for-length, not BMI.
    assert ("bmi", "18mo") not in rows(
        wanted([("weight", "", "", at_age(18)), ("length", "", "", at_age(18))])
    )


def test_blood_pressure_needs_both_numbers_from_three_years() -> None:
    day = at_age(36)
    assert ("blood_pressure", "3y") in rows(
        wanted([("bp_systolic", "", "", day), ("bp_diastolic", "", "", day)])
    )
    # Before 3 years the row is a risk assessment: never from imported data.
    early = at_age(24)
    assert wanted([("bp_systolic", "", "", early), ("bp_diastolic", "", "", early)]) == set()


# --- vision and hearing ---------------------------------------------------------------------


def test_vision_pass_completes_refer_leaves_the_next_step_pending() -> None:
    day = at_age(48)
    (passed,) = wanted([("vision", "98497-1", "pass", day)])
    assert (passed.row, passed.visit_key, passed.next_step_pending) == ("vision", "4y", False)
    (referred,) = wanted([("vision", "98497-1", "refer", day)])
    assert referred.next_step_pending
    (failed,) = wanted([("vision", "", "fail", day)])
    assert failed.next_step_pending
    # A pass on a rescreen in the same window wins.
    (both,) = wanted(
        [("vision", "", "refer", day), ("vision", "", "pass", day + timedelta(days=7))]
    )
    assert not both.next_step_pending


@pytest.mark.parametrize("code", ["99173", "99174", "99177"])
def test_vision_by_cpt_of_the_procedure(code: str) -> None:
    assert rows(wanted(procedures=[(code, at_age(60))])) == {("vision", "5y")}


@pytest.mark.parametrize("code", ["92551", "92552"])
def test_hearing_by_cpt_and_the_adolescent_range_row(code: str) -> None:
    assert rows(wanted(procedures=[(code, at_age(48))])) == {("hearing", "4y")}
    assert rows(wanted(procedures=[(code, at_age(12 * 12))])) == {("hearing_11_14", "")}


def test_hearing_refer_completes_the_screen_with_its_next_step_pending() -> None:
    (found,) = wanted([("hearing", "", "refer", at_age(72))])
    assert (found.row, found.visit_key, found.next_step_pending) == ("hearing", "6y", True)


def test_no_screen_at_a_risk_assessment_visit() -> None:
    # Vision at 12 months is ★ (vision_risk): imported data never completes it.
    assert wanted([("vision", "", "pass", at_age(12))]) == set()


# --- newborn hospital screens ---------------------------------------------------------------


def test_newborn_results_of_any_date_complete_the_confirmation_rows() -> None:
    found = wanted(
        [
            ("hearing", "54109-4", "pass", BIRTH + timedelta(days=1)),
            ("hearing", "73700-7", "normal", BIRTH - timedelta(days=0)),
            ("hearing", "57128-1", "normal", date(2025, 3, 1)),
        ]
    )
    assert {(w.row, w.visit_key, w.next_step_pending) for w in found} == {
        ("newborn_hearing", "", False),
        ("newborn_cchd", "", False),
        ("newborn_blood", "", False),
    }


def test_newborn_refer_stays_open_and_missing_stays_due() -> None:
    (found,) = wanted([("hearing", "54109-4", "refer", BIRTH)])
    assert found.row == "newborn_hearing" and found.next_step_pending
    assert wanted() == set()


# --- lead, anemia ----------------------------------------------------------------------------


def test_blood_lead_completes_the_12_and_24_month_rows_only() -> None:
    assert rows(wanted([("lead", "5671-3", "", at_age(12))])) == {("lead", "12mo")}
    assert rows(wanted([("lead", "5671-3", "", at_age(24))])) == {("lead", "24mo")}
    # 18 months is a risk assessment (★): staff only.
    assert wanted([("lead", "5671-3", "", at_age(18))]) == set()
    only_12 = replace(current_completion_rules(), lead_blood_test_visits=("12mo",))
    assert wanted([("lead", "", "", at_age(24))], rules=only_12) == set()


def test_hemoglobin_completes_the_anemia_lab_cell_only() -> None:
    assert rows(wanted([("hemoglobin", "718-7", "", at_age(12))])) == {("anemia", "12mo")}
    assert wanted([("hemoglobin", "718-7", "", at_age(15))]) == set()


# --- fluoride varnish -------------------------------------------------------------------------


def test_fluoride_varnish_by_snomed_or_cpt_inside_its_span() -> None:
    day = at_age(6)
    assert rows(wanted(procedures=[("234723000", day)])) == {("fluoride_varnish", "")}
    assert rows(wanted(procedures=[("99188", day)])) == {("fluoride_varnish", "")}
    assert wanted(procedures=[("99188", at_age(4))]) == set()  # before the 6-month visit


def test_fluoride_varnish_counts_for_the_preceding_six_months_exactly() -> None:
    applied = at_age(30)
    (found,) = wanted(procedures=[("99188", applied)])
    completion = Completion(found.row, None, found.done_on)
    facts = ChildFacts(birth_date=BIRTH)
    inside = child_schedule(facts, add_months(applied, 6) - timedelta(days=1), [completion])
    assert inside.row("fluoride_varnish").status == "done"
    boundary = child_schedule(facts, add_months(applied, 6), [completion])
    assert boundary.row("fluoride_varnish").status in ("due", "overdue")


# --- immunizations ----------------------------------------------------------------------------

ON_TIME = {  # an on-time history (CVX, age in months)
    "08": [0, 2, 6],
    "116": [2, 4, 6],
    "20": [2, 4, 6, 15, 48],
    "48": [2, 4, 6, 12],
    "133": [2, 4, 6, 12],
    "10": [2, 4, 6, 48],
    "03": [12, 48],
    "21": [12, 48],
    "83": [12, 18],
    "115": [11 * 12],
    "114": [11 * 12, 16 * 12],
    "165": [11 * 12, 11 * 12 + 6],
}


def history(**changes: list[int]) -> list[tuple[str, date]]:
    doses = {**ON_TIME, **changes}
    return [(cvx, at_age(m)) for cvx, ages in doses.items() for m in ages]


def up_to_date(given: list[tuple[str, date]]) -> set[str]:
    return {w.visit_key for w in wanted(immunizations=given) if w.row == "immunization"}


ALL_VISITS = {v.key for v in current_schedule(date(2025, 1, 1)).timed_visits}


def test_an_on_time_child_is_up_to_date_at_every_visit() -> None:
    assert up_to_date(history()) == ALL_VISITS


@pytest.mark.parametrize(
    ("missing", "first_behind"),
    [
        ({"08": [0, 2]}, "18mo"),  # HepB 3 due by 18 months
        ({"20": [2, 4, 6]}, "18mo"),  # DTaP 4 by 18 months
        ({"20": [2, 4, 6, 15]}, "6y"),  # DTaP 5 by 6 years
        ({"48": [2, 4, 6]}, "15mo"),  # Hib 4 (PRP-T) by 15 months
        ({"03": [12]}, "6y"),  # MMR 2 by 6 years
        ({"83": [12]}, "24mo"),  # HepA 2 by 24 months (unverified cell)
        ({"115": []}, "12y"),  # Tdap by 12 years
        ({"114": [11 * 12]}, "16y"),  # MenACWY booster by 16 years
        ({"165": [11 * 12]}, "13y"),  # HPV 2 by 13 years
        ({"116": [2, 4]}, "6mo"),  # RotaTeq needs 3
    ],
)
def test_dose_counts_at_each_visit_age(missing: dict[str, list[int]], first_behind: str) -> None:
    timed = [v.key for v in current_schedule(date(2025, 1, 1)).timed_visits]
    found = up_to_date(history(**missing))
    behind = [k for k in timed if k not in found]
    assert behind[0] == first_behind


def test_products_change_the_count() -> None:
    rotarix = history(**{"116": [], "119": [2, 4]})
    assert {"6mo", "9mo"} <= up_to_date(rotarix)
    pedvax = history(**{"48": [], "49": [2, 4, 12]})
    assert "15mo" in up_to_date(pedvax)


def test_rotavirus_hib_and_pcv_stop_being_required() -> None:
    late = up_to_date(history(**{"116": [], "48": [], "133": []}))
    assert "2mo" not in late and "12mo" not in late
    assert "5y" in late  # Hib and PCV not routine from 5 years; rotavirus never after 8 months


def test_minimum_age_with_the_four_day_grace() -> None:
    four_days_early = history(**{"03": []}) + [
        ("03", at_age(12) - timedelta(days=4)),
        ("03", at_age(48)),
    ]
    assert "15mo" in up_to_date(four_days_early)
    five_days_early = history(**{"03": []}) + [
        ("03", at_age(12) - timedelta(days=5)),
        ("03", at_age(48)),
    ]
    assert "15mo" not in up_to_date(five_days_early)


def test_a_dose_after_the_window_closes_is_too_late_for_that_visit() -> None:
    # DTaP 4 given at 20 months: the 18-month window closed (24 months − 14 days is later,
    # so 20 months is still inside it); at 24 months + 1 day it is too late.
    assert "18mo" in up_to_date(history(**{"20": [2, 4, 6, 20, 48]}))
    assert "18mo" not in up_to_date(history(**{"20": [2, 4, 6, 24, 48]}))


def test_influenza_and_covid_are_not_counted() -> None:
    flu_and_covid = [("150", at_age(6)), ("141", at_age(7)), ("208", at_age(8)), ("300", at_age(9))]
    assert up_to_date(flu_and_covid) == set()
    assert up_to_date(history() + flu_and_covid) == ALL_VISITS
    # A flu shot in place of a missing DTaP does not make up for it.
    assert "18mo" not in up_to_date(history(**{"20": [2, 4, 6]}) + [("150", at_age(15))])


def test_the_completion_is_dated_when_the_child_was_up_to_date() -> None:
    given = history()
    found = {w.visit_key: w.done_on for w in wanted(immunizations=given) if w.row == "immunization"}
    assert found["2mo"] == at_age(2)  # the day the 2-month doses were given
    assert found["7y"] == at_age(84) - timedelta(days=14)  # nothing new due: the window's opening


# --- refresh_completions: writes -------------------------------------------------------------

AT = datetime(2026, 3, 20, 15, tzinfo=UTC)
_keys = count()


def add(model, child, **values):
    return model.objects.create(
        practice=child.practice,
        child=child,
        source_key=f"test/{next(_keys)}",
        content_hash="x",
        imported_at=AT,
        **values,
    )


@pytest.fixture
def four_year_old(child_a):
    child_a.date_of_birth = date(2022, 3, 10)
    child_a.save(update_fields=["date_of_birth"])
    return child_a


def give_history(child) -> None:
    birth = child.date_of_birth
    for cvx, ages in ON_TIME.items():
        for months in ages:
            day = at_age(months, birth=birth)
            if day < AT.date():
                add(Immunization, child, cvx=cvx, given_on=day)


def test_refresh_writes_once_and_rerunning_writes_nothing(four_year_old, practice_a) -> None:
    child = four_year_old
    add(Observation, child, kind="weight", code="29463-7", effective_on=date(2026, 3, 20))
    add(Observation, child, kind="height", code="8302-2", effective_on=date(2026, 3, 20))
    written = refresh_completions(practice=practice_a, child_ids=[child.pk], at=AT)
    assert written == 2  # length_weight and bmi at 4 years
    events = AuditEvent.objects.filter(object_type="child", object_id=str(child.pk))
    assert events.filter(detail__completions="ehr").count() == 1
    event = events.get(detail__completions="ehr")
    assert event.detail["added"] == ["bmi@4y", "length_weight@4y"]
    assert "García" not in str(event.detail)
    assert refresh_completions(practice=practice_a, child_ids=[child.pk, child.pk], at=AT) == 0
    assert events.filter(detail__completions="ehr").count() == 1


def test_a_withdrawn_record_removes_its_completion_and_staff_rows_stay(
    four_year_old, practice_a
) -> None:
    child = four_year_old
    weight = add(Observation, child, kind="weight", code="", effective_on=date(2026, 3, 20))
    add(Observation, child, kind="height", code="", effective_on=date(2026, 3, 20))
    staff = RowCompletion.objects.create(
        practice=practice_a,
        child=child,
        row="length_weight",
        visit_key="4y",
        done_on=date(2026, 3, 20),
        source=Source.MANUAL,
        schedule_version="x",
        recorded_at=AT,
    )
    refresh_completions(practice=practice_a, child_ids=[child.pk], at=AT)
    weight.delete()
    assert refresh_completions(practice=practice_a, child_ids=[child.pk], at=AT) == 2
    assert list(RowCompletion.objects.filter(child=child)) == [staff]


def test_not_done_immunizations_are_ignored(four_year_old, practice_a) -> None:
    add(
        Immunization,
        four_year_old,
        cvx="08",
        given_on=four_year_old.date_of_birth,
        status="not-done",
    )
    refresh_completions(practice=practice_a, child_ids=[four_year_old.pk], at=AT)
    assert not RowCompletion.objects.filter(child=four_year_old).exists()
    add(Immunization, four_year_old, cvx="08", given_on=four_year_old.date_of_birth)
    refresh_completions(practice=practice_a, child_ids=[four_year_old.pk], at=AT)
    assert RowCompletion.objects.filter(child=four_year_old, visit_key="newborn").exists()


def test_another_practices_child_is_never_touched(child_b, practice_a) -> None:
    add(Observation, child_b, kind="weight", code="", effective_on=date(2025, 1, 1))
    add(Observation, child_b, kind="length", code="", effective_on=date(2025, 1, 1))
    assert refresh_completions(practice=practice_a, child_ids=[child_b.pk], at=AT) == 0
    assert not RowCompletion.objects.filter(child=child_b).exists()


def test_the_due_list_clears_exactly_the_rows_that_arrived(four_year_old, practice_a) -> None:
    """Issue 15 "done when": a well-child visit's immunizations, hearing screen and fluoride
    varnish arrive from the EHR and the due list clears exactly those rows."""
    child = four_year_old
    on = AT.date()
    before = {
        r.row.key for r in child_schedule(facts_for(child), on, completions_for(child)).outstanding
    }
    assert {"immunization", "hearing", "fluoride_varnish"} <= before
    give_history(child)
    add(Observation, child, kind="hearing", code="92551", interpretation="pass", effective_on=on)
    add(
        Procedure,
        child,
        code_system="http://www.ama-assn.org/go/cpt",
        code="99188",
        performed_on=on,
    )
    refresh_completions(practice=practice_a, child_ids=[child.pk], at=AT)
    after = {
        r.row.key for r in child_schedule(facts_for(child), on, completions_for(child)).outstanding
    }
    assert before - after == {"immunization", "hearing", "fluoride_varnish"}
    assert after <= before
