"""The run charts mark when each of the practice's changes started (measures.annotations, fed by
improvement from its AppConfig.ready): on the chart's data and as text under the chart, the
practice's own changes only, for one query whatever the number of charts and cycles; and the
demo's W30 cycle on the dashboard's W30 run chart."""

import json
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.core.clock import today
from medhome.improvement.demo import W30_TITLE, add_improvement_demo
from medhome.measures import annotations, selectors, services
from tests import factories, improvement_factories

pytestmark = pytest.mark.django_db
TODAY = "2026-12-05 15:00:00+00:00"


def computed(practice, *keys: str) -> None:
    """The practice's figures, as the worker computes them before the pages show charts."""
    from medhome.core.clock import now

    services.recompute(practice, at=now(), today=today(), keys=list(keys))


def chart_data(body: str, key: str) -> dict:
    marker = f'<script id="run-{key}" type="application/json">'
    start = body.index(marker) + len(marker)
    return json.loads(body[start : body.index("</script>", start)])


@time_machine.travel(TODAY, tick=False)
def test_the_demo_cycle_is_marked_on_the_dashboards_w30_chart(
    log_in, staff_a, practice_a, practice_b, clinician_b
):
    recommendation = improvement_factories.recommendation(
        practice_a, title="Well-child visits in the evening, in Spanish"
    )
    factories.make_staff(
        "b-coordinator", practice_b, Role.CARE_COORDINATOR, first_name="Bo", last_name="Lund"
    )

    cycles, summary = add_improvement_demo(practice_a, date(2026, 12, 5), recommendation)
    again, _ = add_improvement_demo(practice_a, date(2026, 12, 5), recommendation)

    assert [c.pk for c in again] == [c.pk for c in cycles]  # idempotent
    w30, cdep = cycles
    assert (w30.measure_key, w30.stage, w30.started_on) == ("w30_1", "study", date(2026, 10, 1))
    assert w30.recommendation == recommendation
    assert (cdep.practice, cdep.measure_key) == (practice_b, "cdep_visits")
    assert W30_TITLE in summary and "Well-child visits in the evening" in summary
    computed(practice_a, *selectors.HEADLINE)
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    body = client.get(reverse("measures:dashboard")).content.decode()

    marks = chart_data(body, "w30_1")["annotations"]
    assert [(m["month"], m["label"], m["on"]) for m in marks] == [
        ("10/2026", W30_TITLE, "2026-10-01")
    ]
    assert chart_data(body, "w30_2")["annotations"] == []
    assert "Change started 10/01/2026 (month 10/2026):" in body
    assert reverse("improvement:detail", kwargs={"cycle_id": w30.pk}) in body
    # The other practice's change is on its own charts only.
    assert "Caregiver depression screen handed out" not in body
    network = client.get(reverse("improvement:network")).content.decode()
    assert "Caregiver depression screen handed out at check-in" in network
    assert "Adopt this change" in network


@time_machine.travel(TODAY, tick=False)
def test_the_detail_page_marks_its_measure(log_in, staff_a, practice_a):
    improvement_factories.cycle(
        practice_a, staff_a[Role.PEDIATRICIAN], measure_key="dev", started_on=date(2025, 4, 9)
    )
    improvement_factories.cycle(
        practice_a,
        staff_a[Role.PEDIATRICIAN],
        title="Too old",
        measure_key="dev",
        started_on=date(2023, 4, 9),
    )
    computed(practice_a, "dev")
    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    body = client.get(reverse("measures:detail", args=["dev"])).content.decode()

    assert [m["month"] for m in chart_data(body, "dev")["annotations"]] == ["04/2025"]
    assert "Too old" not in body  # before the chart's 24 months


@time_machine.travel(TODAY, tick=False)
def test_marks_cost_one_query_for_every_chart_and_cycle(
    staff_a, practice_a, practice_b, clinician_b, django_assert_num_queries
):
    actor = factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)
    for n, key in enumerate(["w30_1", "w30_2", "dev", "w30_1"]):
        improvement_factories.cycle(
            practice_a, actor.user, title=f"C{n}", measure_key=key, started_on=date(2026, n + 1, 2)
        )
    improvement_factories.cycle(practice_b, clinician_b, started_on=date(2026, 5, 1))

    with django_assert_num_queries(1):
        marks = selectors.chart_annotations(actor, selectors.HEADLINE, today())

    assert {key: [m["label"] for m in found] for key, found in marks.items()} == {
        "w30_1": ["C0", "C3"],
        "w30_2": ["C1"],
        "dev": ["C2"],
    }


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_costs_the_same_with_more_cycles(log_in, staff_a, practice_a):
    computed(practice_a, *selectors.HEADLINE)
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("measures:dashboard")).status_code == 200
        return len(captured)

    few = count()
    for n in range(6):
        improvement_factories.cycle(
            practice_a, staff_a[Role.PEDIATRICIAN], title=f"C{n}", started_on=date(2026, 3 + n, 1)
        )
    assert count() == few


def test_a_provider_registers_once(monkeypatch):
    monkeypatch.setattr(annotations, "_PROVIDERS", [])
    seen = []

    def provider(actor, keys, first, last):
        seen.append((tuple(keys), first, last))
        return [annotations.Annotation("w30_1", date(2026, 10, 1), "Mark")]

    annotations.register(provider)
    annotations.register(provider)
    from medhome.measures.periods import rolling_points

    found = annotations.annotations_for(None, ["w30_1", "dev"], rolling_points(date(2026, 12, 5)))

    assert seen == [(("w30_1", "dev"), date(2024, 12, 1), date(2026, 11, 30))]
    assert found == {
        "w30_1": [{"month": "10/2026", "on": date(2026, 10, 1), "label": "Mark", "url": ""}],
        "dev": [],
    }


def test_load_demo_reaches_the_demo_cycle_through_synths_hooks(practice_a, staff_a, monkeypatch):
    from medhome.improvement.models import Cycle
    from medhome.synth import demo_hooks
    from medhome.synth.council_demo import STORY_TITLE, add_council_demo
    from medhome.synth.demo import EASTSIDE

    assert demo_hooks.run(practice_a.network, date(2026, 12, 5)) == []  # no Eastside: nothing
    # The measures' own demo hook computes the summary (measures/tests cover it): not here.
    monkeypatch.setattr(services, "recompute", lambda practice, **kw: None)
    practice_a.name = EASTSIDE.name
    practice_a.save()
    add_council_demo(practice_a, date(2026, 12, 5))

    lines = demo_hooks.run(practice_a.network, date(2026, 12, 5))

    cycle_lines = [line for line in lines if W30_TITLE in line]
    assert len(cycle_lines) == 1
    assert Cycle.objects.get(title=W30_TITLE).recommendation.title == STORY_TITLE
