"""The caseload page (programs:caseload): who is due first, the last contact and its outcome,
whom to call, the filters, whose caseload, the audit and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.programs import contacts, services
from medhome.programs.caseload import due_words
from medhome.programs.selectors import CaseloadRow
from tests import factories
from tests.factories import actor_for, add_child

URL = reverse("programs:caseload")
CASELOAD_QUERIES = 15


def chw_actor(staff_a, practice_a):
    return actor_for(
        staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
    )


def on_caseload(actor, program, child, *, days_ago: int, staff=None):
    return services.enrol(
        actor=actor,
        program=program,
        child=child,
        on=clock.today() - timedelta(days=days_ago),
        at=clock.now(),
        agreement="spoken",
        staff=staff or actor.user,
    )


def outreach(actor, program, child, *, days_ago: int, outcome: str = "reached"):
    return contacts.record_contact(
        actor=actor,
        program=program,
        child=child,
        kind="chw_outreach",
        on=clock.today() - timedelta(days=days_ago),
        at=clock.now(),
        setting="phone",
        outcome=outcome,
    )


@pytest.fixture
def chw_program(admin):
    return services.add_program(actor=admin, definition="chw", at=clock.now())


@pytest.fixture
def caseload_a(chw_program, staff_a, practice_a, family_a, child_a, caregiver_a):
    """Three families on the CHW's caseload (every 14 days): one reached 3 days ago (due in 11
    days), one enrolled 20 days ago never contacted (20 days overdue), one whose last attempt
    16 days ago did not reach the family (2 days overdue)."""
    chw = chw_actor(staff_a, practice_a)
    reached = add_child(family_a, legal_given_name="Reached", mrn="R-1")
    never = child_a
    _family, missed, _caregiver = factories.register(
        practice_a,
        family_name="Okafor household",
        caregiver=factories.caregiver_values(given_name="Ada", family_name="Okafor"),
        child=factories.child_values(legal_given_name="Missed", mrn="M-1"),
    )
    for child in (reached, never, missed):
        on_caseload(chw, chw_program, child, days_ago=20)
    outreach(chw, chw_program, reached, days_ago=3)
    outreach(chw, chw_program, missed, days_ago=16, outcome="not_reached")
    return {"reached": reached, "never": never, "missed": missed}


def test_the_caseload_shows_who_is_due_first_with_the_last_contact_and_whom_to_call(
    log_in, staff_a, practice_a, caseload_a, caregiver_a
):
    client = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)
    page = client.get(URL)
    assert page.status_code == 200
    lines = page.context["lines"]
    assert [line.enrolment.child for line in lines] == [
        caseload_a["never"],
        caseload_a["missed"],
        caseload_a["reached"],
    ]
    assert [line.due for line in lines] == ["20 days overdue", "2 days overdue", "Due in 11 days"]
    assert [line.not_reached for line in lines] == [False, True, False]
    assert lines[1].last == "Outreach attempt: Could not reach the family"
    assert lines[0].last == "No contact yet"
    body = page.content.decode()
    chart = reverse("families:chart", kwargs={"child_id": caseload_a["never"].pk}) + "#programs"
    assert f'href="{chart}"' in body
    assert "Marisol García" in body and "(617) 555-0142" in body  # whom to call
    assert "Okafor household" in body and "Community health workers" in body


def test_due_words():
    today = clock.today()
    row = CaseloadRow(enrolment=None, last_contact_on=None, due_on=today, _today=today)  # type: ignore[arg-type]
    assert due_words(row) == "Due today" and row.is_due and not row.is_overdue
    tomorrow = CaseloadRow(None, None, today + timedelta(days=1), _today=today)  # type: ignore[arg-type]
    assert due_words(tomorrow) == "Due in 1 day" and not tomorrow.is_due
    late = CaseloadRow(None, None, today - timedelta(days=1), _today=today)  # type: ignore[arg-type]
    assert due_words(late) == "1 day overdue" and late.is_overdue
    assert due_words(CaseloadRow(None, None, None, _today=today)) == "No contact planned"  # type: ignore[arg-type]


def test_the_filters_by_due_and_program(log_in, staff_a, practice_a, caseload_a, admin, infant_a):
    client = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)
    due = client.get(URL, {"due": "today"}).context["lines"]
    assert {line.enrolment.child for line in due} == {caseload_a["never"], caseload_a["missed"]}
    overdue = client.get(URL, {"due": "overdue"}).context["lines"]
    assert len(overdue) == 2
    vip = services.add_program(actor=admin, definition="vip", at=clock.now())
    on_caseload(chw_actor(staff_a, practice_a), vip, infant_a, days_ago=0)  # due today
    only_vip = client.get(URL, {"program": str(vip.pk)}).context["lines"]
    assert [line.enrolment.child for line in only_vip] == [infant_a]
    assert len(client.get(URL, {"due": "nonsense"}).context["lines"]) == 4  # ignored: all
    filtered_empty = client.get(URL, {"program": str(vip.pk), "due": "overdue"})
    assert "No family on this caseload matches these filters." in filtered_empty.content.decode()


def test_a_malformed_or_foreign_program_is_refused(log_in, staff_a, practice_a, practice_b):
    client = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)
    assert client.get(URL, {"program": "not-a-uuid"}).status_code == 400
    from tests.program_factories import program

    assert client.get(URL, {"program": str(program(practice_b, "chw").pk)}).status_code == 404


def test_an_empty_caseload_says_so_and_links_my_tasks(log_in, staff_a, practice_a):
    page = client = log_in(staff_a[Role.FAMILY_SPECIALIST], practice_a).get(URL)
    body = page.content.decode()
    assert "No family is on this caseload yet." in body and reverse("tasks:list") in body
    assert client.context["open_tasks"] == 0


def test_the_open_tasks_are_counted_and_linked(log_in, staff_a, practice_a, child_a):
    from medhome.tasks.services import create_by_hand

    chw = chw_actor(staff_a, practice_a)
    for n in range(2):
        create_by_hand(
            actor=chw,
            child=child_a,
            text=f"Call back {n}",
            due_at=clock.now() + timedelta(days=1),
            at=clock.now(),
            assignee=chw.user,
        )
    page = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a).get(URL)
    assert page.context["open_tasks"] == 2
    assert "My tasks: 2 open" in page.content.decode()


def test_only_programs_manage_opens_a_colleagues_caseload(log_in, staff_a, practice_a, caseload_a):
    chw_membership = staff_a[Role.COMMUNITY_HEALTH_WORKER].memberships.get()
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    own = coordinator.get(URL)
    assert own.context["lines"] == [] and chw_membership in own.context["colleagues"]
    theirs = coordinator.get(URL, {"staff": str(chw_membership.pk)})
    assert theirs.status_code == 200 and len(theirs.context["lines"]) == 3
    # The front desk cannot hold a caseload: not on the list.
    desk = staff_a[Role.FRONT_DESK].memberships.get()
    assert coordinator.get(URL, {"staff": str(desk.pk)}).status_code == 404
    # Without programs.manage one sees only one's own, and the page offers no colleague.
    specialist = log_in(staff_a[Role.FAMILY_SPECIALIST], practice_a)
    assert specialist.get(URL).context["colleagues"] == []
    assert specialist.get(URL, {"staff": str(chw_membership.pk)}).status_code == 403


def test_another_practice_sees_none_of_it(log_in, clinician_b, practice_b, staff_a, caseload_a):
    client = log_in(clinician_b, practice_b)
    chw_membership = staff_a[Role.COMMUNITY_HEALTH_WORKER].memberships.get()
    page = client.get(URL)
    assert page.status_code == 200 and page.context["lines"] == []
    # A pediatrician has no programs.manage: another practice's colleague is refused outright.
    assert client.get(URL, {"staff": str(chw_membership.pk)}).status_code == 403


def test_reading_the_caseload_audits_each_child_shown(log_in, staff_a, practice_a, caseload_a):
    client = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)
    before = AuditEvent.objects.count()
    client.get(URL, {"due": "today"})
    events = AuditEvent.objects.order_by("-sequence")[: AuditEvent.objects.count() - before]
    assert {(e.action, e.object_type, e.object_id) for e in events} == {
        ("view", "child", str(caseload_a["never"].pk)),
        ("view", "child", str(caseload_a["missed"].pk)),
    }
    assert all(e.detail == {"via": "caseload"} for e in events)


@pytest.mark.parametrize("families", [1, 12])
def test_the_queries_do_not_grow_with_the_caseload(
    log_in, staff_a, practice_a, chw_program, families, django_assert_num_queries
):
    chw = chw_actor(staff_a, practice_a)
    for n in range(families):
        _family, child, _caregiver = factories.register(
            practice_a,
            family_name=f"Family {n}",
            child=factories.child_values(legal_given_name=f"Kid{n}", mrn=f"K-{n}"),
        )
        on_caseload(chw, chw_program, child, days_ago=n)
        if n % 2:
            outreach(chw, chw_program, child, days_ago=0, outcome="left_message")
    client = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)
    client.get(URL)  # the session's first update
    # The login, session and base page, the caseload (1), whom to call (1), the programs (1), the
    # open tasks (1), the audit append: the same for 1 family as for 12.
    with django_assert_num_queries(CASELOAD_QUERIES):
        page = client.get(URL)
    assert len(page.context["lines"]) == families
