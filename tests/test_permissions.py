"""What each role may open, derived from the one capability table (accounts.roles)."""

from urllib.parse import quote

import pytest
from django.http import Http404
from django.urls import reverse

from medhome.accounts.models import User
from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan.models import CareTeamMember, OutsideConsent
from medhome.council import models as council
from medhome.families import selectors
from medhome.families.models import Caregiver, Child, Family
from medhome.improvement.models import Cycle, CycleChange
from medhome.parentgroups.models import Meeting, MeetingAttendance, ParentGroup, SignUp
from medhome.practices.middleware import SESSION_PRACTICE_KEY
from medhome.practices.models import Membership
from medhome.programs.models import Contact, Enrolment, EnrolmentChange
from medhome.staff.models import StaffLanguage

from . import (
    care_factories,
    connection_factories,
    council_factories,
    factories,
    groupcare_factories,
    improvement_factories,
    parentgroup_factories,
    program_factories,
)
from .conftest import PHI_A, PHI_B
from .permission_pages import PAGES, allowed

pytestmark = pytest.mark.django_db


def record_counts() -> tuple[int, ...]:
    models = (Family, Child, Caregiver, AuditEvent, Membership, User)
    models += (CareTeamMember, OutsideConsent, StaffLanguage, Enrolment, EnrolmentChange, Contact)
    models += (ParentGroup, Meeting, SignUp, MeetingAttendance)
    models += (Cycle, CycleChange)
    models += (council.Council, council.Member, council.Meeting, council.Recommendation)
    models += (council.RecommendationText, council.Compensation)
    roles = tuple(Membership.objects.order_by("pk").values_list("role", "is_active"))
    return (*(m.objects.count() for m in models), roles)


@pytest.fixture
def rows_a(family_a, child_a, caregiver_a, staff_a) -> dict:
    membership = Membership.objects.get(user=staff_a[Role.NURSE])
    return {
        "family": family_a,
        "child": child_a,
        "caregiver": caregiver_a,
        "membership": membership,
        **care_factories.care_plan(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN]),
        "program": program_factories.program(family_a.practice, "dulce"),
        **program_factories.program_rows(child_a, staff_a[Role.COMMUNITY_HEALTH_WORKER]),
        **parentgroup_factories.parent_group_rows(caregiver_a, staff_a[Role.PARENT_PARTNER]),
        # A caregiver of practice A not yet in the group, for the sign-up POST.
        "free_caregiver": factories.add_caregiver(family_a, given_name="Rafael"),
        **improvement_factories.cycle_rows(family_a.practice, staff_a[Role.PEDIATRICIAN]),
        **council_factories.council_rows(family_a.practice, staff_a[Role.PEDIATRICIAN]),
        **program_factories.parent_partner_rows(child_a, staff_a[Role.PARENT_PARTNER]),
        **groupcare_factories.groupcare_rows(child_a, staff_a[Role.PEDIATRICIAN]),
        **connection_factories.connection_rows(
            factories.sent_referral(
                child_a,
                caregiver_a,
                staff_a[Role.PEDIATRICIAN],
                factories.organization("Harbor Pantry"),
            )
        ),
    }


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_pages_a_role_opens_follow_the_capability_table(log_in, staff_a, practice_a, rows_a, role):
    client = log_in(staff_a[role], practice_a)
    expected = {
        page: 200 if allowed(capability, role) else 403
        for page, (capability, _, _) in PAGES.items()
    }

    statuses = {page: client.get(url(rows_a)).status_code for page, (_, url, _) in PAGES.items()}

    assert statuses == expected


ROLES_WITH_FORBIDDEN_POSTS = [
    role for role in Role if any(post and not allowed(cap, role) for cap, _, post in PAGES.values())
]


@pytest.mark.parametrize("role", ROLES_WITH_FORBIDDEN_POSTS, ids=str)
def test_a_role_cannot_post_to_pages_it_may_not_open(log_in, staff_a, practice_a, rows_a, role):
    client = log_in(staff_a[role], practice_a)
    forbidden = {
        page: (url, payload)
        for page, (capability, url, payload) in PAGES.items()
        if payload is not None and not allowed(capability, role)
    }
    before = record_counts()

    statuses = {
        page: client.post(url(rows_a), payload(rows_a)).status_code
        for page, (url, payload) in forbidden.items()
    }

    assert statuses == dict.fromkeys(forbidden, 403)
    assert record_counts() == before


def test_forbidden_page_shows_no_phi(log_in, staff_a, practice_a, rows_a):
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    response = client.get(reverse("families:chart", kwargs={"child_id": rows_a["child"].pk}))

    assert response.status_code == 403
    body = response.content.decode()
    assert [value for value in PHI_A if value in body] == []


def test_network_analyst_cannot_open_a_chart_or_search(staff_a, practice_a, child_a, child_b):
    analyst = factories.actor_for(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)

    with pytest.raises(Http404):
        selectors.access_child(analyst, child_a.pk)
    with pytest.raises(Http404):
        selectors.chart_of(analyst, child_a.pk)
    with pytest.raises(Http404):
        selectors.access_family(analyst, child_a.family_id)
    assert selectors.search_children(analyst, "García") == []
    assert selectors.search_children(analyst, "Quillfeather") == []
    assert selectors.search_children(analyst, "SG-100234") == []


def test_network_analyst_sees_small_counts_suppressed(
    log_in, staff_a, practice_a, child_a, child_b
):
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    response = client.get(reverse("families:network"))

    assert response.status_code == 200
    empty = {
        "children": None,
        **dict.fromkeys(("public_coverage", "spanish", "special_needs")),
        **{f"{key}_share": None for key in ("public_coverage", "spanish", "special_needs")},
    }
    assert response.context["rows"] == [
        {"practice": "Harborview Family Pediatrics", **empty},
        {"practice": "Riverbend Children's Health", **empty},
    ]
    body = response.content.decode()
    assert [value for value in PHI_A + PHI_B if value in body] == []


def test_network_analyst_sees_counts_from_eleven(log_in, staff_a, practice_a, family_a, child_b):
    for number in range(10):  # with the cast's child: 11 in practice A, 1 in practice B
        factories.add_child(family_a, legal_given_name=f"Sibling{number}", mrn=f"SIB-{number}")
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    rows = client.get(reverse("families:network")).context["rows"]

    assert rows[0] == {
        "practice": "Harborview Family Pediatrics",
        "children": 11,
        "public_coverage": 11,
        "public_coverage_share": 1.0,
        "spanish": 11,
        "spanish_share": 1.0,
        "special_needs": None,
        "special_needs_share": None,
    }
    assert rows[1]["children"] is None


def test_practice_admin_sees_who_opened_the_chart(log_in, staff_a, practice_a, child_a):
    chart = reverse("families:chart", kwargs={"child_id": child_a.pk})
    log_in(staff_a[Role.FRONT_DESK], practice_a).get(chart)

    response = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a).get(chart)

    body = response.content.decode()
    assert "Who opened or changed this chart" in body
    assert "Marcello Bellinzona" in body
    assert [(e.actor_label, e.action) for e in response.context["openings"]] == [
        ("Grace Hollowell", "view"),
        ("Marcello Bellinzona", "view"),
        ("front_desk", "create"),  # the factory registered the child with no user
    ]


def test_nurse_does_not_see_who_opened_the_chart(log_in, staff_a, practice_a, child_a):
    chart = reverse("families:chart", kwargs={"child_id": child_a.pk})
    log_in(staff_a[Role.FRONT_DESK], practice_a).get(chart)

    response = log_in(staff_a[Role.NURSE], practice_a).get(chart)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Who opened or changed this chart" not in body
    assert "Marcello Bellinzona" not in body
    assert list(response.context["openings"]) == []


def search_names(client, query: str) -> list[str]:
    response = client.post(reverse("families:search"), {"q": query})
    assert response.status_code == 200
    return [str(child) for child in response.context["results"]]


def test_user_of_two_practices_sees_only_the_chosen_practice(
    log_in, nurse_of_both, child_a, child_b
):
    client = log_in(nurse_of_both)

    choose_page = client.get(reverse("practices:choose"))
    to_a = client.post(reverse("practices:choose"), {"practice": str(child_a.practice_id)})
    in_a = (search_names(client, "García"), search_names(client, "Quillfeather"))
    b_chart_from_a = client.get(reverse("families:chart", kwargs={"child_id": child_b.pk}))
    to_b = client.post(reverse("practices:choose"), {"practice": str(child_b.practice_id)})
    in_b = (search_names(client, "García"), search_names(client, "Quillfeather"))
    a_chart_from_b = client.get(reverse("families:chart", kwargs={"child_id": child_a.pk}))

    assert choose_page.status_code == 200
    assert [m.practice_id for m in choose_page.context["memberships"]] == [
        child_a.practice_id,
        child_b.practice_id,
    ]
    assert (to_a.status_code, to_a["Location"]) == (
        302,
        "/screening/start-of-day/",
    )  # a nurse: clinicians land there
    assert in_a == (["Sofía García"], [])
    assert b_chart_from_a.status_code == 404
    assert (to_b.status_code, to_b["Location"]) == (302, "/screening/start-of-day/")
    assert in_b == ([], ["Zephyrine Quillfeather"])
    assert a_chart_from_b.status_code == 404


def test_deactivated_membership_loses_access_on_the_next_request(
    log_in, staff_a, practice_a, child_a
):
    nurse = staff_a[Role.NURSE]
    client = log_in(nurse, practice_a)
    chart = reverse("families:chart", kwargs={"child_id": child_a.pk})
    assert client.get(chart).status_code == 200

    Membership.objects.filter(user=nurse, practice=practice_a).update(is_active=False)
    response = client.get(chart)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/practice/?next={quote(chart, safe='')}",
    )


def test_deactivated_user_is_logged_out_on_the_next_request(log_in, staff_a, practice_a, child_a):
    nurse = staff_a[Role.NURSE]
    client = log_in(nurse, practice_a)
    chart = reverse("families:chart", kwargs={"child_id": child_a.pk})
    assert client.get(chart).status_code == 200

    type(nurse).objects.filter(pk=nurse.pk).update(is_active=False)
    response = client.get(chart)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_role_change_takes_effect_on_the_next_request(log_in, staff_a, practice_a, child_a):
    nurse = staff_a[Role.NURSE]
    client = log_in(nurse, practice_a)
    chart = reverse("families:chart", kwargs={"child_id": child_a.pk})
    assert client.get(chart).status_code == 200

    Membership.objects.filter(user=nurse).update(role=Role.NETWORK_ANALYST)

    assert client.get(chart).status_code == 403


def choose(client, data: dict):
    return client.post(reverse("practices:choose"), data)


def test_choosing_a_practice_without_membership_does_nothing(
    log_in, clinician_a, practice_a, practice_b, child_a, child_b
):
    client = log_in(clinician_a, practice_a)

    response = choose(client, {"practice": str(practice_b.pk)})

    assert response.status_code == 200
    assert client.session[SESSION_PRACTICE_KEY] == str(practice_a.pk)
    assert search_names(client, "Quillfeather") == []
    assert search_names(client, "García") == ["Sofía García"]


def test_choosing_a_practice_of_an_inactive_membership_does_nothing(
    log_in, nurse_of_both, practice_a, practice_b, child_a, child_b
):
    Membership.objects.filter(user=nurse_of_both, practice=practice_b).update(is_active=False)
    client = log_in(nurse_of_both, practice_a)

    response = choose(client, {"practice": str(practice_b.pk)})

    assert response.status_code == 200
    assert client.session[SESSION_PRACTICE_KEY] == str(practice_a.pk)
    assert search_names(client, "Quillfeather") == []


def test_choosing_nothing_does_nothing(log_in, clinician_a, practice_a):
    client = log_in(clinician_a, practice_a)

    response = choose(client, {})

    assert response.status_code == 200
    assert client.session[SESSION_PRACTICE_KEY] == str(practice_a.pk)


@pytest.mark.parametrize("practice_id", ["", "not-a-uuid"])
def test_choosing_a_malformed_practice_id_does_nothing(
    log_in, clinician_a, practice_a, practice_id
):
    client = log_in(clinician_a, practice_a)

    response = choose(client, {"practice": practice_id})

    assert response.status_code == 200
    assert client.session[SESSION_PRACTICE_KEY] == str(practice_a.pk)
