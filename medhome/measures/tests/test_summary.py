"""The measures' summary table: the worker's recompute gives exactly the engine's figures, the
pages read it in a few queries, and the sweeps recompute only what a practice's setting, its
record and its analysts ask for."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.measures import jobs, periods, selectors, services, strata, summary
from medhome.measures.figures import all_figures
from medhome.measures.models import MeasureFigure, MeasureRefresh
from medhome.measures.suppression import suppress_rows, suppress_total
from medhome.practices.models import MeasuresRefresh, Site
from tests import factories

from .helpers import child, referral, screen, visit

NOW = "2026-11-15 12:00:00+00:00"
TODAY = date(2026, 11, 15)
# One measure of each kind of query: W30's visit chains, WCV's age bands, DEV-CH by birthday,
# the per-visit caregiver depression screens, a social-needs rate, the loop closure of referrals
# (a median), the follow-up of positive screens, a program's reach.
SAMPLE = [
    "w30_2",
    "wcv",
    "wcv_3_11",
    "dev",
    "dev_2",
    "cdep_1m",
    "sns_food_screen",
    "ref_closed",
    "psf",
    "prog_ror_reach",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def panel(registered_a, registered_b):
    """A small demo-like practice A — languages, races, sexes, two sites, screens, visits, a
    referral closed — and one child of practice B."""
    family = registered_a[0]
    north = Site.objects.create(practice=family.practice, name="North")
    kids = []
    for n in range(14):
        kid = child(
            family,
            date(2024, 1 + n % 12, 5 + n),
            preferred_language=("es", "en", "vi")[n % 3],
            race_ethnicity=[["hispanic"], ["black", "white"], ["white"], ["declined"]][n % 4],
            sex_at_birth=("female", "male")[n % 2],
        )
        kids.append(kid)
        if n % 3:
            screen(kid, date(2025, 9, 1 + n))
        if n % 4 == 0:
            seen = visit(kid, date(2025, 10, 1 + n))
            seen.site = north
            seen.save()
    older = child(family, date(2018, 6, 1), preferred_language="es")
    visit(older, date(2026, 3, 2))
    screen(older, date(2026, 3, 2), key="ahc_hrsn", positive=True, domains=["food"])
    referral(
        older, date(2026, 3, 2), status="completed", closed=date(2026, 3, 20), outcome="need_met"
    )
    other = child(registered_b[0], date(2024, 5, 10), legal_family_name="Otherpractice")
    screen(other, date(2025, 12, 1))
    return kids


def actor_of(user, practice) -> Actor:
    from medhome.accounts.roles import Role

    return factories.actor_for(user, practice, Role.PRACTICE_ADMIN)


def rows_of(practice) -> set:
    return set(
        MeasureFigure.objects.filter(practice=practice).values_list(
            "measure_key",
            "period_start",
            "period_end",
            "dimension",
            "group",
            "numerator",
            "denominator",
            "median_days",
        )
    )


def cells(total, rows) -> tuple:
    return (
        (total.key, total.numerator, total.denominator, total.median_days, total.hidden),
        sorted((r.cell.key, r.cell.label, r.cell.numerator, r.cell.denominator) for r in rows),
    )


@pytest.mark.django_db
def test_the_summary_gives_the_engines_figures(practice_a, panel, staff_a):
    from medhome.accounts.roles import Role

    leader = actor_of(staff_a[Role.PRACTICE_ADMIN], practice_a)
    services.recompute(practice_a, at=timezone.now(), today=TODAY, keys=SAMPLE)

    rolling = periods.rolling_points(TODAY)
    for period in periods.choices(TODAY):
        figures = summary.read(
            leader,
            period=period,
            keys=SAMPLE,
            dimensions=list(strata.DIMENSIONS),
            chart_keys=SAMPLE,
            today=TODAY,
        )
        live = all_figures(
            SAMPLE, practices=[practice_a.pk], period_start=period.start, period_end=period.end
        )
        for key in SAMPLE:
            assert figures.total(key, period) == live[key]
            for dimension, kind in strata.DIMENSIONS.items():
                total, rows = selectors.equity(leader, key, period, dimension)
                got_total, got_rows = figures.equity(key, period, dimension)
                assert cells(got_total, got_rows) == cells(total, rows), (key, dimension)
                assert [r.gap_points for r in got_rows] == [r.gap_points for r in rows]
                # Suppressed when read (the shared export, the network): the same cells hidden.
                assert suppress_total(got_total) == suppress_total(total)
                assert suppress_rows([r.cell for r in got_rows], exclusive=kind.exclusive) == (
                    suppress_rows([r.cell for r in rows], exclusive=kind.exclusive)
                )
    for key in SAMPLE:
        assert figures.chart(key, rolling) == selectors.run_chart(leader, key, TODAY)
    # The CSV export from the summary is the export from the engine, in both forms.
    for form in selectors.ExportForm.ALL:
        assert list(selectors.export_rows(leader, SAMPLE, period, form, figures)) == list(
            selectors.export_rows(leader, SAMPLE, period, form)
        )
    assert any(row[5] for row in rows_of(practice_a)), "the fixtures give some numerator"


@pytest.mark.django_db
def test_recompute_is_idempotent_and_replaces_the_practices_rows(practice_a, practice_b, panel):
    services.recompute(practice_a, at=timezone.now(), today=TODAY, keys=["dev_2", "wcv"])
    first = rows_of(practice_a)
    services.recompute(practice_b, at=timezone.now(), today=TODAY, keys=["dev_2"])
    theirs = rows_of(practice_b)

    later = timezone.now() + timedelta(hours=1)
    services.recompute(practice_a, at=later, today=TODAY, keys=["dev_2", "wcv"])

    assert rows_of(practice_a) == first
    assert rows_of(practice_b) == theirs  # another practice's rows are never touched
    assert set(
        MeasureFigure.objects.filter(practice=practice_a).values_list("computed_at", flat=True)
    ) == {later}
    refresh = MeasureRefresh.objects.get(practice=practice_a)
    assert refresh.computed_at == later


def audited_change(actor: Actor, at: datetime) -> None:
    record(actor=actor, action=Action.UPDATE, object_type="child", object_id="x", at=at)


@pytest.mark.django_db
def test_the_frequent_sweep_recomputes_only_on_change_practices_that_changed_or_asked(
    practice_a, practice_b, staff_a, monkeypatch
):
    from medhome.accounts.roles import Role

    done = []
    monkeypatch.setattr(services, "recompute", lambda practice, **kw: done.append(practice.name))
    leader = actor_of(staff_a[Role.PRACTICE_ADMIN], practice_a)
    now = timezone.now()

    # Neither has chosen on_change, nobody asked: nothing, even after a change.
    audited_change(leader, now)
    assert jobs.refresh_changed(now=now) == 0

    practice_a.measures_refresh = MeasuresRefresh.ON_CHANGE
    practice_a.save()
    assert jobs.refresh_changed(now=now) == 1 and done == [practice_a.name]

    # Once computed after the change, no change since: nothing (reads and the request's own
    # audit row are not changes).
    MeasureRefresh.objects.create(
        practice=practice_a, computed_at=now, audit_sequence=_head(practice_a)
    )
    record(actor=leader, action=Action.VIEW, object_type="child", object_id="x", at=now)
    assert services.due_for_refresh() == []

    audited_change(leader, now)
    assert services.due_for_refresh() == [practice_a]

    # A nightly practice whose analyst asked: recomputed by the frequent sweep too.
    MeasureRefresh.objects.create(practice=practice_b, requested_at=now)
    assert {p.name for p in services.due_for_refresh()} == {practice_a.name, practice_b.name}


def _head(practice) -> int:
    from medhome.audit.models import AuditChainHead

    return AuditChainHead.objects.get(practice=practice).sequence


@pytest.mark.django_db
def test_a_recompute_clears_the_request_and_keeps_the_audit_position(practice_a, staff_a):
    from medhome.accounts.roles import Role

    leader = actor_of(staff_a[Role.PRACTICE_ADMIN], practice_a)
    now = timezone.now()
    services.request_recompute(actor=leader, at=now - timedelta(minutes=1))
    audited_change(leader, now)

    services.recompute(practice_a, at=now, today=TODAY, keys=["dev_2"])

    refresh = MeasureRefresh.objects.get(practice=practice_a)
    assert refresh.requested_at is None and refresh.audit_sequence == _head(practice_a)
    practice_a.measures_refresh = MeasuresRefresh.ON_CHANGE
    practice_a.save()
    assert services.due_for_refresh() == []


@pytest.mark.django_db
def test_the_nightly_sweep_skips_practices_already_done_tonight(
    practice_a, practice_b, monkeypatch
):
    done = []
    monkeypatch.setattr(services, "recompute", lambda practice, **kw: done.append(practice.pk))
    night = datetime(2026, 11, 15, 7, 5, tzinfo=UTC)  # 02:05 in New York
    MeasureRefresh.objects.create(practice=practice_b, computed_at=night - timedelta(minutes=1))

    assert jobs.refresh_nightly(now=night) == 1
    assert done == [practice_a.pk]
