"""The network page's figures read from the summary table (measures.network_figures): the same
suppressed figures the engine gives over the network's practices, per practice and per stratum;
a practice not computed yet is pending and left out of the sums; three queries whatever the
network's size."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from medhome.accounts.roles import Role
from medhome.measures import network_figures, periods, selectors, services, strata
from medhome.measures.suppression import suppress_rows, suppress_total
from tests import factories

from .helpers import child, screen, visit

NOW = "2026-11-15 12:00:00+00:00"
TODAY = date(2026, 11, 15)
KEYS = ["dev", "dev_2", "wcv", "w30_2", "ref_closed"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def network_panel(registered_a, registered_b):
    """Two practices of one network, each with enough children screened, and not, that some
    figures show (with two practices, one hidden cell hides the other: the total gives it)."""
    for family, count, skip in ((registered_a[0], 24, 2), (registered_b[0], 24, 2)):
        for n in range(count):
            kid = child(
                family,
                date(2024, 1 + n % 12, 1 + n % 28),
                preferred_language=("es", "en")[n % 2],
                race_ethnicity=[["hispanic"], ["black", "white"], ["white"]][n % 3],
            )
            if n % skip:
                screen(kid, date(2025, 9, 1 + n % 28))
            if n % 3 == 0:
                visit(kid, date(2025, 10, 1 + n % 28))


def analyst(staff_a, practice_a):
    return factories.actor_for(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)


def compute(*practices):
    for practice in practices:
        services.recompute(practice, at=timezone.now(), today=TODAY, keys=KEYS)


def _cells(cells):
    return [
        None if c is None else (c.key, c.numerator, c.denominator, c.hidden, c.shown_rate)
        for c in cells
    ]


@pytest.mark.django_db
def test_the_network_reads_what_the_engine_gives(network_panel, practice_a, practice_b, staff_a):
    compute(practice_a, practice_b)
    actor = analyst(staff_a, practice_a)
    practices = selectors.network_practices(actor)
    assert {p.pk for p in practices} == {practice_a.pk, practice_b.pk}
    names = {p.pk: p.name for p in practices}
    shown = 0
    for period in periods.choices(TODAY):
        found = network_figures.read(actor, period=period, equity_key="dev", dimension="language")
        assert found.pending == []
        by_key = {row["measure"].key: row for row in found.rows}
        for key in KEYS:
            membership = selectors._membership(key, practices, period)
            live = suppress_rows(strata.stratify_by_practice(membership, names), exclusive=True)
            assert _cells(by_key[key]["practices"]) == _cells(live), (key, period)
            assert _cells([by_key[key]["total"]]) == _cells(
                [suppress_total(strata.total(membership))]
            )
            shown += sum(1 for c in live if not c.hidden and c.denominator)
    assert shown, "the fixtures give some figure large enough to show"
    period = periods.choices(TODAY)[0]
    for dimension in strata.DIMENSIONS:
        found = network_figures.read(actor, period=period, equity_key="dev", dimension=dimension)
        total, rows = selectors.stratified("dev", practices, period, dimension, suppress=True)
        assert _cells([found.equity_total]) == _cells([total])
        assert sorted(_cells([r.cell for r in found.equity_rows])) == sorted(
            _cells([r.cell for r in rows])
        ), dimension


@pytest.mark.django_db
def test_a_practice_not_computed_yet_is_pending_and_left_out(
    network_panel, practice_a, practice_b, staff_a, log_in
):
    compute(practice_a)
    actor = analyst(staff_a, practice_a)
    period = periods.choices(TODAY)[0]
    found = network_figures.read(actor, period=period, equity_key="dev_2", dimension="language")
    assert found.pending == [practice_b]
    assert found.computed_since is not None
    only_a = network_figures.read(actor, period=period, equity_key="dev_2", dimension="language")
    for row in found.rows:
        position = found.practices.index(practice_b)
        assert row["practices"][position] is None
        a_cell = row["practices"][found.practices.index(practice_a)]
        # The network's count is A's alone, never B's counted as zero children.
        assert row["total"].denominator == a_cell.denominator
    assert _cells([r["total"] for r in only_a.rows]) == _cells([r["total"] for r in found.rows])
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)
    body = client.get(f"/measures/network/?period={period.key}").content.decode()
    assert "not computed yet" in body and escape(practice_b.name) in body


@pytest.mark.django_db
def test_three_queries_whatever_the_network(network_panel, practice_a, practice_b, staff_a):
    compute(practice_a, practice_b)
    actor = analyst(staff_a, practice_a)
    period = periods.choices(TODAY)[0]
    with CaptureQueriesContext(connection) as queries:
        network_figures.read(actor, period=period, equity_key="dev", dimension="race_ethnicity_any")
    assert len(queries) == 3
