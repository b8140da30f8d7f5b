"""SNS-E social needs screening and intervention at their edges (measures.md §7)."""

from datetime import date

import pytest

from medhome.accounts.roles import Role
from medhome.families.models import PanelMembership
from medhome.measures import engine, reference
from medhome.nextsteps.models import PositiveScreen
from medhome.screening import services
from medhome.screening.models import Administration
from medhome.screening.tests.test_imported import import_responses, response
from tests import factories

from .helpers import child, plan_action, referral, screen, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)
POSITIVE_DAY = date(2026, 3, 1)  # + 30 days = 2026-03-31


def both(key, practice):
    results = [
        module.compute(key, practices=[practice], period_start=START, period_end=END)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids), key
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids), key
    return results[0]


def seen(family, born=date(2020, 5, 5)):
    kid = child(family, born)
    visit(kid, date(2026, 2, 1), kind="sick")
    return kid


def food_positive(kid, day=POSITIVE_DAY):
    return screen(kid, day, key="hvs", positive=True, domains=["food"])


@pytest.mark.django_db
def test_food_intervention_within_30_days(family_a, practice_a):
    day_30, day_31, wrong_need, draft, action, cancelled, same_day = (
        seen(family_a) for _ in range(7)
    )
    for kid in (day_30, day_31, wrong_need, draft, same_day):
        food_positive(kid)
    referral(day_30, date(2026, 3, 31))
    referral(day_31, date(2026, 4, 1))
    referral(wrong_need, date(2026, 3, 10), need="housing")
    referral(draft, date(2026, 3, 10), status="draft")
    referral(same_day, POSITIVE_DAY)
    plan_action(action, food_positive(action), date(2026, 3, 5))
    plan_action(cancelled, food_positive(cancelled), date(2026, 3, 5), status="cancelled")
    negative = seen(family_a)
    screen(negative, POSITIVE_DAY, key="hvs")
    referral(negative, date(2026, 3, 2))

    result = both("sns_food_followup", practice_a)
    positives = {day_30, day_31, wrong_need, draft, action, cancelled, same_day}
    assert set(result.denominator_ids) == {kid.pk for kid in positives}
    assert set(result.numerator_ids) == {day_30.pk, action.pk, same_day.pk}
    assert both("sns_housing_followup", practice_a).denominator_ids == []


@pytest.mark.django_db
def test_screening_window_ends_30_days_before_the_period(family_a, practice_a):
    dec_1, dec_2, undetermined, partial, hvs_only = (seen(family_a) for _ in range(5))
    screen(dec_1, date(2026, 12, 1), key="ahc_hrsn")  # negative: still a completed screen
    screen(dec_2, date(2026, 12, 2), key="ahc_hrsn")
    screen(undetermined, date(2026, 6, 1), key="hvs", positive=None)  # both items declined
    screen(partial, date(2026, 6, 1), key="ahc_hrsn", status="partial")
    screen(hvs_only, date(2026, 6, 1), key="hvs")
    no_visit = child(family_a, date(2020, 5, 5))
    screen(no_visit, date(2026, 6, 1), key="ahc_hrsn")
    audio_visit = child(family_a, date(2020, 5, 5))
    visit(audio_visit, date(2026, 12, 31), modality="audio")  # any completed visit counts

    food = both("sns_food_screen", practice_a)
    assert no_visit.pk not in food.denominator_ids and audio_visit.pk in food.denominator_ids
    assert len(food.denominator_ids) == 6
    assert set(food.numerator_ids) == {dec_1.pk, hvs_only.pk}
    assert both("sns_housing_screen", practice_a).numerator_ids == [dec_1.pk]
    assert both("sns_transport_screen", practice_a).numerator_ids == [dec_1.pk]


@pytest.mark.django_db
def test_positive_housing_and_transportation_on_the_ahc(family_a, practice_a):
    kid, late = seen(family_a), seen(family_a)
    ahc = screen(
        kid, date(2026, 5, 1), key="ahc_hrsn", positive=True, domains=["housing", "transportation"]
    )
    referral(kid, date(2026, 5, 20), need="transportation")
    screen(late, date(2026, 12, 2), key="ahc_hrsn", positive=True, domains=["housing"])
    assert both("sns_housing_followup", practice_a).denominator_ids == [kid.pk]
    assert both("sns_housing_followup", practice_a).numerator_ids == []
    assert both("sns_transport_followup", practice_a).numerator_ids == [kid.pk]
    assert both("sns_food_followup", practice_a).denominator_ids == []
    plan_action(kid, ahc, date(2026, 5, 31))  # day 30: a care-plan action counts
    assert both("sns_housing_followup", practice_a).numerator_ids == [kid.pk]


# An AHC HRSN imported without its safety items (docs/clinical-rules.md#imported-screens) counts
# in the social-needs measures exactly as one entered in clinic with the same domain results:
# SNS-E has no safety domain, and "safety not determined" changes no count.
SAFETY_NEVER = {str(n): "LA6270-8" for n in (7, 8, 9, 10)}
FOOD_AND_TRANSPORT = {
    "1": "LA31993-1",
    "2": "LA9-3",
    "3": "LA28397-0",
    "4": "LA28398-8",
    "5": "LA33-6",
    "6": "LA32-8",
}
SNS_KEYS = [
    f"sns_{short}_{part}"
    for short in ("food", "housing", "transport")
    for part in ("screen", "followup")
]


@pytest.mark.django_db
def test_an_imported_ahc_without_safety_counts_as_one_entered_in_clinic(
    family_a, practice_a, staff_a, caregiver_a, tmp_path
):
    answered = "2026-03-01T15:00:00+00:00"
    import_responses(
        practice_a,
        tmp_path,
        response("q1", FOOD_AND_TRANSPORT, key="ahc_hrsn", authored=answered),
        born="2020-05-05",
    )
    back = Administration.objects.get(practice=practice_a, mode="imported")
    assert back.not_determined_domains == ["safety"]
    visit(back.child, date(2026, 2, 1), kind="sick")
    entered = seen(family_a)
    clinician = factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)
    form = services.start_administration(
        actor=clinician,
        child=entered,
        choice="ahc_hrsn:caregiver",
        mode="staff_entry",
        caregiver=caregiver_a,
        override_reason="The family asked about help with food",
        at=back.submitted_at,
    )
    services.save_answers(
        actor=clinician,
        administration=form,
        answers=FOOD_AND_TRANSPORT | SAFETY_NEVER,
        submit=True,
        at=back.submitted_at,
    )
    # The same attribution for both (the import puts its child on the panel from the day it
    # runs), so that only the way the screen arrived differs.
    joined = PanelMembership.objects.get(child=entered).starts_on
    PanelMembership.objects.filter(child=back.child).update(starts_on=joined)
    # An intervention for food within 30 days for each.
    for kid in (back.child, entered):
        referral(kid, date(2026, 3, 10))

    # The SNS rows are children; the follow-up measure's rows are positive screens.
    rows = dict.fromkeys(SNS_KEYS, (back.child.pk, entered.pk))
    rows["psf_social_needs"] = tuple(
        PositiveScreen.objects.get(administration_id=pk).pk for pk in (back.pk, form.pk)
    )
    counted = {}
    for key, (imported_row, entered_row) in rows.items():
        result = both(key, practice_a)
        imported_as, entered_as = (
            (row in result.denominator_ids, row in result.numerator_ids)
            for row in (imported_row, entered_row)
        )
        assert imported_as == entered_as, key
        counted[key] = imported_as
    assert counted == {
        "sns_food_screen": (True, True),
        "sns_food_followup": (True, True),
        "sns_housing_screen": (True, True),  # screened, negative
        "sns_housing_followup": (False, False),
        "sns_transport_screen": (True, True),
        "sns_transport_followup": (True, False),  # positive, no transportation referral
        "psf_social_needs": (True, False),  # its next steps are still pending
    }


FOLLOWUPS = ("sns_food_followup", "sns_housing_followup", "sns_transport_followup")


@pytest.mark.django_db
def test_a_child_with_several_positive_screens_counts_once_in_every_form(family_a, practice_a):
    """The follow-up rates together (measures.batches: one row per child from its positive
    screens) count a child once, in the numerator when any positive screen was followed, as
    the reference and compute() do; the counts (figures) agree with the ids."""
    from medhome.measures import batches, figures

    one_followed, none_followed, two_domains = (seen(family_a) for _ in range(3))
    food_positive(one_followed, date(2026, 2, 1))
    food_positive(one_followed)
    referral(one_followed, date(2026, 3, 5))  # follows the second screen only
    food_positive(none_followed, date(2026, 2, 1))
    food_positive(none_followed)
    screen(two_domains, POSITIVE_DAY, key="ahc_hrsn", positive=True, domains=["food", "housing"])
    referral(two_domains, date(2026, 3, 5), need="housing")

    together = batches.compute_all(
        FOLLOWUPS, practices=[practice_a], period_start=START, period_end=END
    )
    cells = figures.all_figures(
        FOLLOWUPS, practices=[practice_a], period_start=START, period_end=END
    )
    for key in FOLLOWUPS:
        alone = both(key, practice_a)
        assert sorted(together[key].numerator_ids) == sorted(alone.numerator_ids), key
        assert sorted(together[key].denominator_ids) == sorted(alone.denominator_ids), key
        assert (cells[key].numerator, cells[key].denominator) == (
            len(alone.numerator_ids),
            len(alone.denominator_ids),
        ), key
    food = together["sns_food_followup"]
    assert sorted(food.denominator_ids) == sorted(
        [one_followed.pk, none_followed.pk, two_domains.pk]
    )
    assert food.numerator_ids == [one_followed.pk]
    housing = together["sns_housing_followup"]
    assert (housing.numerator_ids, housing.denominator_ids) == ([two_domains.pk], [two_domains.pk])
