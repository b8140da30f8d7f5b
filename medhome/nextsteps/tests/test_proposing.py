"""A positive screen proposes its next steps, in the transaction that scores it
(docs/clinical-rules.md#next-steps)."""

from datetime import date

import pytest

from medhome.core import clock
from medhome.nextsteps import definitions, services
from medhome.nextsteps.definitions import ScreenKind
from medhome.nextsteps.models import NextStep, Outcome, PositiveScreen, StepStatus
from medhome.screening.models import Administration, Status
from medhome.screening.tests.test_imported import import_responses, response

from .conftest import mchat_answers, score

pytestmark = pytest.mark.django_db

TODDLER = date(2025, 5, 20)
ON = date(2026, 12, 5)


def keys_of(screen: PositiveScreen) -> list[str]:
    return list(screen.steps.order_by("position").values_list("key", flat=True))


EI_FIRST = ["early_intervention", "diagnostic_evaluation", "audiology"]
SCHOOL_FIRST = ["preschool_special_education", "diagnostic_evaluation", "audiology"]
PARENT = ["talk_with_parent", "parent_mental_health", "peer_support"]
SOCIAL = ["resources_housing", "resources_food", "safety_conversation"]
TEEN = date(2011, 1, 1)
CASES = [
    (ScreenKind.AUTISM, "mchat_r", "high", [], TODDLER, EI_FIRST),
    (ScreenKind.AUTISM, "mchat_r", "medium", [], TODDLER, ["mchat_follow_up"]),
    (ScreenKind.AUTISM, "mchat_rf_followup", "positive", [], TODDLER, EI_FIRST),
    (ScreenKind.AUTISM, "swyc_posi", "positive", [], date(2023, 1, 1), SCHOOL_FIRST),
    (ScreenKind.DEVELOPMENTAL, "asq3", "refer", [], TODDLER, EI_FIRST[:1] + ["medical_evaluation"]),
    (
        ScreenKind.DEVELOPMENTAL,
        "asq3",
        "refer",
        [],
        date(2023, 12, 5),
        ["preschool_special_education", "medical_evaluation"],
    ),
    (ScreenKind.BEHAVIORAL, "psc17", "positive", [], TEEN, ["behavioral_health_handoff"]),
    (ScreenKind.CAREGIVER_DEPRESSION, "epds", "positive", [], TODDLER, PARENT),
    (
        ScreenKind.ADOLESCENT_DEPRESSION,
        "phqa",
        "moderate",
        [],
        TEEN,
        ["suicide_risk_assessment", "treat_or_refer"],
    ),
    (
        ScreenKind.SUBSTANCE_USE,
        "crafft",
        "high",
        [],
        TEEN,
        ["brief_intervention", "substance_use_referral"],
    ),
    (
        ScreenKind.SOCIAL_NEEDS,
        "ahc_hrsn",
        "positive",
        ["housing", "food", "safety"],
        TODDLER,
        SOCIAL,
    ),
]


@pytest.mark.parametrize(("kind", "instrument", "band", "domains", "born", "expected"), CASES)
def test_every_kind_proposes_the_steps_of_the_domain_reference(
    kind, instrument, band, domains, born, expected
):
    assert (
        definitions.steps_for(
            kind, instrument_key=instrument, band=band, positive_domains=domains, born=born, on=ON
        )
        == expected
    )
    for key in expected:
        assert definitions.STEPS[key].source  # each step cites its source


def test_the_early_intervention_step_turns_into_the_school_district_on_the_third_birthday():
    def first(born):
        return definitions.steps_for(
            ScreenKind.DEVELOPMENTAL,
            instrument_key="asq3",
            band="refer",
            positive_domains=[],
            born=born,
            on=ON,
        )[0]

    assert first(date(2023, 12, 6)) == "early_intervention"  # 3 tomorrow
    assert first(date(2023, 12, 5)) == "preschool_special_education"  # 3 today


@pytest.mark.parametrize(
    ("instrument", "respondent", "kind"),
    [
        ("phq9", "caregiver", ScreenKind.CAREGIVER_DEPRESSION),
        ("phq9", "adolescent", ScreenKind.ADOLESCENT_DEPRESSION),
        ("swyc_milestones_24", "caregiver", ScreenKind.DEVELOPMENTAL),
        ("phq2", "caregiver", None),  # its positive result only calls for the PHQ-9
        ("gad2", "caregiver", None),
    ],
)
def test_the_kind_follows_the_instrument_and_who_answered(instrument, respondent, kind):
    assert definitions.kind_of(instrument, respondent) == kind


def test_an_mchat_at_high_risk_proposes_early_intervention_diagnosis_and_audiology(mchat_high):
    screen = PositiveScreen.objects.get(administration=mchat_high)

    assert mchat_high.band == "high"
    assert screen.kind == ScreenKind.AUTISM and screen.outcome == Outcome.PENDING
    assert keys_of(screen) == ["early_intervention", "diagnostic_evaluation", "audiology"]
    assert set(screen.steps.values_list("status", flat=True)) == {StepStatus.PROPOSED}


def test_an_mchat_at_low_risk_proposes_nothing(pediatrician, toddler_a, caregiver_a):
    low = score(pediatrician, toddler_a, "mchat_r:caregiver", mchat_answers(2), caregiver_a)

    assert low.band == "low"
    assert not PositiveScreen.objects.exists() and not NextStep.objects.exists()


def test_an_mchat_at_medium_risk_proposes_the_follow_up_which_completes_it(
    pediatrician, toddler_a, caregiver_a
):
    medium = score(pediatrician, toddler_a, "mchat_r:caregiver", mchat_answers(4), caregiver_a)
    screen = PositiveScreen.objects.get(administration=medium)
    assert keys_of(screen) == ["mchat_follow_up"]

    from medhome.screening import services as screening
    from medhome.screening.models import Mode

    follow_up = screening.start_administration(
        actor=pediatrician,
        child=toddler_a,
        choice="mchat_rf_followup:staff",
        mode=Mode.STAFF_ENTRY,
        follows=medium,
        at=clock.now(),
    )
    screening.save_answers(
        actor=pediatrician,
        administration=follow_up,
        answers={"followup_score": "3"},
        submit=True,
        at=clock.now(),
    )

    screen.refresh_from_db()
    assert screen.outcome == Outcome.FOLLOWED_UP
    assert screen.steps.get().status == StepStatus.DONE
    positive = PositiveScreen.objects.get(administration=follow_up)
    assert keys_of(positive) == ["early_intervention", "diagnostic_evaluation", "audiology"]


def test_scoring_the_same_form_again_does_not_duplicate(pediatrician, mchat_high):
    again = services.propose_for(pediatrician, mchat_high, clock.now())

    assert again == PositiveScreen.objects.get()
    assert NextStep.objects.count() == 3


def test_a_negative_result_proposes_nothing(pediatrician, child_a):
    administration = Administration.objects.create(
        practice=child_a.practice,
        child=child_a,
        instrument_key="psc17",
        instrument_version="1",
        mode="staff_entry",
        respondent="caregiver",
        language="en",
        status=Status.SCORED,
        started_at=clock.now(),
        updated_at=clock.now(),
        submitted_at=clock.now(),
        administered_on=clock.today(),
        band="negative",
        positive=False,
    )

    assert services.propose_for(pediatrician, administration, clock.now()) is None


def test_a_social_needs_screen_proposes_a_step_per_positive_domain(pediatrician, child_a):
    administration = Administration.objects.create(
        practice=child_a.practice,
        child=child_a,
        instrument_key="ahc_hrsn",
        instrument_version="1",
        mode="staff_entry",
        respondent="caregiver",
        language="en",
        status=Status.SCORED,
        started_at=clock.now(),
        updated_at=clock.now(),
        submitted_at=clock.now(),
        administered_on=clock.today(),
        band="positive",
        positive=True,
        positive_domains=["food", "transportation", "safety"],
    )

    screen = services.propose_for(pediatrician, administration, clock.now())

    assert keys_of(screen) == ["resources_food", "resources_transportation", "safety_conversation"]
    assert definitions.STEPS["safety_conversation"].safety is True


def test_the_steps_are_saved_with_the_score_or_not_at_all(
    monkeypatch, pediatrician, toddler_a, caregiver_a
):
    from medhome.screening import hooks

    def fails(actor, administration, at):
        raise RuntimeError("the steps could not be written")

    monkeypatch.setattr(hooks, "_ON_SCORED", [services.on_scored, fails])

    with pytest.raises(RuntimeError):
        score(pediatrician, toddler_a, "mchat_r:caregiver", mchat_answers(9), caregiver_a)

    assert Administration.objects.get().status == Status.IN_PROGRESS
    assert not PositiveScreen.objects.exists()


@pytest.mark.parametrize(
    ("changes", "steps"),
    [
        ({}, None),
        ({"4": "LA28397-0", "6": "LA32002-0"}, ["resources_food", "resources_utilities"]),
    ],
)
def test_an_imported_ahc_without_its_safety_items_proposes_the_steps_of_its_answered_domains(
    practice_a, tmp_path, changes, steps
):
    """As at submission, and never a safety step: its safety was not determined
    (docs/clinical-rules.md#imported-screens)."""
    no_needs = {"1": "LA31993-1", "2": "LA9-3", "3": "LA28398-8", "4": "LA28398-8"}
    answers = no_needs | {"5": "LA32-8", "6": "LA32-8"} | changes
    import_responses(practice_a, tmp_path, response("q1", answers, key="ahc_hrsn"))
    screen = Administration.objects.get(practice=practice_a)
    assert (screen.status, screen.not_determined_domains) == (Status.SCORED, ["safety"])

    found = PositiveScreen.objects.filter(administration=screen).first()

    assert (keys_of(found) if found else None) == steps
