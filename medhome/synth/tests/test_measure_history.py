"""Measure histories (panel.build_panel): valid scored results, a mix of referral fates,
disparities by language, reproducible. (That the measures engine and its reference agree on
these histories is checked by bench/measures.py --reference-sample: synth may not import
measures.)"""

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from random import Random
from uuid import UUID

import pytest

from medhome.families.models import Child
from medhome.instruments import registry
from medhome.instruments.definitions import Respondent
from medhome.instruments.scoring import score
from medhome.referrals.models import Referral
from medhome.screening.models import Administration
from medhome.synth.measure_history import ChildFacts, History, Settings, Writer
from medhome.synth.panel import build_panel
from medhome.synth.screen_pool import pool
from medhome.visits.models import Visit

AS_OF = date(2026, 3, 1)


@pytest.fixture
def panel(db):  # type: ignore[no-untyped-def]
    return build_panel(
        seed=5, children=600, practice_count=2, network_name="History test", as_of=AS_OF
    )


def test_stored_results_are_the_instruments_own(panel) -> None:  # type: ignore[no-untyped-def]
    screens = Administration.objects.filter(practice_id__in=panel.practice_ids)
    assert {"epds", "mchat_r", "asq3"} <= set(screens.values_list("instrument_key", flat=True))
    for screen in screens.order_by("pk")[:300]:
        instrument = registry.get(screen.instrument_key)
        respondent = Respondent.STAFF if screen.respondent == "staff" else Respondent.CAREGIVER
        outcome = score(
            instrument, screen.answers, respondent=respondent, age_months=screen.form_age_months
        )
        assert (screen.total, screen.band, screen.positive) == (
            outcome.total,
            outcome.band,
            outcome.positive,
        )
        assert screen.positive_domains == list(outcome.positive_domains)
        assert screen.status == "scored" and screen.administered_on < AS_OF


def test_rates_fates_and_disparities(panel) -> None:  # type: ignore[no-untyped-def]
    epds = Administration.objects.filter(practice_id__in=panel.practice_ids, instrument_key="epds")
    share = epds.filter(positive=True).count() / epds.count()
    assert 0.04 < share < 0.25
    fates = Counter(
        Referral.objects.filter(practice_id__in=panel.practice_ids).values_list("status", flat=True)
    )
    assert {"completed", "rejected", "accepted"} <= set(fates)
    assert Referral.objects.filter(status="completed", outcome="").count() == 0
    # Screens per child are fewer where the family's language is not English (invented).
    children = Child.objects.filter(practice_id__in=panel.practice_ids)
    per_child = {}
    for english in (True, False):
        kids = (
            children.filter(preferred_language="en")
            if english
            else children.exclude(preferred_language="en")
        )
        screened = Administration.objects.filter(child__in=kids).count()
        visits = Visit.objects.filter(child__in=kids, kind="well_child").count()
        per_child[english] = screened / visits
    assert per_child[True] > per_child[False]
    assert all(
        json.loads(r.positive_domains_json) == list(r.positive_domains)
        for results in pool("ahc_hrsn").values()
        for r in results
    )


def test_same_seed_same_rows() -> None:
    kids = [
        ChildFacts(
            UUID(int=n + 1),
            UUID(int=99),
            date(2023, 1, 1) + timedelta(days=37 * n),
            "medicaid" if n % 2 else "commercial",
            "es" if n % 3 else "en",
            None,
            UUID(int=1000 + n),
        )
        for n in range(40)
    ]

    def rows(seed: str) -> list:
        run = Settings(
            as_of=AS_OF,
            created_at=datetime(2026, 3, 1, tzinfo=UTC),
            organizations={"food": UUID(int=7)},
            sender={UUID(int=99): 1},
        )
        writer = Writer(run)
        history = History(run, Random(seed), writer)
        for kid in kids:
            history.child(kid)
        return [table.rows for table in writer.tables()]

    assert rows("a") == rows("a") != rows("b")
