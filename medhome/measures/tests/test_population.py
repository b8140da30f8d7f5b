"""Engine == reference on a synthetic population; one query per measure whatever its size."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.measures import engine, reference
from medhome.measures.definitions import MEASURES
from medhome.synth.visit_history import write_histories
from medhome.visits.models import Visit

from .helpers import child, screen

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
@pytest.mark.parametrize("size", [20, 120])
def test_one_query_per_measure_whatever_the_size(family_a, practice_a, size):
    population(family_a, size, f"measures-queries-{size}")
    for key in MEASURES:
        with CaptureQueriesContext(connection) as queries:
            engine.compute(
                key, practices=[practice_a], period_start=PERIODS[0][0], period_end=PERIODS[0][1]
            )
        assert len(queries) == 1, key
