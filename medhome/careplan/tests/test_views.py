from datetime import date, timedelta

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan import pdf, services
from medhome.careplan.models import Goal, MemberKind
from medhome.core import clock
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from tests.conftest import PHI_B

from .conftest import MOMENT

pytestmark = pytest.mark.urls("medhome.careplan.tests.urls")


@pytest.fixture
def live_link(coordinator, plan_a, caregiver_a):
    """(link, token) made now, so the pages (which read the clock) find it open."""
    return links.issue_link(
        actor=coordinator,
        purpose=Purpose.CARE_PLAN,
        child=plan_a.child,
        caregiver=caregiver_a,
        at=clock.now(),
    )


def test_the_team_sees_the_plan_page_with_history(client_a, plan_a, coordinator):
    services.update_plan(
        actor=coordinator,
        plan=plan_a,
        version=1,
        family_priorities="Que Sofía duerma mejor",
        at=MOMENT,
    )
    response = client_a.get(reverse("careplan:plan", args=[plan_a.child_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Que Sofía duerma mejor" in page
    # The history says what changed in words, never the field's name.
    history = page.split('id="history-heading"')[1]
    assert "Changed the plan" in history and "What matters most to our family: " in history
    assert "family_priorities" not in history and "update careplan" not in history
    assert AuditEvent.objects.filter(
        object_type="careplan.careplan", object_id=str(plan_a.pk), action="view"
    ).exists()


def test_the_history_shows_a_status_and_a_date_as_people_read_them(client_a, plan_a):
    from medhome.careplan.models import PlanChange

    PlanChange.objects.create(
        practice_id=plan_a.practice_id,
        plan=plan_a,
        at=MOMENT,
        actor_label="Coordinator",
        side="staff",
        object_type="goal",
        object_id="1",
        operation="update",
        changes=[
            {"field": "status", "old": "not_started", "new": "in_progress"},
            {"field": "target_on", "old": "", "new": "2026-12-31"},
        ],
        version=plan_a.version + 1,
    )
    client_a.post(reverse("set_language"), {"language": "es", "next": "/"})

    page = client_a.get(reverse("careplan:plan", args=[plan_a.child_id])).content.decode()
    history = page.split('id="history-heading"')[1]

    assert "Cambió una meta" in history and "En curso" in history
    assert "target_on" not in history and "in_progress" not in history
    assert "12/31/2026" in history


def test_the_plan_page_creates_the_plan_the_first_time(client_a, child_a):
    response = client_a.get(reverse("careplan:plan", args=[child_a.pk]))
    assert response.status_code == 200
    assert child_a.care_plan.version == 1


def test_staff_add_and_change_a_goal(client_a, plan_a):
    response = client_a.post(
        reverse("careplan:add_goal", args=[plan_a.pk]),
        {"text": "Hablar con el especialista", "status": "not_started", "owner": ""},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(plan=plan_a)
    url = reverse("careplan:edit_goal", args=[goal.pk])
    ok = client_a.post(url, {"version": 1, "text": "Hablar", "status": "in_progress"})
    assert ok.status_code == 302
    stale = client_a.post(url, {"version": 1, "text": "Otra cosa", "status": "met"})
    assert stale.status_code == 409
    assert "Someone else changed this goal" in stale.content.decode()
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Hablar", 2)


def test_staff_add_a_team_member_and_a_note(client_a, plan_a, staff_a, coordinator):
    response = client_a.post(
        reverse("careplan:add_member", args=[plan_a.pk]),
        {
            "kind": MemberKind.STAFF,
            "user": staff_a[Role.CARE_COORDINATOR].pk,
            "role_label": "Care coordinator",
            "is_lead_coordinator": "on",
        },
    )
    assert response.status_code == 302
    assert plan_a.child.care_team.get().is_lead_coordinator
    goal = services.add_goal(actor=coordinator, plan=plan_a, text="G", at=MOMENT)
    client_a.post(reverse("careplan:add_note", args=[goal.pk]), {"text": "Going well"})
    assert goal.notes.get().text == "Going well"


def test_roles_without_plan_edit_cannot_post(log_in, staff_a, practice_a, plan_a):
    front_desk = log_in(staff_a[Role.FRONT_DESK], practice_a)
    response = front_desk.post(
        reverse("careplan:add_goal", args=[plan_a.pk]), {"text": "x", "status": "not_started"}
    )
    assert response.status_code == 403
    assert not Goal.objects.exists()


def test_practice_b_cannot_reach_a_plan(log_in, clinician_b, practice_b, plan_a, coordinator):
    goal = services.add_goal(actor=coordinator, plan=plan_a, text="A", at=MOMENT)
    client_b = log_in(clinician_b, practice_b)
    for url in (
        reverse("careplan:plan", args=[plan_a.child_id]),
        reverse("careplan:print", args=[plan_a.pk]),
        reverse("careplan:edit_goal", args=[goal.pk]),
    ):
        assert client_b.get(url).status_code == 404
    for url in (
        reverse("careplan:edit_plan", args=[plan_a.pk]),
        reverse("careplan:add_goal", args=[plan_a.pk]),
        reverse("careplan:add_note", args=[goal.pk]),
        reverse("careplan:add_action", args=[plan_a.pk]),
        reverse("careplan:create_link", args=[plan_a.pk]),
    ):
        assert client_b.post(url, {"text": "x", "version": 1}).status_code == 404


def test_a_page_never_shows_practice_b(client_a, plan_a, plan_b):
    page = client_a.get(reverse("careplan:plan", args=[plan_a.child_id])).content.decode()
    for value in PHI_B:
        assert value not in page


def test_anonymous_is_sent_to_log_in(client, plan_a):
    response = client.get(reverse("careplan:plan", args=[plan_a.child_id]))
    assert response.status_code == 302


# --- The family's pages -------------------------------------------------------------------


def test_family_page_is_in_spanish_and_comes_back(client, live_link):
    _link, token = live_link
    url = reverse("portal:plan", args=[token])
    for _visit in range(2):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert '<html lang="es">' in page
        assert "Plan de atención" in page
    response = client.post(url, {"text": "Ir al parque los sábados", "target_on": ""})
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.created_by_family


def test_family_can_update_their_goal_and_add_a_note(client, live_link):
    link, token = live_link
    goal = services.family_add_goal(link=link, text="Leer", at=MOMENT)
    url = reverse("portal:plan_goal", args=[token, goal.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"what": "goal", "version": 1, "text": "Leer cada noche", "status": "in_progress"}
    )
    assert response.status_code == 302
    response = client.post(url, {"what": "note", "text": "Muy bien"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Leer cada noche" and goal.notes.get().text == "Muy bien"


def test_family_cannot_change_a_team_goal_from_the_page(client, live_link, coordinator, plan_a):
    link, token = live_link
    goal = services.add_goal(actor=coordinator, plan=plan_a, text="Labs", at=MOMENT)
    url = reverse("portal:plan_goal", args=[token, goal.pk])
    response = client.post(url, {"what": "goal", "version": 1, "text": "No", "status": "met"})
    assert response.status_code == 403
    response = client.post(url, {"what": "note", "text": "nota"})
    assert response.status_code == 403
    goal.refresh_from_db()
    assert goal.text == "Labs" and not goal.notes.exists()


def test_family_cannot_open_another_plans_goal(client, live_link, clinician_b_actor, plan_b):
    _link, token = live_link
    goal_b = services.add_goal(actor=clinician_b_actor, plan=plan_b, text="B", at=MOMENT)
    url = reverse("portal:plan_goal", args=[token, goal_b.pk])
    assert client.get(url).status_code == 404


def test_expired_revoked_and_unknown_links(client, live_link, coordinator):
    link, token = live_link
    assert client.get(reverse("portal:plan", args=["nope"])).status_code == 404
    link.expires_at = clock.now() - timedelta(seconds=1)
    link.save(update_fields=["expires_at"])
    assert client.get(reverse("portal:plan", args=[token])).status_code == 410
    link.expires_at = clock.now() + timedelta(days=9)
    link.save(update_fields=["expires_at"])
    links.revoke_link(actor=coordinator, link=link, at=MOMENT)
    response = client.get(reverse("portal:plan", args=[token]))
    assert response.status_code == 410
    assert '<html lang="es">' in response.content.decode()


def test_staff_create_and_revoke_a_link(client_a, plan_a, caregiver_a):
    response = client_a.post(
        reverse("careplan:create_link", args=[plan_a.pk]), {"caregiver": caregiver_a.pk}
    )
    assert response.status_code == 200
    link = FamilyLink.objects.get(purpose=Purpose.CARE_PLAN)
    assert link.caregiver == caregiver_a
    assert "/p/" in response.content.decode()
    response = client_a.post(reverse("portal:revoke", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None


# --- Print --------------------------------------------------------------------------------


def test_print_is_a_pdf_in_the_familys_language(client_a, plan_a, coordinator):
    services.update_plan(
        actor=coordinator,
        plan=plan_a,
        version=1,
        review_on=date(2026, 3, 20),
        at=MOMENT,
    )
    response = client_a.get(reverse("careplan:print", args=[plan_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(object_type="careplan.careplan", action="print").exists()
    plan_a.refresh_from_db()
    html = pdf.plan_html(plan_a, language="es")  # the page the PDF is made from
    assert '<html lang="es">' in html
    assert "Plan de atención" in html
    assert "marzo" in html  # dates in Spanish


def test_family_prints_the_plan(client, live_link):
    _link, token = live_link
    response = client.get(reverse("portal:plan_print", args=[token]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_plan_page_shows_every_part(
    client_a, plan_a, coordinator, staff_a, caregiver_a, child_a, clinician_a, live_link
):
    from tests import factories

    lead = services.add_team_member(
        actor=coordinator,
        plan=plan_a,
        kind=MemberKind.STAFF,
        user=staff_a[Role.CARE_COORDINATOR],
        role_label="Care coordinator",
        is_lead_coordinator=True,
        at=MOMENT,
    )
    goal = services.add_goal(
        actor=coordinator,
        plan=plan_a,
        text="Apply for WIC",
        owner_member=lead,
        target_on=date(2026, 4, 1),
        at=MOMENT,
    )
    services.add_progress_note(actor=coordinator, goal=goal, text="Form started", at=MOMENT)
    referral = factories.sent_referral(
        child_a, caregiver_a, clinician_a, factories.organization("Eastie Food Bank")
    )
    services.add_action(
        actor=coordinator,
        plan=plan_a,
        text="Call the food bank",
        goal=goal,
        referral=referral,
        at=MOMENT,
    )
    page = client_a.get(reverse("careplan:plan", args=[plan_a.child_id])).content.decode()
    for expected in ("Priya Ramanathan", "Apply for WIC", "Form started", "Call the food bank"):
        assert expected in page
    for url in (
        reverse("careplan:edit_goal", args=[goal.pk]),
        reverse("careplan:edit_member", args=[lead.pk]),
        reverse("careplan:edit_action", args=[plan_a.actions.get().pk]),
    ):
        assert client_a.get(url).status_code == 200
    _link, token = live_link
    family_page = client_a.get(reverse("portal:plan", args=[token])).content.decode()
    assert "Apply for WIC" in family_page and "Call the food bank" in family_page


def test_family_materials_show_the_practices_number_never_a_staff_login_email(
    client, client_a, live_link, plan_a, staff_a
):
    _link, token = live_link
    plan_a.practice.phone = "(401) 555-0142"
    plan_a.practice.save(update_fields=["phone"])
    coordinator_user = staff_a[Role.CARE_COORDINATOR]
    coordinator_user.email = "rosa.login@example.org"
    coordinator_user.save(update_fields=["email"])
    client_a.post(
        reverse("careplan:add_member", args=[plan_a.pk]),
        {"kind": MemberKind.STAFF, "user": coordinator_user.pk, "role_label": "Coordinator"},
    )

    family_page = client.get(reverse("portal:plan", args=[token])).content.decode()
    printed = pdf.plan_html(plan_a, language="es")
    staff_page = client_a.get(reverse("careplan:plan", args=[plan_a.child_id])).content.decode()

    assert 'href="tel:(401) 555-0142"' in family_page and "(401) 555-0142" in printed
    assert "rosa.login@example.org" not in family_page
    assert "rosa.login@example.org" not in printed
    assert "rosa.login@example.org" in staff_page  # the team still sees how to reach her
