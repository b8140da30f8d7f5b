"""Staff close rows at the visit: guidance topics, done elsewhere, immunizations addressed —
roles, tenancy, bad input, audit, and the chart section in Spanish."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.periodicity.engine import child_schedule
from medhome.periodicity.models import RowCompletion, Source
from medhome.periodicity.services import completions_for, facts_for

# child_a is born 2023-05-17: on this day the 30-month visit is open.
NOW = datetime(2026, 3, 20, 15, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name: str, child) -> str:
    return reverse(f"visit_rows:{name}", args=[child.pk])


def status(child, row: str) -> str:
    return child_schedule(facts_for(child), TODAY, completions_for(child)).row(row).status


def test_topics_discussed_complete_the_guidance_row(client_a, child_a) -> None:
    assert status(child_a, "anticipatory_guidance") in ("due", "overdue")
    answer = client_a.post(url("guidance", child_a), {"topic": ["preschool", "safety"]})
    assert answer.status_code == 302
    completion = RowCompletion.objects.get(child=child_a, row="anticipatory_guidance")
    assert (completion.visit_key, completion.source) == ("30mo", Source.MANUAL)
    assert completion.source_detail == "topics:preschool,safety"
    assert status(child_a, "anticipatory_guidance") == "done"
    event = AuditEvent.objects.get(object_type="row_completion", object_id=str(completion.pk))
    assert event.detail["row"] == "anticipatory_guidance"
    # Saving again replaces the topics, it does not add a second completion.
    client_a.post(url("guidance", child_a), {"topic": ["preschool"]})
    assert RowCompletion.objects.get(child=child_a, row="anticipatory_guidance").source_detail == (
        "topics:preschool"
    )


@pytest.mark.parametrize("topics", [[], ["not-a-topic"], ["newborn_care"]])
def test_guidance_needs_a_topic_of_this_visit(client_a, child_a, topics) -> None:
    answer = client_a.post(url("guidance", child_a), {"topic": topics}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 400
    assert "Tick at least one topic of this visit." in answer.content.decode()
    assert not RowCompletion.objects.filter(child=child_a).exists()


def test_a_row_done_elsewhere_is_shown_with_its_source(client_a, child_a) -> None:
    client_a.post(
        url("elsewhere", child_a), {"row": "oral_health", "place": "wic", "done_on": "2026-03-02"}
    )
    completion = RowCompletion.objects.get(child=child_a, row="oral_health")
    assert (completion.source, completion.source_detail, completion.visit_key) == (
        Source.ELSEWHERE,
        "wic",
        "30mo",
    )
    assert status(child_a, "oral_health") == "done"
    chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()
    assert "Done elsewhere: WIC, 03/02/2026" in chart


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"row": "oral_health", "place": "wic", "done_on": "2026-03-21"},
            "cannot be in the future",
        ),
        ({"row": "oral_health", "place": "wic", "done_on": "03/02/2026"}, "Enter the date"),
        ({"row": "nonsense", "place": "wic", "done_on": "2026-03-02"}, "Choose an item"),
        ({"row": "oral_health", "place": "moon", "done_on": "2026-03-02"}, "Choose where"),
        ({"row": "physical_exam", "place": "wic", "done_on": "2026-03-02"}, "practice itself"),
        ({"row": "autism", "place": "other_clinic", "done_on": "2026-03-02"}, "not part of"),
        ({"row": "oral_health", "place": "wic", "done_on": "2020-01-01"}, "before the child"),
    ],
)
def test_done_elsewhere_refuses_bad_input_clearly(client_a, child_a, data, message) -> None:
    answer = client_a.post(url("elsewhere", child_a), data, HTTP_HX_REQUEST="true")
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not RowCompletion.objects.filter(child=child_a).exists()


@pytest.mark.parametrize(
    ("outcome", "shown"), [("catch_up_plan", "catch-up plan made"), ("declined", "Declined")]
)
def test_immunization_addressed_is_shown_apart_from_up_to_date(
    client_a, child_a, outcome, shown
) -> None:
    client_a.post(url("immunization", child_a), {"outcome": outcome})
    completion = RowCompletion.objects.get(child=child_a, row="immunization")
    assert completion.source_detail == f"addressed:{outcome}"
    assert status(child_a, "immunization") == "done"
    chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()
    assert "Addressed: " in chart and shown in chart
    assert "Up to date (from the EHR)" not in chart
    assert client_a.post(url("immunization", child_a), {"outcome": "maybe"}).status_code == 302
    assert RowCompletion.objects.filter(child=child_a, row="immunization").count() == 1


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.LEGAL_PARTNER, Role.PRACTICE_ADMIN])
def test_roles_without_the_capability_are_refused(
    log_in, staff_a, practice_a, child_a, role
) -> None:
    client = log_in(staff_a[role], practice_a)
    for name, data in [
        ("guidance", {"topic": ["safety"]}),
        ("immunization", {"outcome": "declined"}),
    ]:
        assert client.post(url(name, child_a), data).status_code == 403
    chart = client.get(reverse("families:chart", args=[child_a.pk])).content.decode()
    assert 'id="visit-rows"' not in chart
    assert not RowCompletion.objects.exists()


def test_another_practices_child_answers_404(client_a, child_b) -> None:
    answer = client_a.post(url("immunization", child_b), {"outcome": "declined"})
    assert answer.status_code == 404
    assert not RowCompletion.objects.exists()


def test_the_section_reads_in_spanish(client_a, child_a) -> None:
    client_a.post(url("immunization", child_a), {"outcome": "declined"})
    chart = client_a.get(
        reverse("families:chart", args=[child_a.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    page = client_a.post(
        url("guidance", child_a), {"topic": []}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    if "En esta visita" not in chart:  # the session may pin the language: switch it
        client_a.post(reverse("set_language"), {"language": "es", "next": "/"})
        chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()
        page = client_a.post(
            url("guidance", child_a), {"topic": []}, HTTP_HX_REQUEST="true"
        ).content.decode()
    assert "En esta visita" in chart
    assert "Atendido: Rechazada" in chart
    assert "Marque al menos un tema de esta visita." in page
