"""What each role may open, derived from the one capability table (accounts.roles)."""

from urllib.parse import quote

import pytest
from django.http import Http404
from django.urls import reverse

from medhome.accounts.models import User
from medhome.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from medhome.audit.models import AuditEvent
from medhome.careplan.models import CareTeamMember, OutsideConsent
from medhome.families import selectors
from medhome.families.models import Caregiver, Child, Family
from medhome.practices.middleware import SESSION_PRACTICE_KEY
from medhome.practices.models import Membership
from medhome.programs.models import Contact, Enrolment, EnrolmentChange
from medhome.staff.models import StaffLanguage

from . import care_factories, factories, groupcare_factories, program_factories
from .conftest import PHI_A, PHI_B

pytestmark = pytest.mark.django_db

# page → (capability it needs, URL, a valid POST or None when the page takes no POST)
PAGES = {
    "search": (Capability.CHART_READ, lambda r: reverse("families:search"), lambda r: {"q": "ga"}),
    "chart": (
        Capability.CHART_READ,
        lambda r: reverse("families:chart", kwargs={"child_id": r["child"].pk}),
        None,
    ),
    "register family": (
        Capability.FAMILY_CREATE,
        lambda r: reverse("families:register"),
        lambda r: factories.register_form_data(child={"mrn": "NEW-1"}),
    ),
    "add child": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:add_child", kwargs={"family_id": r["family"].pk}),
        lambda r: factories.child_form_data(legal_given_name="Mateo", mrn="NEW-2"),
    ),
    "edit child": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:edit_child", kwargs={"child_id": r["child"].pk}),
        lambda r: factories.child_form_data_of(r["child"], preferred_name="Sofi"),
    ),
    "add caregiver": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:add_caregiver", kwargs={"family_id": r["family"].pk}),
        lambda r: factories.caregiver_form_data(given_name="Abuela", relationship="grandmother"),
    ),
    "edit preferences": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:edit_preferences", kwargs={"caregiver_id": r["caregiver"].pk}),
        lambda r: factories.preferences_form_data(r["caregiver"], strengths="Changed"),
    ),
    "my tasks": (Capability.CHART_READ, lambda r: reverse("tasks:list"), None),
    "outbox": (Capability.MESSAGES_READ, lambda r: reverse("messaging:outbox"), None),
    "message texts": (Capability.MESSAGES_READ, lambda r: reverse("messaging:preview"), None),
    "phone calls": (Capability.MESSAGES_READ, lambda r: reverse("messaging:calls"), None),
    "reaching families figures": (
        Capability.MEASURES_READ,
        lambda r: reverse("messaging:figures"),
        None,
    ),
    "recall list": (
        Capability.SCREENING_SEND,
        lambda r: reverse("messaging:recall"),
        lambda r: {"family": [r["family"].pk]},
    ),
    "family's messages": (
        Capability.MESSAGES_READ,
        lambda r: reverse("messaging:child", kwargs={"child_id": r["child"].pk}),
        None,
    ),
    "billing day CSV": (Capability.BILLING_READ, lambda r: reverse("billing:day"), None),
    "case review": (Capability.PLAN_EDIT, lambda r: reverse("casereview:list"), None),
    "family's case review": (
        Capability.PLAN_EDIT,
        lambda r: reverse("casereview:family", kwargs={"family_id": r["family"].pk}),
        None,
    ),
    # DULCE's weekly review: the legal partner sits in the meeting and reads it.
    "program's case review": (
        Capability.CASE_REVIEW_READ,
        lambda r: reverse("casereview:program", kwargs={"program_id": r["program"].pk}),
        None,
    ),
    "network": (Capability.NETWORK_AGGREGATES, lambda r: reverse("families:network"), None),
    "outside members of the care team": (
        Capability.PLAN_EDIT,
        lambda r: reverse("careplan:outside_members", kwargs={"plan_id": r["plan"].pk}),
        lambda r: {
            "name": "Nadia Fairweather",
            "external_role": "early_intervention",
            "email": "nadia@example.org",
            "new_organization": "Bay State Early Intervention",
        },
    ),
    "consent to share with an outside member": (
        Capability.PLAN_EDIT,
        lambda r: reverse(
            "careplan:outside_consent", kwargs={"outside_member_id": r["outside_member"].pk}
        ),
        lambda r: {"given_by": r["caregiver"].pk, "method": "verbal"},
    ),
    # The morning huddle is the whole care team's; results on it follow screening.results.
    "huddle sheet": (Capability.CHART_READ, lambda r: reverse("huddle:sheet"), None),
    "huddle sheet PDF": (Capability.CHART_READ, lambda r: reverse("huddle:pdf"), None),
    "programs": (Capability.CHART_READ, lambda r: reverse("programs:list"), None),
    "a program": (
        Capability.CHART_READ,
        lambda r: reverse("programs:detail", kwargs={"program_id": r["program"].pk}),
        None,
    ),
    # A caseload is anyone's who reads charts (empty for most); a colleague's needs programs.manage.
    "caseload": (Capability.CHART_READ, lambda r: reverse("programs:caseload"), None),
    # The chart's Programs forms are for those who work programs (programs.work); the offer
    # button (POST only) is swept by tests/test_tenancy.py and medhome/programs/tests.
    "enrol in a program": (
        Capability.PROGRAM_WORK,
        lambda r: reverse("programs:enrol", kwargs=_child_program(r)),
        lambda r: {"on": "2026-01-02", "agreement": "spoken"},
    ),
    "record a program contact": (
        Capability.PROGRAM_WORK,
        lambda r: reverse("programs:contact", kwargs=_child_program(r)),
        lambda r: {"kind": "chw_outreach", "setting": "phone", "outcome": "reached"},
    ),
    "an enrolment's steps": (
        Capability.PROGRAM_WORK,
        lambda r: reverse("programs:enrolment_action", kwargs={"enrolment_id": r["enrolment"].pk}),
        lambda r: {"action": "left", "on": "2026-01-02", "reason": "Moved away"},
    ),
    "team": (
        Capability.USERS_MANAGE,
        lambda r: reverse("staff:team"),
        lambda r: {
            "username": "new-colleague",
            "first_name": "Nia",
            "last_name": "Ng",
            "role": Role.NURSE,
        },
    ),
    "language coverage": (
        Capability.MEASURES_READ,
        lambda r: reverse("measures:language_coverage"),
        None,
    ),
    "a team member's languages": (
        Capability.USERS_MANAGE,
        lambda r: reverse("staff:member_languages", kwargs={"membership_id": r["membership"].pk}),
        lambda r: {"action": "add", "language": "vi", "proficiency": "fluent"},
    ),
    "group care": (Capability.GROUPCARE_RUN, lambda r: reverse("groupcare:list"), None),
    "a group": (
        Capability.GROUPCARE_RUN,
        lambda r: reverse("groupcare:cohort", kwargs={"cohort_id": r["cohort"].pk}),
        None,
    ),
    "a group session": (
        Capability.GROUPCARE_RUN,
        lambda r: reverse("groupcare:session", kwargs={"session_id": r["session"].pk}),
        None,
    ),
    "team member": (
        Capability.USERS_MANAGE,
        lambda r: reverse("staff:member", kwargs={"membership_id": r["membership"].pk}),
        lambda r: {"role": Role.NETWORK_ANALYST, "is_active": "on"},
    ),
}


def _child_program(rows: dict) -> dict:
    return {"child_id": rows["child"].pk, "program_id": rows["program"].pk}


def record_counts() -> tuple[int, ...]:
    models = (Family, Child, Caregiver, AuditEvent, Membership, User)
    models += (CareTeamMember, OutsideConsent, StaffLanguage, Enrolment, EnrolmentChange, Contact)
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
        **groupcare_factories.groupcare_rows(child_a, staff_a[Role.PEDIATRICIAN]),
    }


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_pages_a_role_opens_follow_the_capability_table(log_in, staff_a, practice_a, rows_a, role):
    client = log_in(staff_a[role], practice_a)
    expected = {
        page: 200 if capability in ROLE_CAPABILITIES[role] else 403
        for page, (capability, _, _) in PAGES.items()
    }

    statuses = {page: client.get(url(rows_a)).status_code for page, (_, url, _) in PAGES.items()}

    assert statuses == expected


ROLES_WITH_FORBIDDEN_POSTS = [
    role
    for role in Role
    if any(post and cap not in ROLE_CAPABILITIES[role] for cap, _, post in PAGES.values())
]


@pytest.mark.parametrize("role", ROLES_WITH_FORBIDDEN_POSTS, ids=str)
def test_a_role_cannot_post_to_pages_it_may_not_open(log_in, staff_a, practice_a, rows_a, role):
    client = log_in(staff_a[role], practice_a)
    forbidden = {
        page: (url, payload)
        for page, (capability, url, payload) in PAGES.items()
        if payload is not None and capability not in ROLE_CAPABILITIES[role]
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
