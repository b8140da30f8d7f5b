"""The access matrix, built over the URL resolver (security.md catalogue 1 and 2).

Every URL pattern of medhome.urls is visited. A pattern whose parameter this module cannot fill,
or a new public page, fails the matrix until it is given an entry here.
"""

import re
import uuid
from collections.abc import Iterator
from urllib.parse import quote, unquote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan.models import CarePlan, CareTeamMember, Goal, PlanAction
from medhome.ehr.models import ImportRun
from medhome.events.models import CareEvent
from medhome.families.models import AvailabilityWindow, Caregiver, Child, Family
from medhome.portal.models import FamilyLink
from medhome.practices.models import Membership
from medhome.referrals.models import Referral
from medhome.screening.models import Administration, CriticalAlert
from medhome.tasks.models import Task

from . import factories
from .conftest import PHI_A, PHI_B


def walk(patterns, namespace: str = "", params: tuple[str, ...] = ()) -> Iterator[tuple]:
    """(qualified name, parameter names) of every URL pattern, resolvers included."""
    for pattern in patterns:
        own = tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner.strip(":"), params + own)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield (name if pattern.name else f"<unnamed {pattern.pattern}>", params + own)


ROUTES = sorted(set(walk(get_resolver().url_patterns)))
ROUTES_WITH_IDS = [(name, params) for name, params in ROUTES if params]

# The row of a practice each kind of URL parameter is filled with.
FILL = {
    "child_id": lambda rows: rows["child"].pk,
    "family_id": lambda rows: rows["family"].pk,
    "caregiver_id": lambda rows: rows["caregiver"].pk,
    "membership_id": lambda rows: rows["membership"].pk,
    "uidb64": lambda rows: urlsafe_base64_encode(force_bytes(rows["membership"].user_id)),
    "token": lambda rows: "cqm9sq-0123456789abcdef0123456789abcdef",  # well-formed, not valid
    "uidb36": lambda rows: "1z",  # allauth's password-reset link: well-formed, not valid
    "key": lambda rows: "set-1z-0123456789abcdef",
    "administration_id": lambda rows: rows["administration"].pk,
    "alert_id": lambda rows: rows["alert"].pk,
    "link_id": lambda rows: rows["link"].pk,
    "referral_id": lambda rows: rows["referral"].pk,
    "task_id": lambda rows: rows["task"].pk,
    "event_id": lambda rows: rows["event"].pk,
    "plan_id": lambda rows: rows["plan"].pk,
    "member_id": lambda rows: rows["member"].pk,
    "goal_id": lambda rows: rows["goal"].pk,
    "action_id": lambda rows: rows["action"].pk,
    "organization_id": lambda rows: rows["referral"].organization_id,
    "instrument_key": lambda rows: "phq9",
    "measure_key": lambda rows: "dev",
    "run_id": lambda rows: rows["panel_run"].pk,
}

# Who of practice A opens a page with ids (default: the pediatrician).
ROLE_FOR = {
    "staff:member": Role.PRACTICE_ADMIN,
    "referrals:curate": Role.CARE_COORDINATOR,
    "ehr:panel_run": Role.FRONT_DESK,
    "families:panel_membership": Role.CARE_COORDINATOR,
}
# Directory organizations are public reference data shared by every practice: another
# practice's partner opens (its page shows only the viewer's own notes) and posting changes only
# the viewer's own practice's notes.
SHARED_REFERENCE = {"referrals:curate"}
# Pages named by a measure, not a row: every practice opens the same URL and sees only its own
# figures and children (tests/test_measures_pages.py checks the figures are the viewer's own).
OWN_PRACTICE_FIGURES = {"measures:detail", "measures:children"}

# Pages anonymous users may reach: (GET status, POST status, where a redirect goes).
PUBLIC = {
    "home": (302, 405, "/accounts/login/"),
    "healthz": (200, 405, None),
    "account_login": (200, 200, None),
    "account_logout": (302, 302, "/accounts/login/"),
    "accounts:set_password": (200, 200, None),  # a new colleague's one-time link
    "set_language": (302, 302, "/"),
    # django-allauth's pages for people who are not logged in: none shows a record.
    "account_signup": (200, 200, None),  # "sign-up is closed": colleagues are added by an admin
    "account_reset_password": (200, 200, None),
    "account_reset_password_done": (200, 405, None),
    "account_reset_password_from_key": (200, 200, None),  # an invalid link says so
    "account_reset_password_from_key_done": (200, 405, None),
    "account_confirm_email": (200, 404, None),
    "account_email_verification_sent": (200, 405, None),
    "account_inactive": (200, 405, None),
    # Steps of a login in progress: without one they go back to the login page.
    "account_confirm_login_code": (302, 302, "/accounts/login/"),
    "mfa_authenticate": (302, 302, "/accounts/login/"),
    # The family's one-time link pages: the token is the key, no login; a wrong one says so.
    "portal:screening_start": (404, 405, None),
    "portal:screening_form": (404, 404, None),
    "portal:screening_done": (404, 405, None),
    "portal:referral_status": (404, 405, None),
    # Hospitals' feed: a bearer token per practice, no session (401 without one).
    "events:feed": (405, 401, None),
    "portal:plan": (404, 404, None),
    "portal:plan_goal": (404, 404, None),
    "portal:plan_print": (404, 405, None),
}

# What the same-practice clinician gets on GET where it is not 200: (status, redirect target).
CLINICIAN_GET = {
    "home": (302, "/practice/"),
    "account_login": (302, "/practice/"),
    "account_logout": (200, None),  # asks to confirm; logging out is a POST
    "account_signup": (302, "/practice/"),
    "account_confirm_login_code": (302, "/practice/"),
    "mfa_authenticate": (302, "/practice/"),
    "account_set_password": (302, "/accounts/password/change/"),  # a password exists
    # Changing the second factor needs a fresh password (the test logs in without one).
    "mfa_activate_totp": (
        302,
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
    ),
    "mfa_generate_recovery_codes": (
        302,
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Frecovery-codes%2Fgenerate%2F",
    ),
    "mfa_reauthenticate": (302, "/accounts/reauthenticate/"),
    # allauth 65.22's reauthentication by e-mailed code: off here (staff confirm with their
    # password), so asking for a code goes to the password page, and confirming one with none
    # pending goes back to asking.
    "account_request_reauthentication_code": (302, "/accounts/reauthenticate/"),
    "account_confirm_reauthentication_code": (302, "/accounts/reauthenticate/code/"),
    # No authenticator app is set up yet: nothing to remove or to show.
    "mfa_deactivate_totp": (404, None),
    "mfa_view_recovery_codes": (404, None),
    "mfa_download_recovery_codes": (404, None),
    "practices:choose": (302, "/children/"),  # a single membership: nothing to choose
    "families:network": (403, None),  # aggregates are the network analyst's
    "families:panel_membership": (403, None),  # front desk, coordinator and admin keep the panel
    "measures:network": (200, None),  # the practice's leaders compare, suppressed
    "staff:team": (403, None),  # the practice admin's
    "staff:member": (403, None),
    "staff:calendar": (403, None),  # the practice admin's
    "screening:alert_settings": (403, None),  # the practice admin's
    "set_language": (302, "/"),
    "screening:start": (405, None),  # a button posts to it
    "visit_rows:guidance": (405, None),  # forms on the chart post to them
    "visit_rows:elsewhere": (405, None),
    "visit_rows:immunization": (405, None),
    "portal:revoke": (405, None),
    "referrals:change": (405, None),
    "referrals:handoff": (405, None),
    "referrals:revoke": (405, None),
    "referrals:message": (405, None),
    "referrals:partner_inbox": (403, None),  # a community organization's page
    "referrals:partner_detail": (403, None),
    "referrals:partner_change": (403, None),
    "tasks:complete": (405, None),
    "referrals:status_link": (405, None),
    "events:resolve": (405, None),
    "events:feed": (405, None),
    "careplan:add_action": (405, None),
    "careplan:add_goal": (405, None),
    "careplan:add_member": (405, None),
    "careplan:add_note": (405, None),
    "careplan:create_link": (405, None),
    "careplan:edit_plan": (405, None),
    "portal:plan": (404, None),
    "portal:plan_goal": (404, None),
    "portal:plan_print": (404, None),
    "portal:referral_status": (404, None),
    "referrals:curate": (403, None),  # the care coordinator's and the practice admin's
    "referrals:settings": (403, None),
    "referrals:partner_message": (403, None),
    # The panel spreadsheet is the front desk's and the practice admin's.
    "ehr:panel_upload": (403, None),
    "ehr:panel_template": (403, None),
    "ehr:panel_run": (403, None),
    # A token that was never issued: the friendly "this link does not work" page.
    "portal:screening_start": (404, None),
    "portal:screening_form": (404, None),
    "portal:screening_done": (404, None),
}

# Pages that take no POST; every other page with ids answers POST too.
GET_ONLY = {
    "measures:dashboard",
    "measures:export",
    "measures:network",
    "measures:detail",
    "measures:children",
    "timeline:child",
    "careplan:plan",
    "careplan:print",
    "events:child",
    "events:detail",
    "events:unmatched",
    "home",
    "healthz",
    "families:chart",
    "families:network",
    "screening:today",
    "screening:due_list",
    "screening:alerts",
    "screening:child",
    "screening:result",
    "portal:screening_start",
    "portal:screening_done",
    "portal:family_links",
    "referrals:detail",
    "referrals:summary",
    "referrals:list",
    "referrals:figures",
    "referrals:partner_inbox",
    "referrals:partner_detail",
    "referrals:directory",
    "tasks:list",
    "ehr:panel_template",
    "ehr:panel_run",
}
# Pages that take no GET (an action button posts to them).
POST_ONLY = {
    "families:panel_membership",
    "screening:start",
    "portal:revoke",
    "referrals:change",
    "referrals:handoff",
    "referrals:revoke",
    "referrals:message",
    "referrals:partner_change",
    "referrals:partner_message",
    "tasks:complete",
    "referrals:status_link",
    "events:resolve",
    "careplan:add_action",
    "careplan:add_goal",
    "careplan:add_member",
    "careplan:add_note",
    "careplan:create_link",
    "careplan:edit_plan",
    "visit_rows:guidance",
    "visit_rows:elsewhere",
    "visit_rows:immunization",
}
# A community organization's pages: practice staff are refused (403) before any row is read;
# tests/test_partner_isolation.py sweeps them with organizations' own users.
PARTNER_PAGES = {
    "referrals:partner_inbox",
    "referrals:partner_detail",
    "referrals:partner_change",
    "referrals:partner_message",
}

CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def url_for(name: str, params: tuple[str, ...], rows: dict) -> str:
    if name.startswith("<unnamed"):
        pytest.fail(f"URL pattern {name} has no name: name it and give it an access-matrix entry")
    unknown = [param for param in params if param not in FILL]
    if unknown:
        pytest.fail(f"{name}: the access matrix does not know how to fill {unknown}; add to FILL")
    return reverse(name, kwargs={param: FILL[param](rows) for param in params})


def payload_for(name: str, rows: dict) -> dict:
    """A POST that would be valid for the page, so only the access check can stop it."""
    if name == "families:edit_child":
        return factories.child_form_data_of(rows["child"], preferred_name="Changed")
    if name == "families:add_child":
        return factories.child_form_data(mrn="NEW-1")
    if name == "families:add_caregiver":
        return factories.caregiver_form_data(given_name="Intruder")
    if name == "families:edit_preferences":
        return factories.preferences_form_data(rows["caregiver"], strengths="Changed")
    if name == "staff:member":
        return {"role": Role.NETWORK_ANALYST}  # no is_active: would remove the access
    if name == "families:panel_membership":
        return {"action": "end", "ends_on": "2026-01-02", "end_reason": "moved"}
    if name == "screening:start":
        return {"instrument": "phq9:caregiver", "mode": "tablet", "override_reason": "Asked"}
    if name == "screening:administer":
        return {"item-1": "LA6571-9", "action": "submit"}
    if name == "visit_rows:guidance":
        return {"topic": ["safety"]}
    if name == "visit_rows:elsewhere":
        return {"row": "oral_health", "place": "wic", "done_on": "2025-01-02"}
    if name == "visit_rows:immunization":
        return {"outcome": "declined"}
    if name == "screening:acknowledge":
        return {"action_taken": "Called the family, safety plan made."}
    if name == "accounts:set_password":
        return {
            "new_password1": "an-attacker-passphrase",
            "new_password2": "an-attacker-passphrase",
        }
    return {}


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
    rows.update(factories.care_plan(rows["child"], rows["caregiver"], rows["membership"].user))
    rows["panel_run"] = factories.panel_run(rows["child"].practice)
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
    rows.update(factories.care_plan(rows["child"], rows["caregiver"], rows["membership"].user))
    rows["panel_run"] = factories.panel_run(rows["child"].practice)
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
        assert own.status_code == 200, f"{name}: give ROLE_FOR a role of A that opens it"
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
    if n not in SHARED_REFERENCE and n not in OWN_PRACTICE_FIGURES
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
        "goal": Goal(pk=uuid.uuid4()),
        "action": PlanAction(pk=uuid.uuid4()),
        "panel_run": ImportRun(pk=uuid.uuid4()),
    }
    other_url, missing_url = url_for(name, params, rows_b), url_for(name, params, missing)
    send = client.post if name in POST_ONLY else client.get
    other_practice, nonexistent = send(other_url), send(missing_url)

    expected = PUBLIC[name][0] if name in PUBLIC else 403 if name in PARTNER_PAGES else 404
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
