"""An outside member of a care team reads only their own children's shared plans, only under
consent, and never a practice's page (the sweep over every URL, as tests/test_partner_isolation.py
does for community organizations)."""

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.careplan.models import ProgressNote
from medhome.practices.models import Membership
from tests import (
    care_factories,
    connection_factories,
    council_factories,
    factories,
    groupcare_factories,
    improvement_factories,
    parentgroup_factories,
    program_factories,
)
from tests.conftest import PHI_A
from tests.url_matrix import PARTNER_PAGES, PUBLIC, ROUTES, payload_for, url_for

# Where a refused page may send them: their own pages, the practice chooser (which sends them on
# to their own pages), the login.
LANDINGS = ("/outside/", "/practice/", "/accounts/", "/partner/")
OUTSIDE_ROUTES = [
    (n, p) for n, p in ROUTES if n.startswith("careplan:outside_") and n in PARTNER_PAGES
]
PRACTICE_ROUTES = [
    (name, params)
    for name, params in ROUTES
    if name not in PUBLIC
    and name not in PARTNER_PAGES
    and "token" not in params  # the family's token pages, public by design
    and not name.startswith(("account", "mfa", "admin:"))  # the login's own pages
    and name != "set_language"
]


@pytest.fixture
def rows(child_a, caregiver_a, family_a, staff_a):
    pediatrician = staff_a[Role.PEDIATRICIAN]
    rows = {
        "family": family_a,
        "child": child_a,
        "caregiver": caregiver_a,
        "membership": Membership.objects.get(user=staff_a[Role.NURSE]),
        **factories.screening_with_alert(child_a, caregiver_a, pediatrician),
        "referral": factories.sent_referral(
            child_a, caregiver_a, pediatrician, factories.organization("Harbor Pantry")
        ),
    }
    rows["task"] = factories.follow_up_task(rows["referral"])
    rows["event"] = factories.care_event(child_a, pediatrician)
    rows.update(care_factories.care_plan(child_a, caregiver_a, pediatrician))
    rows["visit"] = factories.schedule_visit(child_a, at="2099-11-23 09:20:00-05:00")
    rows["panel_run"] = factories.panel_run(child_a.practice)
    rows["ehr_message"] = factories.waiting_ehr_message(child_a.practice)
    rows["reminder"] = factories.call_reminder(child_a, caregiver_a, rows["visit"])
    rows["note"] = care_factories.team_note(child_a, pediatrician)
    rows["grant"] = care_factories.break_glass_grant(child_a, staff_a[Role.FRONT_DESK])
    rows.update(program_factories.program_rows(child_a, pediatrician))
    # Issue 19's rows: group care, parent groups, the council, improvement cycles.
    rows.update(groupcare_factories.groupcare_rows(child_a, pediatrician))
    rows.update(parentgroup_factories.parent_group_rows(caregiver_a, staff_a[Role.PARENT_PARTNER]))
    rows.update(council_factories.council_rows(child_a.practice, pediatrician))
    rows.update(improvement_factories.cycle_rows(child_a.practice, pediatrician))
    rows.update(program_factories.parent_partner_rows(child_a, staff_a[Role.PARENT_PARTNER]))
    # Issue 20's rows: an Open Referral partner token and a partner's FHIR endpoint.
    rows.update(connection_factories.connection_rows(rows["referral"]))
    member, login = care_factories.outside_member(
        child_a,
        staff_a[Role.CARE_COORDINATOR],
        factories.organization("Bay State Early Intervention"),
        consent_by=caregiver_a,
        shared_items=("visits", "immunizations"),
    )
    rows["outside_member"], rows["login"] = member, login
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), PRACTICE_ROUTES, ids=[n for n, _ in PRACTICE_ROUTES])
def test_an_outside_member_never_opens_a_practice_page(log_in, rows, name, params):
    client = log_in(rows["login"])
    url = url_for(name, params, rows)

    got = client.get(url)
    posted = client.post(url, payload_for(name, rows))

    for response in (got, posted):
        assert response.status_code in (302, 403, 404, 405), name
        if response.status_code == 302:
            assert response["Location"].startswith(LANDINGS)
        body = response.content.decode()
        assert [value for value in PHI_A if value in body] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), OUTSIDE_ROUTES, ids=[n for n, _ in OUTSIDE_ROUTES])
def test_another_outside_member_reaches_nothing_on_any_outside_url(
    log_in, rows, child_b, caregiver_b, clinician_b, name, params
):
    _member_b, login_b = care_factories.outside_member(
        child_b,
        clinician_b,
        factories.organization("Riverbend Home Visiting"),
        email="other@example.org",
        consent_by=caregiver_b,
    )
    client = log_in(login_b)
    url = url_for(name, params, rows)

    got = client.get(url)
    posted = client.post(url, payload_for(name, rows))

    if params:
        assert sorted([got.status_code, posted.status_code]) in ([404, 404], [404, 405])
    for response in (got, posted):
        body = response.content.decode()
        assert [value for value in PHI_A if value in body] == []
    assert not ProgressNote.objects.exists()


@pytest.mark.django_db
def test_an_outside_member_sees_no_referrals_of_their_organization(log_in, rows):
    client = log_in(rows["login"])

    inbox = client.get(reverse("referrals:partner_inbox"))
    detail = client.get(reverse("referrals:partner_detail", args=[rows["referral"].pk]))

    # Their partner role gives no referral pages at all (referrals.decorators.requires_partner).
    assert inbox.status_code == 403 and b"Harbor Pantry" not in inbox.content
    assert detail.status_code == 403


@pytest.mark.django_db
def test_the_organizations_staff_still_answer_referrals_and_read_their_care_teams(
    log_in, child_a, caregiver_a, staff_a
):
    pantry = factories.organization("Harbor Pantry")
    referral = factories.sent_referral(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN], pantry)
    staff_user = factories.partner_user(
        "pat@pantry.example.org", pantry, first_name="Pat", last_name="Lee"
    )
    member, login = care_factories.outside_member(
        child_a,
        staff_a[Role.CARE_COORDINATOR],
        pantry,
        email="Pat@pantry.example.org",  # the organization's own user, already a member
        consent_by=caregiver_a,
    )
    client = log_in(staff_user)

    inbox = client.get(reverse("referrals:partner_inbox"))
    plan = client.get(reverse("careplan:outside_plan", args=[member.pk]))

    assert login == staff_user
    assert [r.pk for r, _view in inbox.context["rows"]] == [referral.pk]
    assert plan.status_code == 200
