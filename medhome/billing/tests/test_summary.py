"""The billing rules on facts (no database): each code at its boundaries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from medhome.billing.summary import Discharge, Facts, Status, Viewer, summarize
from medhome.families.models import Child
from medhome.practices.calendar import default_calendar
from medhome.screening.models import Administration
from medhome.visits.models import Visit

ZONE = ZoneInfo("America/New_York")
CLINICAL = Viewer(results=True, confidential=True)
ADMIN = Viewer(results=False, confidential=False)
NO_PAYERS: frozenset[str] = frozenset()


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def visit_on(
    day: date,
    *,
    born: date = date(2024, 3, 1),
    kind: str = "well_child",
    status: str = "completed",
    payer: str = "medicaid",
    confidential: bool = False,
) -> Visit:
    child = Child(date_of_birth=born, payer=payer, mrn="X-1")
    return Visit(
        child=child, starts_at=at(day), kind=kind, status=status, confidential=confidential
    )


def screen(
    key: str,
    respondent: str = "caregiver",
    *,
    positive: bool = False,
    domains: tuple[str, ...] = (),
    confidential: bool = False,
) -> Administration:
    return Administration(
        instrument_key=key,
        respondent=respondent,
        status="scored",
        positive=positive,
        positive_domains=list(domains),
        confidential=confidential,
    )


def run(facts: Facts, *, viewer: Viewer = CLINICAL, payers=NO_PAYERS, holidays=()):
    return summarize(
        facts, calendar=default_calendar(holidays), viewer=viewer, g_code_payers=payers
    )


def codes_of(summary, status: Status | None = None) -> dict[str, int | None]:
    return {
        line.code: line.units for line in summary.lines if status is None or line.status == status
    }


# --- Screening codes, per instrument ----------------------------------------------------------


def test_two_developmental_instruments_are_two_units_of_96110():
    facts = Facts(
        visit=visit_on(date(2026, 3, 2)),
        screens=[screen("asq3", "staff"), screen("mchat_r")],
        seen_before=True,
    )

    found = codes_of(run(facts), Status.SUPPORTED)

    assert found["96110"] == 2
    assert {"Z13.41", "Z13.42"} <= set(found)


def test_caregiver_phq_is_caregiver_focused_and_maternal_depression_screening():
    facts = Facts(
        visit=visit_on(date(2026, 3, 2), born=date(2026, 1, 5)),
        screens=[screen("epds"), screen("phq9")],
    )

    summary = run(facts)

    assert codes_of(summary)["96161"] == 2
    z1332 = next(line for line in summary.lines if line.code == "Z13.32")
    assert "female-only" in z1332.why


def test_adolescent_phqa_is_96127_and_flagged_confidential_without_the_name_for_the_admin():
    facts = Facts(
        visit=visit_on(date(2026, 3, 2), born=date(2011, 1, 5)),
        screens=[screen("phqa", "adolescent", positive=True, confidential=True)],
        seen_before=True,
    )

    clinical, admin = run(facts), run(facts, viewer=ADMIN)

    line = next(line for line in clinical.lines if line.code == "96127")
    assert (line.units, line.confidential) == (1, True)
    assert "PHQ-A" in line.why and "confidential billing route" in line.why
    admin_line = next(line for line in admin.lines if line.code == "96127")
    assert admin_line.confidential and "PHQ-A" not in admin_line.why
    assert "PHQ-A" not in " ".join(admin.screens)
    assert next(line for line in admin.lines if line.code == "Z13.31").confidential


def test_crafft_code_is_the_payer_setting(settings):
    facts = Facts(
        visit=visit_on(date(2026, 3, 2), born=date(2011, 1, 5)),
        screens=[screen("crafft", "adolescent", confidential=True)],
    )
    assert "96127" in codes_of(run(facts))

    settings.MEDHOME_INSTRUMENT_THRESHOLDS = {"cpt_overrides": {"crafft": "96160"}}

    found = codes_of(run(facts))
    assert "96160" in found and "96127" not in found


# --- Social-needs Z codes: suggested, never added ---------------------------------------------


def test_a_positive_social_needs_screen_suggests_z_codes_valid_that_day():
    before = Facts(
        visit=visit_on(date(2025, 9, 30)),
        screens=[screen("ahc_hrsn", positive=True, domains=("food", "utilities", "safety"))],
    )
    after = Facts(
        visit=visit_on(date(2025, 10, 1)),
        screens=[screen("ahc_hrsn", positive=True, domains=("food", "utilities", "safety"))],
    )

    assert codes_of(run(before), Status.SUGGESTED) == {"Z59.41": None, "Z59.87": None}
    assert codes_of(run(after), Status.SUGGESTED) == {"Z59.41": None, "Z59.861": None}
    assert not any(
        line.code.startswith("Z59") for line in run(after).lines if line.status != Status.SUGGESTED
    )


def test_social_z_codes_are_not_shown_to_who_may_not_see_results():
    facts = Facts(
        visit=visit_on(date(2026, 3, 2)),
        screens=[screen("hvs", positive=True, domains=("food",))],
    )

    summary = run(facts, viewer=ADMIN)

    assert codes_of(summary, Status.SUGGESTED) == {}
    assert codes_of(summary)["96161"] == 1


# --- HCPCS G-codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 12, 31), False),
        (date(2024, 1, 1), True),
        (date(2025, 12, 31), True),
        (date(2026, 1, 1), False),
    ],
)
def test_g0136_only_for_2024_and_2025(day, expected):
    facts = Facts(visit=visit_on(day), screens=[screen("ahc_hrsn")], seen_before=True)

    summary = run(facts, payers=frozenset({"medicaid"}))

    assert ("G0136" in codes_of(summary)) is expected
    if day >= date(2026, 1, 1):
        assert any("G0136" in note for note in summary.notes)


def test_g_codes_need_the_payer_setting():
    facts = Facts(
        visit=visit_on(date(2025, 6, 2)),
        screens=[screen("ahc_hrsn", positive=True, domains=("food",))],
    )

    assert not {"G0136", "G0019", "G0022"} & set(codes_of(run(facts)))
    found = codes_of(run(facts, payers=frozenset({"medicaid"})), Status.POSSIBLE)
    assert {"G0136", "G0019", "G0022"} <= set(found)


def test_the_state_chw_code_needs_its_payer_setting_and_a_positive_social_screen():
    positive = Facts(
        visit=visit_on(date(2026, 3, 2)),
        screens=[screen("ahc_hrsn", positive=True, domains=("food",))],
    )
    negative = Facts(visit=visit_on(date(2026, 3, 2)), screens=[screen("ahc_hrsn")])
    medicaid = frozenset({"medicaid"})

    def chw(facts, payers):
        return summarize(
            facts,
            calendar=default_calendar(),
            viewer=CLINICAL,
            g_code_payers=NO_PAYERS,
            chw_cpt_payers=payers,
        )

    assert "98960" not in codes_of(chw(positive, NO_PAYERS))
    assert "98960" not in codes_of(chw(negative, medicaid))
    assert codes_of(chw(positive, medicaid), Status.POSSIBLE)["98960"] is None


def test_chi_needs_a_positive_social_needs_screen():
    facts = Facts(visit=visit_on(date(2026, 3, 2)), screens=[screen("ahc_hrsn", positive=False)])

    found = codes_of(run(facts, payers=frozenset({"medicaid"})))

    assert "G0019" not in found and "G0136" not in found


# --- Preventive visit and exam codes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "established", "new"),
    [
        (date(2025, 3, 3), "99391", "99381"),  # 364 days: under 1 year
        (date(2025, 3, 2), "99392", "99382"),  # 1st birthday
        (date(2021, 3, 3), "99392", "99382"),  # 4 years
        (date(2021, 3, 2), "99393", "99383"),  # 5th birthday
        (date(2014, 3, 2), "99394", "99384"),  # 12
        (date(2008, 3, 2), "99395", "99385"),  # 18
    ],
)
def test_preventive_code_by_age_band(born, established, new):
    day = date(2026, 3, 2)

    seen = run(Facts(visit=visit_on(day, born=born), seen_before=True))
    unseen = run(Facts(visit=visit_on(day, born=born), seen_before=False))

    assert codes_of(seen, Status.SUPPORTED).get(established) == 1
    assert new not in codes_of(seen)
    assert {new, established} <= set(codes_of(unseen, Status.CHOOSE))


@pytest.mark.parametrize(
    ("days_old", "codes"),
    [(7, {"Z00.110"}), (8, {"Z00.111"}), (28, {"Z00.111"}), (29, {"Z00.121", "Z00.129"})],
)
def test_exam_code_by_age_in_days(days_old, codes):
    day = date(2026, 3, 2)
    born = date.fromordinal(day.toordinal() - days_old)

    summary = run(Facts(visit=visit_on(day, born=born), seen_before=True))

    exam = {line.code for line in summary.lines if line.code.startswith("Z00")}
    assert exam == codes
    if days_old > 28:
        assert all(line.status == Status.CHOOSE for line in summary.lines if line.code in codes)
    else:
        assert any("99460" in note for note in summary.notes)


def test_a_sick_visit_leaves_the_e_m_code_to_the_clinician():
    summary = run(Facts(visit=visit_on(date(2026, 3, 2), kind="sick"), seen_before=True))

    assert not any(line.code.startswith("993") for line in summary.lines)
    assert any("clinician's choice" in note for note in summary.notes)


@pytest.mark.parametrize("status", ["scheduled", "cancelled", "no_show"])
def test_a_visit_that_did_not_take_place_supports_nothing(status):
    facts = Facts(visit=visit_on(date(2026, 3, 2), status=status), screens=[screen("epds")])

    assert run(facts).lines == []


def test_care_management_is_only_possible_with_a_care_plan():
    day = date(2026, 3, 2)
    without = run(Facts(visit=visit_on(day, kind="follow_up")))
    with_plan = run(Facts(visit=visit_on(day, kind="follow_up"), has_care_plan=True))

    assert not {"99490", "99484"} & set(codes_of(without))
    assert set(codes_of(with_plan, Status.POSSIBLE)) == {
        "99490",
        "99491",
        "99487",
        "99489",
        "99484",
    }
    assert all(line.units is None for line in with_plan.lines)


def test_a_confidential_visit_flags_every_line():
    summary = run(Facts(visit=visit_on(date(2026, 3, 2), confidential=True), seen_before=True))

    assert summary.lines and all(line.confidential for line in summary.lines)


# --- Transitional care: 2 business days, 7 and 14 days ----------------------------------------


def tcm(visit_day: date, discharged: datetime, contact: datetime | None, **kwargs):
    facts = Facts(
        visit=visit_on(visit_day, kind="follow_up"),
        discharges=[Discharge("event", discharged, contact)],
        attended_days=kwargs.pop("attended_days", []),
    )
    return run(facts, **kwargs)


def test_tcm_contact_within_two_business_days_over_a_weekend():
    friday = at(date(2026, 3, 6), 15)
    # Friday's discharge: Monday and Tuesday are the two business days.
    ok = tcm(date(2026, 3, 12), friday, at(date(2026, 3, 10), 16))
    late = tcm(date(2026, 3, 12), friday, at(date(2026, 3, 11), 9))

    assert set(codes_of(ok, Status.CHOOSE)) == {"99495", "99496"}
    assert not {"99495", "99496"} & set(codes_of(late))
    assert any("2 business days" in note for note in late.notes)


def test_tcm_contact_deadline_moves_past_a_holiday():
    friday = at(date(2026, 3, 6), 15)
    contact = at(date(2026, 3, 11), 9)  # Wednesday

    closed_monday = tcm(date(2026, 3, 12), friday, contact, holidays=["2026-03-09"])

    assert "99495" in codes_of(closed_monday)


def test_tcm_contact_before_the_discharge_does_not_count():
    discharged = at(date(2026, 3, 4), 12)

    summary = tcm(date(2026, 3, 6), discharged, at(date(2026, 3, 4), 9))

    assert "99495" not in codes_of(summary)


@pytest.mark.parametrize(
    ("visit_day", "expected"),
    [
        (date(2026, 3, 9), {"99495", "99496"}),  # 7 days after
        (date(2026, 3, 10), {"99495"}),  # 8 days
        (date(2026, 3, 16), {"99495"}),  # 14 days
        (date(2026, 3, 17), set()),  # 15 days
    ],
)
def test_tcm_seven_and_fourteen_days(visit_day, expected):
    discharged = at(date(2026, 3, 2), 11)

    summary = tcm(visit_day, discharged, at(date(2026, 3, 3), 10))

    assert {code for code in codes_of(summary) if code in {"99495", "99496"}} == expected
    assert all(
        line.status == Status.CHOOSE and "complexity" in line.why
        for line in summary.lines
        if line.code in expected
    )


def test_tcm_belongs_to_the_first_visit_after_the_discharge():
    discharged = at(date(2026, 3, 2), 11)

    summary = tcm(
        date(2026, 3, 9), discharged, at(date(2026, 3, 3)), attended_days=[date(2026, 3, 5)]
    )

    assert "99495" not in codes_of(summary)
    assert any("first visit" in note for note in summary.notes)


# --- Validity dates -----------------------------------------------------------------------------


def test_chi_codes_start_on_2024_01_01():
    screens = [screen("ahc_hrsn", positive=True, domains=("food",))]
    medicaid = frozenset({"medicaid"})

    before = run(Facts(visit=visit_on(date(2023, 12, 31)), screens=screens), payers=medicaid)
    first = run(Facts(visit=visit_on(date(2024, 1, 1)), screens=screens), payers=medicaid)

    assert "G0019" not in codes_of(before)
    assert {"G0019", "G0022"} <= set(codes_of(first, Status.POSSIBLE))


def test_a_code_dates_setting_corrects_an_unverified_start(settings):
    facts = Facts(
        visit=visit_on(date(2020, 3, 2), born=date(2006, 1, 5), kind="sick"),
        screens=[screen("phqa", "adolescent")],
    )
    assert "Z13.31" in codes_of(run(facts))

    settings.MEDHOME_BILLING = {"code_dates": {"Z13.31": ["2020-10-01", None]}}

    summary = run(facts)
    assert "Z13.31" not in codes_of(summary)
    assert any("Z13.31" in note for note in summary.notes)
    assert "96127" in codes_of(summary)


def test_a_malformed_billing_setting_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MEDHOME_BILLING = ["g_code_payers"]

    with pytest.raises(ImproperlyConfigured):
        run(Facts(visit=visit_on(date(2026, 3, 2)), screens=[screen("ahc_hrsn")]))
