"""Attribution on the chart and by staff (docs/clinical-rules.md#attribution): memberships made
where a child is made, one truth for the primary care clinician, ending / rejoining /
changing the clinician by the roles that keep the panel, refused otherwise, audited, and a
clear message for bad input with nothing saved."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.families import services
from medhome.families.models import Child, PanelMembership
from tests import factories

pytestmark = pytest.mark.django_db


def chart(child) -> str:
    return reverse("families:chart", kwargs={"child_id": child.pk})


def action(child) -> str:
    return reverse("families:panel_membership", kwargs={"child_id": child.pk})


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_child_registered_in_medhome_joins_the_panel_that_day_with_its_clinician(
    family_a, clinician_a
):
    at = timezone.now()
    child = services.add_child(
        actor=factories.registrar(family_a.practice),
        family=family_a,
        values=factories.child_values(mrn="NEW-7", primary_clinician=clinician_a),
        at=at,
    )

    (membership,) = PanelMembership.objects.filter(child=child)
    assert (membership.starts_on, membership.ends_on) == (clock.local_date(at), None)
    assert membership.primary_clinician_id == clinician_a.pk
    assert Child.objects.on_panel(clock.local_date(at)).filter(pk=child.pk).exists()
    assert (
        not Child.objects.on_panel(clock.local_date(at) - timedelta(days=1))
        .filter(pk=child.pk)
        .exists()
    )


def test_editing_the_clinician_keeps_the_open_membership_in_step(child_a, staff_a):
    nurse_practitioner = staff_a[Role.NURSE_PRACTITIONER]

    services.update_child(
        actor=factories.registrar(child_a.practice),
        child=child_a,
        values={"primary_clinician": nurse_practitioner},
        version=child_a.version,
        at=timezone.now(),
    )

    membership = PanelMembership.objects.get(child=child_a)
    assert membership.primary_clinician_id == nurse_practitioner.pk


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CARE_COORDINATOR, Role.PRACTICE_ADMIN])
def test_roles_that_keep_the_panel_end_it_and_the_chart_says_so(log_in, staff_a, child_a, role):
    client = log_in(staff_a[role], child_a.practice)
    today = clock.today()

    response = client.post(
        action(child_a), {"action": "end", "ends_on": today.isoformat(), "end_reason": "moved"}
    )

    assert response.status_code == 302
    membership = PanelMembership.objects.get(child=child_a)
    assert (membership.ends_on, membership.end_reason) == (today, "moved")
    assert AuditEvent.objects.filter(
        object_type="panel_membership", object_id=str(membership.pk), actor=staff_a[role]
    ).exists()
    page = client.get(chart(child_a)).content.decode()
    assert "Not on the panel." in page
    assert "Moved away" in page
    assert not Child.objects.on_panel(today).filter(pk=child_a.pk).exists()


@pytest.mark.parametrize("role", [Role.PEDIATRICIAN, Role.NURSE, Role.LEGAL_PARTNER])
def test_other_roles_are_refused_and_see_no_form(log_in, staff_a, child_a, role):
    client = log_in(staff_a[role], child_a.practice)

    response = client.post(
        action(child_a),
        {"action": "end", "ends_on": clock.today().isoformat(), "end_reason": "moved"},
    )

    assert response.status_code == 403
    assert PanelMembership.objects.get(child=child_a).ends_on is None
    page = client.get(chart(child_a)).content.decode()
    assert "On the panel since 05/17/2023." in page
    assert 'name="action"' not in page


def test_another_practices_child_is_not_found(log_in, staff_a, child_b):
    client = log_in(
        staff_a[Role.CARE_COORDINATOR], staff_a[Role.CARE_COORDINATOR].memberships.get().practice
    )

    response = client.post(
        action(child_b),
        {"action": "end", "ends_on": clock.today().isoformat(), "end_reason": "moved"},
    )

    assert response.status_code == 404
    assert PanelMembership.objects.get(child=child_b).ends_on is None


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"ends_on": "2023-05-16", "end_reason": "moved"}, "cannot leave the panel before joining"),
        ({"ends_on": "future", "end_reason": "moved"}, "cannot be in the future"),
        ({"ends_on": "today", "end_reason": ""}, "Say why the child left the panel."),
        ({"ends_on": "today", "end_reason": "vanished"}, "Say why the child left the panel."),
        ({"ends_on": "", "end_reason": "moved"}, "Give the day the child left the panel."),
        ({"ends_on": "not-a-date", "end_reason": "moved"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    log_in, staff_a, child_a, posted, message
):
    client = log_in(staff_a[Role.FRONT_DESK], child_a.practice)
    today = clock.today()
    ends_on = {"today": today.isoformat(), "future": (today + timedelta(days=1)).isoformat()}
    data = {"action": "end", **posted, "ends_on": ends_on.get(posted["ends_on"], posted["ends_on"])}
    before = AuditEvent.objects.count()

    response = client.post(action(child_a), data)

    assert any(message in text for text in said(response)), said(response)
    assert PanelMembership.objects.get(child=child_a).ends_on is None
    assert AuditEvent.objects.count() == before


def test_rejoin_after_leaving_and_its_dates(log_in, staff_a, child_a):
    client = log_in(staff_a[Role.CARE_COORDINATOR], child_a.practice)
    today = clock.today()
    left = today - timedelta(days=10)
    client.post(
        action(child_a), {"action": "end", "ends_on": left.isoformat(), "end_reason": "transferred"}
    )

    early = client.post(
        action(child_a), {"action": "rejoin", "starts_on": (left - timedelta(days=1)).isoformat()}
    )
    assert any("rejoin on that day or later" in text for text in said(early))
    future = client.post(
        action(child_a), {"action": "rejoin", "starts_on": (today + timedelta(days=1)).isoformat()}
    )
    assert any("cannot be in the future" in text for text in said(future))
    assert PanelMembership.objects.filter(child=child_a).count() == 1

    client.post(action(child_a), {"action": "rejoin", "starts_on": left.isoformat()})

    spans = list(PanelMembership.objects.filter(child=child_a).values_list("starts_on", "ends_on"))
    assert spans == [(child_a.date_of_birth, left), (left, None)]
    assert Child.objects.on_panel(today).filter(pk=child_a.pk).exists()
    again = client.post(action(child_a), {"action": "rejoin", "starts_on": today.isoformat()})
    assert any("already on the panel" in text for text in said(again))


def test_change_clinician_only_to_a_clinician_of_this_practice(
    log_in, staff_a, child_a, clinician_b
):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], child_a.practice)
    pediatrician = staff_a[Role.PEDIATRICIAN]

    refused = client.post(
        action(child_a), {"action": "clinician", "primary_clinician": clinician_b.pk}
    )
    nurse = client.post(
        action(child_a), {"action": "clinician", "primary_clinician": staff_a[Role.NURSE].pk}
    )
    assert any("pediatrician or nurse practitioner here" in t for t in said(refused))
    assert any("pediatrician or nurse practitioner here" in t for t in said(nurse))
    assert PanelMembership.objects.get(child=child_a).primary_clinician_id is None

    client.post(action(child_a), {"action": "clinician", "primary_clinician": pediatrician.pk})

    child_a.refresh_from_db()
    membership = PanelMembership.objects.get(child=child_a)
    assert membership.primary_clinician_id == child_a.primary_clinician_id == pediatrician.pk
    assert AuditEvent.objects.filter(
        object_type="panel_membership", object_id=str(membership.pk)
    ).exists()


def test_an_unknown_action_is_a_bad_request(log_in, staff_a, child_a):
    client = log_in(staff_a[Role.FRONT_DESK], child_a.practice)

    assert client.post(action(child_a), {"action": "delete"}).status_code == 400
