"""The access matrix, built over the URL resolver (security.md catalogue 1 and 2).

Every URL pattern of medhome.urls is visited. A pattern whose parameter this module cannot fill,
or a new public page, fails the matrix until it is given an entry here.
"""

import re
import uuid
from urllib.parse import quote, unquote

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.breakglass.models import BreakGlassGrant
from medhome.careplan.models import CarePlan, CareTeamMember, Goal, PlanAction
from medhome.council.models import Council, Member, Recommendation
from medhome.directory.models import OpenReferralToken
from medhome.ehr.models import ImportRun
from medhome.events.models import CareEvent, InboundMessage
from medhome.exchange.models import PartnerEndpoint
from medhome.families.models import AvailabilityWindow, Caregiver, Child, Family
from medhome.groupcare.models import Attendance, Cohort, CohortMember, Session
from medhome.improvement.models import Cycle
from medhome.messaging.models import Message
from medhome.nextsteps.models import NextStep
from medhome.notes.models import TeamNote
from medhome.parentgroups.models import Meeting, MeetingAttendance, ParentGroup, SignUp
from medhome.portal.models import FamilyLink
from medhome.practices.models import Membership
from medhome.programs.models import Contact, Enrolment, Program
from medhome.referrals.models import Referral
from medhome.screening.models import Administration, CriticalAlert
from medhome.tasks.models import Task
from medhome.visits.models import Visit

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
from .passkey_support import passkey_for
from .url_matrix import (
    CLINICIAN_GET,
    CSRF_TOKEN,
    GET_ONLY,
    OWN_ACCOUNT_ROWS,
    OWN_PRACTICE_FIGURES,
    PARTNER_PAGES,
    POST_ONLY,
    PUBLIC,
    PUBLIC_PER_PRACTICE,
    REDIRECTS,
    ROLE_FOR,
    ROUTES,
    ROUTES_WITH_IDS,
    SHARED_REFERENCE,
    payload_for,
    url_for,
)


def practice_row_counts(practice) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(practice=practice).count()
        for model in (
            Family,
            Child,
            Caregiver,
            AvailabilityWindow,
            AuditEvent,
            Membership,
            Administration,
            CriticalAlert,
            FamilyLink,
            Referral,
            Task,
            Visit,
            TeamNote,
            ParentGroup,
            Meeting,
            SignUp,
            MeetingAttendance,
            Cycle,
        )
    }


def page_without(response, url: str) -> str:
    """The page with what differs between two requests removed: CSRF token, own URL."""
    return CSRF_TOKEN.sub("", response.content.decode()).replace(url, "<url>")


def assert_no_phi(response, phi: list[str]) -> None:
    body = response.content.decode()
    leaked = [value for value in phi if value in body]
    assert leaked == []


@pytest.fixture
def rows_b(family_b, child_b, caregiver_b, clinician_b) -> dict:
    membership = Membership.objects.get(user=clinician_b)
    rows = {
        "family": family_b,
        "child": child_b,
        "caregiver": caregiver_b,
        "membership": membership,
        **factories.screening_with_alert(child_b, caregiver_b, clinician_b),
        "referral": factories.sent_referral(
            child_b, caregiver_b, clinician_b, factories.organization("Riverbend Pantry")
        ),
    }
    rows["task"] = factories.follow_up_task(rows["referral"])
    rows["event"] = factories.care_event(rows["child"], rows["membership"].user)
    rows.update(care_factories.care_plan(rows["child"], rows["caregiver"], rows["membership"].user))
    rows["visit"] = factories.schedule_visit(rows["child"], at="2099-11-23 09:20:00-05:00")
    rows["panel_run"] = factories.panel_run(rows["child"].practice)
    rows["ehr_message"] = factories.waiting_ehr_message(rows["child"].practice)
    rows["reminder"] = factories.call_reminder(rows["child"], rows["caregiver"], rows["visit"])
    rows["note"] = care_factories.team_note(rows["child"], rows["membership"].user)
    rows["grant"] = care_factories.break_glass_grant(rows["child"], rows["membership"].user)
    rows.update(program_factories.program_rows(rows["child"], rows["membership"].user))
    rows.update(parentgroup_factories.parent_group_rows(rows["caregiver"], rows["membership"].user))
    rows.update(improvement_factories.cycle_rows(rows["child"].practice, rows["membership"].user))
    rows.update(council_factories.council_rows(rows["child"].practice, rows["membership"].user))
    rows.update(groupcare_factories.groupcare_rows(rows["child"], rows["membership"].user))
    rows.update(connection_factories.connection_rows(rows["referral"]))
    rows["passkey"] = passkey_for(clinician_b)
    return rows


@pytest.fixture
def rows_a(family_a, child_a, caregiver_a, staff_a) -> dict:
    membership = Membership.objects.get(user=staff_a[Role.NURSE])
    rows = {
        "family": family_a,
        "child": child_a,
        "caregiver": caregiver_a,
        "membership": membership,
        **factories.screening_with_alert(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN]),
        "referral": factories.sent_referral(
            child_a,
            caregiver_a,
            staff_a[Role.PEDIATRICIAN],
            factories.organization("Harbor Pantry"),
        ),
    }
    rows["task"] = factories.follow_up_task(rows["referral"])
    rows["event"] = factories.care_event(rows["child"], rows["membership"].user)
    rows.update(care_factories.care_plan(rows["child"], rows["caregiver"], rows["membership"].user))
    rows["visit"] = factories.schedule_visit(rows["child"], at="2099-11-23 09:20:00-05:00")
    rows["panel_run"] = factories.panel_run(rows["child"].practice)
    rows["ehr_message"] = factories.waiting_ehr_message(rows["child"].practice)
    rows["reminder"] = factories.call_reminder(rows["child"], rows["caregiver"], rows["visit"])
    rows["note"] = care_factories.team_note(rows["child"], rows["membership"].user)
    rows["grant"] = care_factories.break_glass_grant(rows["child"], rows["membership"].user)
    rows.update(program_factories.program_rows(rows["child"], rows["membership"].user))
    rows.update(parentgroup_factories.parent_group_rows(rows["caregiver"], rows["membership"].user))
    rows.update(improvement_factories.cycle_rows(rows["child"].practice, rows["membership"].user))
    rows.update(council_factories.council_rows(rows["child"].practice, rows["membership"].user))
    rows.update(groupcare_factories.groupcare_rows(rows["child"], rows["membership"].user))
    rows.update(connection_factories.connection_rows(rows["referral"]))
    rows["passkey"] = passkey_for(staff_a[Role.PEDIATRICIAN])  # the clinician the sweeps log in
    return rows


def test_the_matrix_sees_the_pages_it_should():
    names = {name for name, _ in ROUTES}
    assert {
        "families:search",
        "families:chart",
        "families:edit_child",
        "families:register",
        "families:add_child",
        "families:add_caregiver",
        "families:edit_preferences",
        "families:network",
        "practices:choose",
        "account_login",
        "staff:team",
        "staff:member",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), ROUTES_WITH_IDS, ids=[n for n, _ in ROUTES_WITH_IDS])
def test_other_practice_ids_answer_404_without_phi(
    log_in, staff_a, practice_a, rows_a, rows_b, practice_b, name, params
):
    client = log_in(staff_a[ROLE_FOR.get(name, Role.PEDIATRICIAN)], practice_a)
    url = url_for(name, params, rows_b)
    before = practice_row_counts(practice_b)
    version = rows_b["child"].version, rows_b["caregiver"].version
    password_b = rows_b["membership"].user.password
    own = client.get(url_for(name, params, rows_a))

    got = client.get(url)
    posted = client.post(url, payload_for(name, rows_b))

    if name in PUBLIC:  # no practice's row behind it: the same page for everyone
        assert (got.status_code, posted.status_code) == (own.status_code, PUBLIC[name][1])
    elif name in SHARED_REFERENCE:
        assert (own.status_code, got.status_code, posted.status_code) == (200, 200, 200)
    elif name in OWN_ACCOUNT_ROWS:  # reauthentication first, for one's own and another's alike
        assert (own.status_code, got.status_code, posted.status_code) == (302, 302, 302)
        assert got["Location"].startswith("/accounts/reauthenticate/")
        assert type(rows_b["passkey"]).objects.filter(pk=rows_b["passkey"].pk).exists()
    elif name in OWN_PRACTICE_FIGURES:
        assert (own.status_code, got.status_code, posted.status_code) == (200, 200, 405)
    elif name in PARTNER_PAGES:
        assert (own.status_code, got.status_code, posted.status_code) in (
            (403, 403, 403),
            (405, 405, 403),
        )
    elif name in POST_ONLY:
        assert (own.status_code, got.status_code, posted.status_code) == (405, 405, 404)
    else:
        opened = 302 if name in REDIRECTS else 200
        assert own.status_code == opened, f"{name}: give ROLE_FOR a role of A that opens it"
        assert got.status_code == 404
        assert posted.status_code == (405 if name in GET_ONLY else 404)
    assert_no_phi(got, PHI_B)
    assert_no_phi(posted, PHI_B)
    assert practice_row_counts(practice_b) == before
    rows_b["child"].refresh_from_db()
    rows_b["caregiver"].refresh_from_db()
    assert (rows_b["child"].version, rows_b["caregiver"].version) == version
    membership_b = Membership.objects.select_related("user").get(pk=rows_b["membership"].pk)
    assert (membership_b.role, membership_b.user.password) == (Role.PEDIATRICIAN, password_b)


PRACTICE_ROWS = [
    (n, p)
    for n, p in ROUTES_WITH_IDS
    if n not in SHARED_REFERENCE and n not in OWN_PRACTICE_FIGURES and n not in PUBLIC_PER_PRACTICE
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), PRACTICE_ROWS, ids=[n for n, _ in PRACTICE_ROWS])
def test_another_practices_row_and_a_missing_row_look_the_same(
    log_in, staff_a, practice_a, rows_b, name, params
):
    client = log_in(staff_a[ROLE_FOR.get(name, Role.PEDIATRICIAN)], practice_a)
    missing = {
        "family": Family(pk=uuid.uuid4()),
        "child": Child(pk=uuid.uuid4()),
        "caregiver": Caregiver(pk=uuid.uuid4()),
        "membership": Membership(pk=uuid.uuid4(), user_id=2**31 - 1),
        "administration": Administration(pk=uuid.uuid4()),
        "alert": CriticalAlert(pk=uuid.uuid4()),
        "link": FamilyLink(pk=uuid.uuid4()),
        "referral": Referral(pk=uuid.uuid4()),
        "task": Task(pk=uuid.uuid4()),
        "event": CareEvent(pk=uuid.uuid4()),
        "plan": CarePlan(pk=uuid.uuid4()),
        "member": CareTeamMember(pk=uuid.uuid4()),
        "outside_member": CareTeamMember(pk=uuid.uuid4()),
        "goal": Goal(pk=uuid.uuid4()),
        "action": PlanAction(pk=uuid.uuid4()),
        "visit": Visit(pk=uuid.uuid4()),
        "panel_run": ImportRun(pk=uuid.uuid4()),
        "ehr_message": InboundMessage(pk=uuid.uuid4()),
        "reminder": Message(pk=uuid.uuid4()),
        "step": NextStep(pk=uuid.uuid4()),
        "note": TeamNote(pk=uuid.uuid4()),
        "grant": BreakGlassGrant(pk=uuid.uuid4()),
        "program": Program(pk=uuid.uuid4()),
        "enrolment": Enrolment(pk=uuid.uuid4()),
        "contact": Contact(pk=uuid.uuid4()),
        "parent_group": ParentGroup(pk=uuid.uuid4()),
        "meeting": Meeting(pk=uuid.uuid4()),
        "signup": SignUp(pk=uuid.uuid4()),
        "cycle": Cycle(pk=uuid.uuid4()),
        "council": Council(pk=uuid.uuid4()),
        "council_member": Member(pk=uuid.uuid4()),
        "recommendation": Recommendation(pk=uuid.uuid4()),
        "cohort": Cohort(pk=uuid.uuid4()),
        "cohort_member": CohortMember(pk=uuid.uuid4()),
        "session": Session(pk=uuid.uuid4()),
        "attendance": Attendance(pk=uuid.uuid4()),
        "or_token": OpenReferralToken(pk=uuid.uuid4()),
        "endpoint": PartnerEndpoint(pk=uuid.uuid4()),
        "passkey": Authenticator(pk=2**31 - 1),
    }
    other_url, missing_url = url_for(name, params, rows_b), url_for(name, params, missing)
    send = client.post if name in POST_ONLY else client.get
    other_practice, nonexistent = send(other_url), send(missing_url)

    expected = (
        PUBLIC[name][0]
        if name in PUBLIC
        else 403
        if name in PARTNER_PAGES
        else 302  # to reauthentication, before any lookup
        if name in OWN_ACCOUNT_ROWS
        else 404
    )
    assert (other_practice.status_code, nonexistent.status_code) == (expected, expected)
    assert page_without(other_practice, other_url) == page_without(nonexistent, missing_url)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[n for n, _ in ROUTES])
def test_anonymous_is_sent_to_login_except_on_public_pages(client, rows_a, name, params):
    url = url_for(name, params, rows_a)

    got, posted = client.get(url), client.post(url)

    if name in PUBLIC:
        get_status, post_status, target = PUBLIC[name]
        assert (got.status_code, posted.status_code) == (get_status, post_status)
        for response in (got, posted):
            if response.status_code == 302:
                assert response["Location"] == target
    else:
        login = f"/accounts/login/?next={url}"
        # allauth's views quote the slashes of `next`, ours do not: compare unquoted.
        assert (got.status_code, unquote(got["Location"])) == (302, login)
        assert (posted.status_code, unquote(posted["Location"])) == (302, login)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[n for n, _ in ROUTES])
def test_anonymous_responses_carry_no_phi(client, rows_a, name, params):
    url = url_for(name, params, rows_a)

    assert_no_phi(client.get(url), PHI_A)
    assert_no_phi(client.post(url), PHI_A)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[n for n, _ in ROUTES])
def test_same_practice_clinician_opens_every_page(client_a, rows_a, name, params):
    url = url_for(name, params, rows_a)

    response = client_a.get(url)

    status, target = CLINICIAN_GET.get(name, (200, None))
    assert response.status_code == status
    if target is not None:
        assert response["Location"] == target


@pytest.mark.django_db
def test_other_practice_clinician_sees_own_rows_and_not_a(log_in, clinician_b, practice_b, rows_a):
    client_b = log_in(clinician_b, practice_b)

    response = client_b.get(reverse("families:chart", kwargs={"child_id": rows_a["child"].pk}))

    assert response.status_code == 404
    assert_no_phi(response, PHI_A)


@pytest.mark.django_db
def test_user_without_a_practice_is_sent_to_choose_one(log_in, outsider, rows_b):
    client = log_in(outsider)

    url = reverse("families:chart", kwargs={"child_id": rows_b["child"].pk})

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/practice/?next={quote(url, safe='')}",
    )


@pytest.mark.django_db
def test_user_without_a_practice_sees_no_practice_to_choose(log_in, outsider, practice_a):
    client: Client = log_in(outsider)

    response = client.get(reverse("practices:choose"))

    assert response.status_code == 200
    assert response.context["memberships"] == []
    assert practice_a.name not in response.content.decode()


SET_PASSWORD_LINK = re.compile(r"https?://[^/\s]+(/accounts/set-password/[^\s<\"]+)")


@pytest.mark.django_db
def test_an_admin_of_a_cannot_take_over_a_colleague_account_of_b(
    log_in, staff_a, practice_a, practice_b, child_b
):
    admin_b = factories.make_staff(
        "b-admin", practice_b, Role.PRACTICE_ADMIN, first_name="Beatrix", last_name="Adler"
    )
    colleague = {"username": "new-nurse", "first_name": "Nell", "last_name": "Newcomb"}
    added_in_b = log_in(admin_b, practice_b).post(
        reverse("staff:team"), {**colleague, "role": Role.NURSE}
    )
    assert added_in_b.status_code == 200  # B's admin holds the one-time link; not used yet
    admin_a = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    # A's admin adds the same username to A and looks for a set-password link for it.
    admin_a.post(reverse("staff:team"), {**colleague, "role": Role.NURSE})
    links = []
    for membership in Membership.objects.filter(user__username="new-nurse", practice=practice_a):
        page = admin_a.get(reverse("staff:member", kwargs={"membership_id": membership.pk}))
        links += SET_PASSWORD_LINK.findall(page.content.decode())
    attacker = Client()
    for link in links:
        form_page = attacker.get(link, follow=True)
        attacker.post(
            form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
            {"new_password1": "chosen-by-admin-a-2026", "new_password2": "chosen-by-admin-a-2026"},
        )
    login = attacker.post(
        reverse("account_login"), {"login": "new-nurse", "password": "chosen-by-admin-a-2026"}
    )
    attacker.post(reverse("practices:choose"), {"practice": str(practice_b.pk)})
    chart_b = attacker.get(reverse("families:chart", kwargs={"child_id": child_b.pk}))

    assert "Zephyrine" not in chart_b.content.decode()
    assert (login.status_code, chart_b.status_code) == (200, 302)  # no password was set
    assert links == []  # A's admin gets no one-time link for an account B also uses
