"""What each role may open, derived from the one capability table (accounts.roles)."""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.http import Http404
from django.urls import reverse

from medhome.accounts.models import User
from medhome.accounts.roles import ROLE_CAPABILITIES, Capability, Role
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
    council_factories,
    factories,
    groupcare_factories,
    improvement_factories,
    parentgroup_factories,
    program_factories,
)
from .conftest import PHI_A, PHI_B

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class AllOf:
    """A page that needs every one of these capabilities."""

    capabilities: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    """A page that opens with any one of these capabilities."""

    capabilities: tuple[str, ...]


def allowed(need: str | AllOf | AnyOf, role: str) -> bool:
    held = ROLE_CAPABILITIES[role]
    if isinstance(need, AllOf):
        return all(capability in held for capability in need.capabilities)
    if isinstance(need, AnyOf):
        return any(capability in held for capability in need.capabilities)
    return need in held


# The chart's program forms: programs.work and the chart (a parent partner works programs from a
# program's family page instead: docs/clinical-rules.md#parent-partners).
CHART_PROGRAM_WORK = AllOf((Capability.PROGRAM_WORK, Capability.CHART_READ))

# page → (capability it needs, URL, a valid POST or None when the page takes no POST)
PAGES = {
    # The families' comments (experience:comments) are not here: beyond measures.read they are
    # the practice's quality lead's only (medhome/experience/tests/test_experience.py).
    "experience quality lead": (
        Capability.USERS_MANAGE,
        lambda r: reverse("experience:quality_lead"),
        lambda r: {"user": r["membership"].user_id},
    ),
    "experience staff entry": (
        Capability.MEASURES_READ,
        lambda r: reverse("experience:staff_entry", kwargs={"child_id": r["child"].pk}),
        lambda r: {"q1": "always", "answered_on": "2026-01-05"},
    ),
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
    # A caseload is anyone's who reads charts (empty for most) or works programs (a parent
    # partner's); a colleague's needs programs.manage.
    "caseload": (
        AnyOf((Capability.CHART_READ, Capability.PROGRAM_WORK)),
        lambda r: reverse("programs:caseload"),
        None,
    ),
    # A program's family page and its contact form: programs.work, without the chart.
    "a program's family page": (
        Capability.PROGRAM_WORK,
        lambda r: reverse("programs:family_page", kwargs={"child_id": r["child"].pk}),
        None,
    ),
    "record a contact from the family page": (
        Capability.PROGRAM_WORK,
        lambda r: reverse(
            "programs:family_contact",
            kwargs={"child_id": r["child"].pk, "program_id": r["pp_program"].pk},
        ),
        lambda r: {"kind": "contact", "setting": "phone", "strengths": "Intruder"},
    ),
    # The chart's Programs forms are for those who work programs and open charts; the offer
    # button (POST only) is swept by tests/test_tenancy.py and medhome/programs/tests.
    "enrol in a program": (
        CHART_PROGRAM_WORK,
        lambda r: reverse("programs:enrol", kwargs=_child_program(r)),
        lambda r: {"on": "2026-01-02", "agreement": "spoken"},
    ),
    "record a program contact": (
        CHART_PROGRAM_WORK,
        lambda r: reverse("programs:contact", kwargs=_child_program(r)),
        lambda r: {"kind": "chw_outreach", "setting": "phone", "outcome": "reached"},
    ),
    "an enrolment's steps": (
        CHART_PROGRAM_WORK,
        lambda r: reverse("programs:enrolment_action", kwargs={"enrolment_id": r["enrolment"].pk}),
        lambda r: {"action": "left", "on": "2026-01-02", "reason": "Moved away"},
    ),
    # Parent groups are run without chart.read: the parent partner opens every one of them.
    "parent groups": (Capability.PARENT_GROUPS_RUN, lambda r: reverse("parentgroups:list"), None),
    "add a parent group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:create"),
        lambda r: _group_payload(r, "Story time"),
    ),
    "a parent group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:detail", kwargs={"group_id": r["parent_group"].pk}),
        None,
    ),
    "change a parent group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:edit", kwargs={"group_id": r["parent_group"].pk}),
        lambda r: _group_payload(r, "Renamed"),
    ),
    "sign a caregiver up for a group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:sign_up", kwargs={"group_id": r["parent_group"].pk}),
        lambda r: {"caregiver": r["free_caregiver"].pk},
    ),
    "a group meeting's attendance": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:attendance", kwargs={"meeting_id": r["meeting"].pk}),
        lambda r: {f"came-{r['caregiver'].pk}": "yes"},
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
    "improvement cycles": (Capability.MEASURES_READ, lambda r: reverse("improvement:list"), None),
    "an improvement cycle": (
        Capability.MEASURES_READ,
        lambda r: reverse("improvement:detail", kwargs={"cycle_id": r["cycle"].pk}),
        None,
    ),
    "start an improvement cycle": (
        Capability.IMPROVEMENT_EDIT,
        lambda r: reverse("improvement:new"),
        lambda r: _cycle_form(r),
    ),
    "edit an improvement cycle": (
        Capability.IMPROVEMENT_EDIT,
        lambda r: reverse("improvement:edit", kwargs={"cycle_id": r["cycle"].pk}),
        lambda r: _cycle_form(r),
    ),
    # The family council: coordinators, admins and parent partners (who read no charts).
    "family council": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:list"),
        lambda r: {"name": "Parents' voice", "started_on": "2026-01-05"},
    ),
    "a council": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:detail", kwargs={"council_id": r["council"].pk}),
        None,
    ),
    "add a council member": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:add_member", kwargs={"council_id": r["council"].pk}),
        lambda r: {
            "name": "Odalys",
            "language": "es",
            "reach_by": "text",
            "contact_detail": "+15555550111",
            "consent_given_on": "2026-01-05",
            "consent_method": "verbal",
        },
    ),
    "a council member withdraws": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse(
            "council:withdraw_member", kwargs={"council_member_id": r["council_member"].pk}
        ),
        lambda r: {"withdrawn_on": "2026-02-01"},
    ),
    "record a council meeting": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:record_meeting", kwargs={"council_id": r["council"].pk}),
        lambda r: {"held_on": "2026-02-01", "format": "video", "place": "Video", "agenda": "Hours"},
    ),
    "record a recommendation": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:add_recommendation", kwargs={"council_id": r["council"].pk}),
        lambda r: {"raised_on": "2026-02-01", "asked_en": "Evening hours"},
    ),
    "a recommendation": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse(
            "council:recommendation", kwargs={"recommendation_id": r["recommendation"].pk}
        ),
        lambda r: {"asked_en": "Changed"},
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


def _group_payload(rows: dict, name: str) -> dict:
    return {
        "kind": "reading_group",
        "name": name,
        "languages": ["en"],
        "leader": rows["parent_group"].leader_id,
        "capacity": 5,
        "is_active": "on",
    }


def _cycle_form(rows: dict) -> dict:
    return {
        "title": "Changed",
        "aim_what": "More visits",
        "aim_how_much": "10 points",
        "aim_by": "2027-01-02",
        "measure_key": "w30_1",
        "owner": str(rows["membership"].user_id),
    }


def _child_program(rows: dict) -> dict:
    return {"child_id": rows["child"].pk, "program_id": rows["program"].pk}


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
