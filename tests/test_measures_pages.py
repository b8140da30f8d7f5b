"""Measures pages: each practice sees its own figures and children; the drill-down and the
export are audited; the export and the network view suppress small cells; a network analyst
sees aggregates only."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from medhome.accounts.roles import Role
from medhome.audit.models import Action, AuditEvent
from medhome.measures import definitions, services
from medhome.measures.tests.helpers import child, screen
from tests import factories

TODAY = "2026-11-15 12:00:00+00:00"
PERIOD = "2026"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def dev_children(registered_a, registered_b):
    """Practice A: 3 children turning 2 in 2026, one screened. Practice B: 1 screened."""
    family_a, family_b = registered_a[0], registered_b[0]
    a = [
        child(family_a, date(2024, month, 10), legal_family_name=f"Devkid{month}")
        for month in (2, 3, 4)
    ]
    screen(a[0], date(2025, 12, 1))
    b = child(family_b, date(2024, 5, 10), legal_family_name="Otherpractice")
    screen(b, date(2025, 12, 1))
    return a, b


def computed(practice, *keys: str) -> None:
    """What the worker does before a page shows figures (medhome.measures.services)."""
    from django.utils import timezone

    services.recompute(practice, at=timezone.now(), today=date(2026, 11, 15), keys=list(keys))


@pytest.mark.django_db
def test_leader_sees_own_figures_and_drills_into_missing_children(
    log_in, staff_a, practice_a, dev_children
):
    a, _ = dev_children
    computed(practice_a, "dev_2")
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    page = client.get(f"/measures/dev_2/?period={PERIOD}")
    missing = client.get(f"/measures/dev_2/children/?period={PERIOD}&which=missing")

    assert page.status_code == 200
    assert "1 of 3" in page.content.decode()
    body = missing.content.decode()
    assert "Devkid3" in body and "Devkid4" in body
    assert "Devkid2" not in body and "Otherpractice" not in body
    event = AuditEvent.objects.get(object_type="measure_children")
    assert event.practice == practice_a and event.action == Action.VIEW
    assert sorted(event.detail["children"]) == sorted(str(c.pk) for c in a[1:])


def export(client, query: str) -> list[dict[str, str]]:
    response = client.get(f"/measures/export.csv?period={PERIOD}&{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.django_db
def test_export_for_sharing_is_suppressed_and_audited(log_in, staff_a, practice_a, dev_children):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    # The shared form is also what an export link without `use` gives.
    for query in ("measure=dev_2&use=shared", "measure=dev_2"):
        rows = export(client, query)
        assert rows and {row["measure"] for row in rows} == {"dev_2"}
        for row in rows:
            for column in ("numerator", "denominator"):
                assert row[column] == "" or row[column] == "0" or int(row[column]) >= 11
        total = next(row for row in rows if row["group"] == "All children")
        assert total["note"] == "suppressed" and total["rate_percent"] == ""
        assert {row["simplifications"] for row in rows} == {
            " | ".join(definitions.get("dev_2").simplifications)
        }
        assert "Continuous enrollment is approximated" in total["simplifications"]
    events = AuditEvent.objects.filter(action=Action.EXPORT, object_type="measure_table")
    assert [event.detail["form"] for event in events.order_by("sequence")] == ["shared"] * 2


@pytest.mark.django_db
def test_export_for_the_practices_own_work_shows_its_dashboards_figures(
    log_in, staff_a, practice_a, dev_children
):
    computed(practice_a, "dev_2")
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    rows = export(client, "measure=dev_2&use=internal")

    total = next(row for row in rows if row["group"] == "All children")
    # 1 of 3: a small count, which the dashboard shows the practice and the shared form hides.
    assert (total["numerator"], total["denominator"], total["rate_percent"]) == ("1", "3", "33.3")
    assert {row["note"] for row in rows} == {""}
    assert "1 of 3" in client.get(f"/measures/dev_2/?period={PERIOD}").content.decode()
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="measure_table")
    assert event.detail == {"period": PERIOD, "measures": ["dev_2"], "form": "internal"}


@pytest.mark.django_db
def test_an_unknown_export_form_is_refused_and_not_audited(
    log_in, staff_a, practice_a, dev_children
):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    response = client.get(f"/measures/export.csv?period={PERIOD}&use=everything")

    assert response.status_code == 400
    assert "internal or the shared" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.django_db
def test_network_analyst_sees_aggregates_only(
    log_in, staff_a, practice_a, practice_b, dev_children
):
    computed(practice_a, "dev_2")
    computed(practice_b, "dev_2")
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    network = client.get(f"/measures/network/?period={PERIOD}")

    assert network.status_code == 200
    body = network.content.decode()
    assert escape(practice_a.name) in body and escape(practice_b.name) in body
    assert "Devkid" not in body and "Otherpractice" not in body
    # 1 of 3 and 1 of 1 are small cells: never shown beyond the practice.
    assert "1 / 3" not in body and "1 / 1" not in body
    for url in (
        "/measures/",
        "/measures/dev_2/",
        f"/measures/dev_2/children/?period={PERIOD}",
        "/measures/export.csv",
        "/measures/export.csv?use=internal",
    ):
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_network_view_leaves_out_practices_of_other_networks(
    log_in, staff_a, practice_a, practice_b
):
    elsewhere = factories.make_practice(
        "Faraway Pediatrics", network=factories.make_network("Another network")
    )
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    body = client.get("/measures/network/").content.decode()

    assert escape(practice_b.name) in body and escape(elsewhere.name) not in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.LEGAL_PARTNER, Role.NURSE])
def test_roles_without_measures_are_refused(log_in, staff_a, practice_a, role):
    client = log_in(staff_a[role], practice_a)
    assert client.get("/measures/").status_code == 403
    assert client.get("/measures/dev/children/").status_code == 403


@pytest.mark.django_db
def test_unknown_measure_is_404_and_bad_period_says_so(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    assert client.get("/measures/no_such_measure/").status_code == 404
    page = client.get("/measures/dev/?period=1999&by=shoe_size")

    assert page.status_code == 200
    body = page.content.decode()
    assert "That period is not one of the choices" in body
    assert "That grouping is not one of the choices" in body


@pytest.mark.django_db
def test_measure_page_queries_do_not_grow_with_the_panel(log_in, staff_a, practice_a, registered_a):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    family = registered_a[0]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/measures/dev/?period={PERIOD}").status_code == 200
        return len(captured)

    child(family, date(2024, 6, 1))
    few = queries()
    for day in range(1, 21):
        screen(child(family, date(2023, 7, day)), date(2025, 9, 1))
    assert queries() == few


@pytest.mark.django_db
def test_drill_down_to_one_stratum(log_in, staff_a, practice_a, dev_children):
    a, _ = dev_children
    a[1].preferred_language, a[2].preferred_language = "es", "en"
    a[1].save()
    a[2].save()
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    spanish = client.get(
        f"/measures/dev_2/children/?period={PERIOD}&which=missing&by=language&group=es"
    )
    race = client.get(
        f"/measures/dev_2/children/?period={PERIOD}&which=all&by=race_ethnicity_any&group=asian"
    )

    body = spanish.content.decode()
    assert "Devkid3" in body and "Devkid4" not in body
    assert "<td>Spanish</td>" in body  # the language's name, not its code
    assert "No children." in race.content.decode()
    event = AuditEvent.objects.filter(object_type="measure_children").order_by("sequence").first()
    assert event.detail["stratum"] == ["language", "es"]


@pytest.mark.django_db
def test_network_equity_view_is_suppressed(log_in, staff_a, practice_a, practice_b, dev_children):
    computed(practice_a, "dev_2")
    computed(practice_b, "dev_2")
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    page = client.get(f"/measures/network/?period={PERIOD}&measure=dev_2&by=language")
    refused = client.get(f"/measures/network/?period={PERIOD}&measure=nope")

    assert page.status_code == 200
    body = page.content.decode()
    assert "Equity across the network" in body
    # 2 of 4 children in the network: small cells, never shown.
    assert ">2<" not in body and ">4<" not in body
    assert "That measure is not one of the choices." in refused.content.decode()
    # The figures are there, hidden: 1 screened of 3 in A and 1 of 1 in B.
    equity = page.context["total"]
    assert (equity.numerator, equity.denominator, equity.hidden) == (2, 4, True)
    assert "not computed yet" not in body


@pytest.mark.django_db
def test_bars_carry_each_groups_counts(log_in, staff_a, practice_a, dev_children):
    a, _ = dev_children
    for kid, language in zip(a, ("en", "es", "es"), strict=True):
        kid.preferred_language = language
        kid.save()
    computed(practice_a, "dev_2")
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    page = client.get(f"/measures/dev_2/?period={PERIOD}&by=language")

    bars = page.context["bars"]["rows"]
    assert [(bar["label"], bar["rate"]) for bar in bars] == [
        ("All children (1/3)", 33.3),
        ("Spanish (0/2)", 0.0),  # larger groups first
        ("English (1/1)", 100.0),
    ]


@pytest.fixture
def food_positive_children(registered_a):
    """Practice A: a child seen in 2026 whose food screen was positive, no follow-up yet."""
    from medhome.measures.tests.helpers import visit

    kid = child(registered_a[0], date(2020, 5, 5), legal_family_name="Foodpositive")
    visit(kid, date(2026, 2, 1), kind="sick")
    screen(kid, date(2026, 3, 1), key="hvs", positive=True, domains=["food"])
    return kid


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["missing", "met", "all"])
def test_the_social_needs_followup_list_is_withheld_from_a_practice_admin(
    log_in, staff_a, practice_a, food_positive_children, which
):
    """Being listed behind "social needs intervention" tells a positive screen: a practice
    admin (no screening.results) keeps the figures but not the named children (issue 14)."""
    computed(practice_a, "sns_food_followup", "sns_food_screen")
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    listed = client.get(f"/measures/sns_food_followup/children/?period={PERIOD}&which={which}")
    page = client.get(f"/measures/sns_food_followup/?period={PERIOD}")
    dashboard = client.get(f"/measures/?period={PERIOD}")

    assert listed.status_code == 403
    assert "Foodpositive" not in listed.content.decode()
    assert "screened positive" in listed.content.decode()
    assert not AuditEvent.objects.filter(object_type="measure_children").exists()
    assert page.status_code == 200 and "0 of 1" in page.content.decode()
    assert "/measures/sns_food_followup/children/" not in page.content.decode()
    assert "/measures/sns_food_followup/children/" not in dashboard.content.decode()
    assert "/measures/sns_food_screen/children/" in dashboard.content.decode()


@pytest.mark.django_db
def test_the_social_needs_followup_list_shows_to_a_coordinator(
    log_in, staff_a, practice_a, food_positive_children
):
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)

    listed = client.get(f"/measures/sns_food_followup/children/?period={PERIOD}&which=missing")

    assert listed.status_code == 200 and "Foodpositive" in listed.content.decode()


@pytest.mark.django_db
def test_only_result_measures_withhold_their_children():
    psf = {key for key, _kinds, _label in definitions.PSF_MEASURES}
    assert {key for key, m in definitions.MEASURES.items() if m.lists_results} == {
        "sns_food_followup",
        "sns_housing_followup",
        "sns_transport_followup",
        *psf,
        "prog_screen_contact",
    }
    # Those that may list an adolescent's confidential screen: only to the clinical team.
    assert {key for key, m in definitions.MEASURES.items() if m.lists_confidential} == {
        "psf_adolescent_depression",
        "psf_substance_use",
        "psf",
        "prog_screen_contact",
    }


def test_the_adolescent_follow_up_children_need_the_clinical_teams_right(practice_a):
    """No role today reads measures and results without screening.detail; the guard holds for
    a practice that would give one such a role (roles.py is one table)."""
    from medhome.accounts.roles import Capability
    from medhome.core.actor import Actor
    from medhome.measures.selectors import may_list_children

    reader = Actor(
        user=None,
        practice=practice_a,
        role="reader",
        capabilities=frozenset(
            {Capability.CHART_READ, Capability.MEASURES_READ, Capability.SCREENING_RESULTS}
        ),
    )
    team = Actor(
        user=None,
        practice=practice_a,
        role="team",
        capabilities=reader.capabilities | {Capability.SCREENING_DETAIL},
    )

    assert may_list_children(reader, "psf_autism")
    assert not may_list_children(reader, "psf_adolescent_depression")
    assert not may_list_children(reader, "psf")
    assert may_list_children(team, "psf_adolescent_depression")
