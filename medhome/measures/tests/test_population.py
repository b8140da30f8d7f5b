"""Engine == reference on a synthetic population; one query per measure whatever its size."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.core import clock
from medhome.measures import batches, engine, reference
from medhome.measures.definitions import MEASURE_ORDER, MEASURES
from medhome.synth.visit_history import write_histories
from medhome.visits.models import Visit
from tests import factories

from .helpers import child, plan_action, referral, screen, visit

AS_OF = date(2026, 11, 1)
PERIODS = [
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2026, 2, 1), date(2026, 2, 28)),
    (date(2024, 3, 1), date(2025, 2, 28)),
]
KEYS = [
    "w30_1",
    "w30_2",
    "wcv",
    "wcv_3_11",
    "wcv_12_17",
    "wcv_18_21",
    "dev_1",
    "dev_2",
    "dev_3",
    "dev",
]
# The screening and referral measures (screening_measures.py, referral_measures.py).
NEW_KEYS = [
    "cdep_1m",
    "cdep_2m",
    "cdep_4m",
    "cdep_6m",
    "cdep_visits",
    "cdep_once",
    "cdep_once_any",
    "asd_18",
    "asd_24",
    "asd",
    "sns_food_screen",
    "sns_housing_screen",
    "sns_transport_screen",
    "sns_food_followup",
    "sns_housing_followup",
    "sns_transport_followup",
    "ref_closed",
    "ref_rejected",
    "ref_failed",
    "ref_cancelled",
]
NEW_PERIODS = [*PERIODS[:2], (date(2025, 1, 1), date(2025, 12, 31))]


def population(family, count: int, seed: str):
    rng = random.Random(seed)  # noqa: S311 (synthetic test data, not security)
    kids = []
    for _ in range(count):
        # Mostly under four (where W30/DEV-CH live), some up to 22; 29 Feb births included.
        span = 4 * 365 if rng.random() < 0.7 else 22 * 365
        born = AS_OF - timedelta(days=rng.randint(0, span))
        if rng.random() < 0.03:
            born = date(rng.choice([2024, 2020]), 2, 29)
        kids.append(child(family, born))
    write_histories(kids, as_of=AS_OF, seed=seed, clinicians=[])
    visits = list(Visit.objects.filter(child__in=kids).values_list("pk", flat=True))
    for pk in rng.sample(visits, len(visits) // 8):
        Visit.objects.filter(pk=pk).update(modality=rng.choice(["audio", "video"]))
    for pk in rng.sample(visits, len(visits) // 20):
        Visit.objects.filter(pk=pk).update(status=rng.choice(["no_show", "cancelled"]))
    for kid in kids:
        for _ in range(rng.randint(0, 3)):
            day = kid.date_of_birth + timedelta(days=rng.randint(0, 4 * 366))
            if day <= AS_OF:
                key = rng.choice(["asq3", "swyc_milestones_24", "mchat_r", "asqse2", "asq3"])
                screen(kid, day, key=key)
    return kids


CAREGIVER_KEYS = ["epds", "epds", "phq9", "phq2", "asq3"]
AUTISM_KEYS = ["mchat_r", "mchat_r", "swyc_posi", "mchat_rf_followup", "swyc_bpsc"]
AHC_DOMAINS = ["housing", "food", "transportation", "utilities"]
TERMINAL = ["completed", "rejected", "failed", "cancelled", "entered_in_error"]
OPEN = ["draft", "requested", "accepted", "in_progress"]
NEEDS = ["food", "housing", "transportation", "legal"]


def screenings_and_referrals(kids, seed: str):
    """Caregiver depression, autism and social-needs screens around the windows' edges, and
    referrals and care-plan actions around the 30-day follow-up."""
    rng = random.Random(seed)  # noqa: S311 (synthetic test data, not security)
    visit_days: dict = {}
    for child_id, starts_at in Visit.objects.filter(child__in=kids).values_list(
        "child_id", "starts_at"
    ):
        visit_days.setdefault(child_id, []).append(clock.local_date(starts_at))

    def status():
        return "scored" if rng.random() < 0.85 else "partial"

    # Who answered a caregiver screen: the birth parent, another caregiver or nobody recorded,
    # by the day (no draw from rng, so the rest of the population stays as it was).
    family = kids[0].family
    answered_by = [
        factories.add_caregiver(family, given_name="Birthparent", is_birth_parent=True),
        factories.add_caregiver(family, given_name="Othercaregiver", relationship="father"),
        None,
    ]

    for kid in kids:
        dob = kid.date_of_birth
        # Caregiver depression: around the infant's visits (a few days either side of the
        # window edges), and some anywhere in the first eight months.
        infant_days = [
            day
            for day in visit_days.get(kid.pk, [])
            if day <= dob + timedelta(days=250) and rng.random() < 0.6
        ]
        infant_days += [dob + timedelta(days=rng.randint(0, 250)) for _ in range(rng.randint(0, 2))]
        for base in infant_days:
            day = base + timedelta(days=rng.randint(-6, 6))
            if dob <= day <= AS_OF:
                who = "caregiver" if rng.random() < 0.85 else "adolescent"
                screen(
                    kid,
                    day,
                    key=rng.choice(CAREGIVER_KEYS),
                    status=status(),
                    respondent=who,
                    caregiver=answered_by[day.toordinal() % 3],
                )
        for _ in range(rng.randint(0, 2)):  # autism, 16-31 months
            day = dob + timedelta(days=rng.randint(480, 950))
            if day <= AS_OF:
                screen(kid, day, key=rng.choice(AUTISM_KEYS), status=status())
        for _ in range(rng.randint(1, 3)):  # social needs, last two years
            day = AS_OF - timedelta(days=rng.randint(0, 2 * 366))
            if rng.random() < 0.5:  # seen that day (the SNS denominator needs a visit)
                visit(kid, day, kind=rng.choice(["sick", "well_child", "follow_up"]))
            positive = rng.random() < 0.5
            if rng.random() < 0.5:
                undetermined = rng.random() < 0.1
                admin = screen(
                    kid,
                    day,
                    key="hvs",
                    status=status(),
                    positive=None if undetermined else positive,
                    domains=["food"] if positive and not undetermined else [],
                )
            else:
                domains = [d for d in AHC_DOMAINS if positive and rng.random() < 0.6]
                admin = screen(
                    kid,
                    day,
                    key="ahc_hrsn",
                    status=status(),
                    positive=bool(domains),
                    domains=domains,
                )
            if rng.random() < 0.3:
                created = day + timedelta(days=rng.randint(-3, 35))
                plan_action(kid, admin, created, status=rng.choice(["to_do", "done", "cancelled"]))
            if rng.random() < 0.6:
                created = day + timedelta(days=rng.randint(-3, 35))
                need = rng.choice(admin.positive_domains) if admin.positive_domains else None
                _referral(rng, kid, created, need)
        if rng.random() < 0.3:
            _referral(rng, kid, AS_OF - timedelta(days=rng.randint(0, 3 * 366)))


def _referral(rng, kid, created, need=None):
    state = rng.choice(TERMINAL + OPEN)
    sent = None if state == "draft" else created + timedelta(days=rng.randint(0, 2))
    closed = sent + timedelta(days=rng.randint(0, 120)) if state in TERMINAL else None
    referral(
        kid,
        created,
        need=need if need and rng.random() < 0.7 else rng.choice(NEEDS),
        sent=sent,
        status=state,
        closed=closed,
        outcome=rng.choice(["need_met", "not_met"]) if state == "completed" else "",
        closed_hour=rng.randint(0, 23),
    )


@pytest.mark.django_db
def test_engine_equals_reference_on_a_synthetic_population(family_a, practice_a, settings):
    kids = population(family_a, 300, "measures-equivalence")
    assert Visit.objects.filter(child__in=kids).count() > 1000
    for rules in ({}, {"w30_min_days_between_visits": 0, "counted_modalities": ["in_person"]}):
        settings.MEDHOME_MEASURE_RULES = rules
        for start, end in PERIODS:
            for key in KEYS:
                fast = engine.compute(
                    key, practices=[practice_a], period_start=start, period_end=end
                )
                slow = reference.compute(
                    key, practices=[practice_a], period_start=start, period_end=end
                )
                label = (key, start, end, rules)
                assert sorted(fast.numerator_ids) == sorted(slow.numerator_ids), label
                assert sorted(fast.denominator_ids) == sorted(slow.denominator_ids), label
    # The population exercises the measures (not all empty).
    w30 = engine.compute(
        "w30_1", practices=[practice_a], period_start=PERIODS[0][0], period_end=PERIODS[0][1]
    )
    assert 0 < w30.numerator < w30.denominator


@pytest.mark.django_db
def test_screening_and_referral_measures_engine_equals_reference(family_a, practice_a, settings):
    kids = population(family_a, 100, "measures-screening-equivalence")
    screenings_and_referrals(kids, "measures-screening-equivalence")
    variants = (
        ({}, NEW_PERIODS),
        (
            {
                "cdep_screen_days_from_visit": 7,
                "counted_modalities": ["in_person"],
                "sns_count_plan_actions": False,
                "ref_cutoff_months": 0,
            },
            NEW_PERIODS[:1],
        ),
    )
    for rules, periods in variants:
        settings.MEDHOME_MEASURE_RULES = rules
        for start, end in periods:
            for key in NEW_KEYS:
                fast = engine.compute(
                    key, practices=[practice_a], period_start=start, period_end=end
                )
                slow = reference.compute(
                    key, practices=[practice_a], period_start=start, period_end=end
                )
                label = (key, start, end, rules)
                assert sorted(fast.numerator_ids) == sorted(slow.numerator_ids), label
                assert sorted(fast.denominator_ids) == sorted(slow.denominator_ids), label
                assert fast.median_days == slow.median_days, label
    # The population exercises every measure on 2026 (none empty, not all full).
    settings.MEDHOME_MEASURE_RULES = {}
    results = [
        engine.compute(
            key, practices=[practice_a], period_start=PERIODS[0][0], period_end=PERIODS[0][1]
        )
        for key in NEW_KEYS
    ]
    for result in results:
        assert 0 < result.numerator <= result.denominator, result.measure_key
    assert sum(r.numerator for r in results) < sum(r.denominator for r in results) / 2


@pytest.mark.django_db
@pytest.mark.parametrize("size", [20, 120])
def test_one_query_per_measure_whatever_the_size(family_a, practice_a, size):
    """One query per measure; a program measure reads the practice's program rows first (one
    small query: their ages become plain conditions, program_measures.eligibility, _within)."""
    from medhome.measures.program_measures import BUILDERS as PROGRAM_MEASURES
    from medhome.measures.program_measures import PROGRAMS
    from tests.program_factories import program

    kids = population(family_a, size, f"measures-queries-{size}")
    screenings_and_referrals(kids, f"measures-queries-{size}")
    for definition in set(PROGRAMS.values()):
        program(practice_a, definition)
    for key in MEASURES:
        with CaptureQueriesContext(connection) as queries:
            engine.compute(
                key, practices=[practice_a], period_start=PERIODS[0][0], period_end=PERIODS[0][1]
            )
        assert len(queries) == (2 if key in PROGRAM_MEASURES else 1), key


@pytest.mark.django_db
def test_batched_measures_equal_the_reference(family_a, practice_a, settings):
    """compute_all (related measures from one query, measures.batches) gives every measure
    the reference's ids and medians, with the rule variants that change the shared SQL."""
    kids = population(family_a, 100, "measures-batches")
    screenings_and_referrals(kids, "measures-batches")
    variants = (
        {},
        {"cdep_screen_days_from_visit": 7, "sns_count_plan_actions": False},
        {"ref_cutoff_months": 0, "counted_modalities": ["in_person"]},
    )
    for rules in variants:
        settings.MEDHOME_MEASURE_RULES = rules
        for start, end in NEW_PERIODS:
            together = batches.compute_all(
                MEASURE_ORDER, practices=[practice_a], period_start=start, period_end=end
            )
            assert list(together) == list(MEASURE_ORDER)
            for key, fast in together.items():
                slow = reference.compute(
                    key, practices=[practice_a], period_start=start, period_end=end
                )
                label = (key, start, end, rules)
                assert sorted(fast.numerator_ids) == sorted(slow.numerator_ids), label
                assert sorted(fast.denominator_ids) == sorted(slow.denominator_ids), label
                assert fast.median_days == slow.median_days, label
                assert fast.simplifications == list(MEASURES[key].simplifications), label


@pytest.mark.django_db
def test_one_query_per_batch(family_a, practice_a):
    kids = population(family_a, 40, "measures-batch-queries")
    screenings_and_referrals(kids, "measures-batch-queries")
    tasks = batches.plan(MEASURE_ORDER)
    assert {task.batch for task in tasks} == {None, *batches.BATCHES}
    assert sorted(key for task in tasks for key in task.keys) == sorted(MEASURE_ORDER)
    with CaptureQueriesContext(connection) as queries:
        batches.compute_all(
            MEASURE_ORDER,
            practices=[practice_a],
            period_start=PERIODS[0][0],
            period_end=PERIODS[0][1],
        )
    # The programs' batch reads the practice's program rows first (none here: no second query).
    assert len(queries) == len(tasks) < len(MEASURE_ORDER)


def test_a_batch_is_used_only_for_two_or_more_of_its_measures():
    tasks = batches.plan(["wcv", "dev_1", "dev", "w30_1", "wcv"])
    assert [(t.keys, t.batch) for t in tasks] == [
        (("dev_1", "dev"), "dev"),
        (("wcv",), None),
        (("w30_1",), None),
    ]
