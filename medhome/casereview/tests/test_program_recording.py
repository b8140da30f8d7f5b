"""Recording a family's review in a program's meeting: the decisions become tasks and each child
enrolled on the day gets the program's case-review contact, all or nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.casereview import services
from medhome.casereview.models import CaseReview, Decision
from medhome.casereview.services import DecisionInput
from medhome.core import clock
from medhome.programs import contacts as programs
from medhome.programs import services as program_services
from medhome.programs.models import Contact
from medhome.tasks.kinds import TaskKind
from medhome.tasks.models import Task
from tests import factories, program_factories

from .program_setup import dulce_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def dulce(practice_a, family_a, staff_a):
    return dulce_family(practice_a, family_a, staff_a)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (CaseReview, Decision, Task, Contact))


def in_context(dulce) -> str:
    url = reverse("casereview:family", kwargs={"family_id": dulce.family.pk})
    return f"{url}?program={dulce.program.pk}"


def decision(dulce, text: str = "Call WIC about the appointment", **changes) -> dict:
    row = {
        "decision-0-text": text,
        "decision-0-child": str(dulce.infant.pk),
        "decision-0-assignee": f"role:{Role.FAMILY_SPECIALIST}",
        "decision-0-due_on": (clock.today() + timedelta(days=3)).isoformat(),
    }
    return row | changes


def coordinator_of(staff_a, practice_a):
    return factories.actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


def test_the_page_in_the_programs_context(client_a, dulce):
    page = client_a.get(in_context(dulce)).content.decode()

    assert "Held in the DULCE review" in page
    assert "Back to the DULCE case review" in page
    assert f'name="program" value="{dulce.program.pk}"' in page
    assert "also records a DULCE case-review contact" in page


def test_decisions_become_tasks_and_each_enrolled_child_gets_the_contact(
    client_a, dulce, clinician_a, family_a, child_a
):
    before = counts()
    response = client_a.post(
        in_context(dulce),
        {"held_on": clock.today().isoformat(), "summary": "WIC first.", **decision(dulce)},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "casereview:program", kwargs={"program_id": dulce.program.pk}
    )
    review = CaseReview.objects.get()
    assert review.program == dulce.program
    [task] = Task.objects.filter(kind=TaskKind.CASE_REVIEW_DECISION)
    assert (task.child, task.assignee_role) == (dulce.infant, Role.FAMILY_SPECIALIST)
    # Only the enrolled infant, not the older sibling (child_a), gets the contact.
    [contact] = Contact.objects.filter(kind="dulce_case_review")
    assert (contact.child, contact.program, contact.on) == (
        dulce.infant,
        dulce.program,
        clock.today(),
    )
    assert (contact.staff, contact.role) == (clinician_a, Role.PEDIATRICIAN)
    assert contact.goals == "Call WIC about the appointment"
    assert counts() == tuple(n + 1 for n in before)


def test_the_review_and_the_contacts_are_audited_without_words(client_a, dulce):
    since = AuditEvent.objects.count()

    client_a.post(
        in_context(dulce), {"held_on": clock.today().isoformat(), **decision(dulce, "Secret")}
    )

    events = list(AuditEvent.objects.order_by("pk")[since:])
    review = next(event for event in events if event.object_type == "case_review")
    assert review.detail["program"] == str(dulce.program.pk)
    assert review.detail["contacts"] == 1
    contact = next(event for event in events if event.object_type == "program_contact")
    assert contact.detail["kind"] == "dulce_case_review"
    assert all("Secret" not in str(event.detail) for event in events)


def test_a_refused_decision_writes_neither_tasks_nor_contacts(client_a, dulce):
    before = counts()
    past = (clock.today() - timedelta(days=1)).isoformat()

    response = client_a.post(
        in_context(dulce),
        {"held_on": clock.today().isoformat(), **decision(dulce, **{"decision-0-due_on": past})},
    )

    assert response.status_code == 400
    assert "Decision 1: the date by when is in the past." in response.content.decode()
    assert counts() == before


def test_a_review_dated_before_the_enrolment_is_refused(client_a, dulce):
    before = counts()
    yesterday = (clock.today() - timedelta(days=1)).isoformat()

    response = client_a.post(in_context(dulce), {"held_on": yesterday, **decision(dulce)})

    assert response.status_code == 400
    assert (
        "No child of this family was enrolled in DULCE on the day of the review."
        in response.content.decode()
    )
    assert counts() == before


def test_a_stopped_program_refuses_the_whole_review(dulce, clinician_a_actor):
    dulce.program.is_active = False
    dulce.program.save()
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.record_review(
            actor=clinician_a_actor,
            family=dulce.family,
            held_on=clock.today(),
            attendee_ids=[],
            summary="",
            decisions=[
                DecisionInput(
                    "Call WIC",
                    str(dulce.infant.pk),
                    f"role:{Role.NURSE}",
                    clock.today() + timedelta(days=1),
                )
            ],
            at=clock.now(),
            program=dulce.program,
        )

    assert refused.value.messages == ["DULCE is not running: its review cannot be recorded."]
    assert counts() == before


def test_a_contact_refused_by_the_program_rolls_the_review_back(
    dulce, clinician_a_actor, monkeypatch
):
    """Whatever record_contact refuses after the tasks were opened leaves nothing behind."""

    def refuse(**_kwargs):
        raise ValidationError({"on": ["refused"]})

    monkeypatch.setattr(services, "record_contact", refuse)
    before = counts()

    with pytest.raises(ValidationError):
        services.record_review(
            actor=clinician_a_actor,
            family=dulce.family,
            held_on=clock.today(),
            attendee_ids=[],
            summary="WIC first.",
            decisions=[
                DecisionInput(
                    "Call WIC",
                    str(dulce.infant.pk),
                    f"role:{Role.NURSE}",
                    clock.today() + timedelta(days=1),
                )
            ],
            at=clock.now(),
            program=dulce.program,
        )

    assert counts() == before


def test_a_role_dulce_does_not_list_records_the_review_as_its_own(dulce, staff_a, practice_a):
    coordinator = coordinator_of(staff_a, practice_a)

    services.record_review(
        actor=coordinator,
        family=dulce.family,
        held_on=clock.today(),
        attendee_ids=[],
        summary="Reviewed with the legal partner.",
        decisions=[],
        at=clock.now(),
        program=dulce.program,
    )

    [contact] = Contact.objects.filter(kind="dulce_case_review")
    assert (contact.staff, contact.role, contact.goals) == (
        coordinator.user,
        Role.CARE_COORDINATOR,
        "",
    )


def test_the_program_role_rule_still_holds_for_its_other_contacts(dulce, staff_a, practice_a):
    with pytest.raises(ValidationError) as refused:
        programs.record_contact(
            actor=coordinator_of(staff_a, practice_a),
            program=dulce.program,
            child=dulce.infant,
            kind="dulce_visit",
            on=clock.today(),
            at=clock.now(),
        )

    assert "does not deliver DULCE" in str(refused.value.message_dict["kind"])


def test_a_program_without_the_review_contact_links_the_review_only(
    client_a, dulce, staff_a, practice_a, family_a
):
    chw = program_factories.program(practice_a, "chw")
    actor = factories.actor_for(
        staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
    )
    program_services.enrol(
        actor=actor,
        program=chw,
        child=dulce.infant,
        on=clock.today(),
        at=clock.now(),
        agreement="spoken",
    )
    url = reverse("casereview:family", kwargs={"family_id": family_a.pk}) + f"?program={chw.pk}"

    response = client_a.post(url, {"held_on": clock.today().isoformat(), "summary": "Fine."})

    assert response.status_code == 302
    assert CaseReview.objects.get().program == chw
    assert not Contact.objects.filter(kind="dulce_case_review").exists()


def test_a_family_outside_the_program_is_refused(client_a, dulce, practice_a):
    from .helpers import another_family

    other, _child, _caregiver = another_family(practice_a)
    url = reverse("casereview:family", kwargs={"family_id": other.pk})
    before = counts()

    response = client_a.post(
        url + f"?program={dulce.program.pk}",
        {"held_on": clock.today().isoformat(), "summary": "Not theirs."},
    )

    assert response.status_code == 400
    assert "No child of this family was enrolled in DULCE" in response.content.decode()
    assert counts() == before
