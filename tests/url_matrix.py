"""The URL matrix the access sweeps walk: every URL pattern of medhome.urls, how to fill its
parameters with a practice's rows, and which pages are public, GET-only or POST-only. A new
pattern whose parameter cannot be filled fails the sweeps until it is given an entry here."""

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from medhome.accounts.roles import Role

from .url_payloads import payload_for  # noqa: F401 - the sweeps import it from here


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


# The machine interfaces answer bearer tokens, not sessions: the FHIR API, the SMART/OAuth
# endpoints, the Gravity exchange's notification hook and the Open Referral API have their own
# sweeps over every interaction (medhome/fhir/tests, medhome/smart/tests, medhome/exchange/tests,
# medhome/directory/tests/test_openreferral*.py), so the page sweeps leave them out. So is the
# readiness check for monitoring (`readyz`, JSON, no session): its answer depends on the worker
# and the queue, and medhome/ops/tests/test_readyz.py covers it, GET only and anonymous.
MACHINE_APIS = ("fhir:", "smart:", "exchange:", "openreferral:", "readyz")
ROUTES = sorted(
    route
    for route in set(walk(get_resolver().url_patterns))
    if not route[0].startswith(MACHINE_APIS)
)
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
    "outside_member_id": lambda rows: rows["outside_member"].pk,
    "goal_id": lambda rows: rows["goal"].pk,
    "action_id": lambda rows: rows["action"].pk,
    "organization_id": lambda rows: rows["referral"].organization_id,
    "instrument_key": lambda rows: "phq9",
    "measure_key": lambda rows: "dev",
    "visit_id": lambda rows: rows["visit"].pk,
    "run_id": lambda rows: rows["panel_run"].pk,
    "message_id": lambda rows: rows["ehr_message"].pk,
    "reminder_id": lambda rows: rows["reminder"].pk,
    "step_id": lambda rows: rows["step"].pk,
    "note_id": lambda rows: rows["note"].pk,
    "grant_id": lambda rows: rows["grant"].pk,  # a break-glass grant
    "program_id": lambda rows: rows["program"].pk,
    "enrolment_id": lambda rows: rows["enrolment"].pk,
    "contact_id": lambda rows: rows["contact"].pk,
    "group_id": lambda rows: rows["parent_group"].pk,
    "meeting_id": lambda rows: rows["meeting"].pk,
    "signup_id": lambda rows: rows["signup"].pk,
    "cycle_id": lambda rows: rows["cycle"].pk,
    "council_id": lambda rows: rows["council"].pk,
    "council_member_id": lambda rows: rows["council_member"].pk,
    "recommendation_id": lambda rows: rows["recommendation"].pk,
    "practice_id": lambda rows: rows["child"].practice_id,
    "cohort_id": lambda rows: rows["cohort"].pk,
    "cohort_member_id": lambda rows: rows["cohort_member"].pk,
    "session_id": lambda rows: rows["session"].pk,
    "attendance_id": lambda rows: rows["attendance"].pk,
    "token_id": lambda rows: rows["or_token"].pk,  # an Open Referral partner token
    "endpoint_id": lambda rows: rows["endpoint"].pk,  # a partner's FHIR endpoint
    "reference_key": lambda rows: "cdc_bmi_for_age",  # a growth reference's curves
    "sex": lambda rows: "female",
    "pk": lambda rows: rows["passkey"].pk,  # allauth's: a passkey (its owner's alone)
}

# Who of practice A opens a page with ids (default: the pediatrician).
ROLE_FOR = {
    "staff:member": Role.PRACTICE_ADMIN,
    "staff:member_languages": Role.PRACTICE_ADMIN,
    "referrals:curate": Role.CARE_COORDINATOR,
    "ehr:panel_run": Role.FRONT_DESK,
    "families:panel_membership": Role.CARE_COORDINATOR,
    "ehr:merge": Role.CARE_COORDINATOR,
    "programs:running": Role.PRACTICE_ADMIN,
    # The family council's pages: council.manage (coordinators, admins, parent partners).
    "council:detail": Role.CARE_COORDINATOR,
    "council:add_member": Role.CARE_COORDINATOR,
    "council:withdraw_member": Role.CARE_COORDINATOR,
    "council:record_meeting": Role.CARE_COORDINATOR,
    "council:add_recommendation": Role.CARE_COORDINATOR,
    "council:recommendation": Role.CARE_COORDINATOR,
    "council:recommendation_status": Role.CARE_COORDINATOR,
    # The practice's connections: the Open Referral API is directory.curate's, the partners'
    # FHIR endpoints users.manage's (medhome/exchange/endpoints.py).
    "connections:openreferral_revoke": Role.PRACTICE_ADMIN,
    "connections:endpoint": Role.PRACTICE_ADMIN,
    "connections:endpoint_active": Role.PRACTICE_ADMIN,
    # Break-glass: asked for by a role beyond whose rights it reaches, reviewed by the admin.
    "breakglass:request": Role.FRONT_DESK,
    "breakglass:end": Role.FRONT_DESK,
    "breakglass:review": Role.PRACTICE_ADMIN,
}
# Directory organizations are public reference data shared by every practice: another
# practice's partner opens (its page shows only the viewer's own notes) and posting changes only
# the viewer's own practice's notes.
SHARED_REFERENCE = {"referrals:curate"}
# Pages named by a measure, not a row: every practice opens the same URL and sees only its own
# figures and children (tests/test_measures_pages.py checks the figures are the viewer's own).
OWN_PRACTICE_FIGURES = {"measures:detail", "measures:children"}

# Rows of the logged-in person's own account, not of a practice: allauth's pages for a passkey ask
# to reauthenticate first, with the same redirect whoever's id is in the URL, and then find only
# the person's own (another's is a 404: tests/test_passkeys.py).
OWN_ACCOUNT_ROWS = {"mfa_edit_webauthn", "mfa_remove_webauthn"}

# Pages that open their own practice's row with a redirect to another page (which does the
# audited read): a task's link to a team note opens the child's chart at the notes.
REDIRECTS = {"notes:open"}

# Public pages named by a practice: every practice's page is open to anyone (it holds no personal
# data), so another practice's opens like one's own, and an unknown practice is a 404
# (medhome/council/tests/test_public.py).
PUBLIC_PER_PRACTICE = {"council:you_said_we_did"}

# Pages anonymous users may reach: (GET status, POST status, where a redirect goes).
PUBLIC = {
    "home": (302, 405, "/accounts/login/"),
    "healthz": (200, 405, None),
    "account_login": (200, 200, None),
    "account_logout": (302, 302, "/accounts/login/"),
    "accounts:logout": (302, 302, "/accounts/login/"),  # the same URL, answered by medhome
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
    "portal:screening_agenda": (404, 404, None),  # the family's words for the visit (POST)
    "portal:referral_status": (404, 404, None),  # the family answers on the page (POST)
    # Hospitals' feed: a bearer token per practice, no session (401 without one).
    "events:feed": (405, 401, None),
    # The SMS provider's webhooks: a signature instead of a session (403 without one).
    "messaging:sms_status": (405, 403, None),
    "messaging:sms_inbound": (405, 403, None),
    "portal:plan": (404, 404, None),
    "portal:plan_goal": (404, 404, None),
    "portal:plan_print": (404, 405, None),
    "portal:parent_groups": (404, 404, None),  # the family signs up on the page (POST)
    "portal:experience": (404, 404, None),  # the family answers the survey on the page (POST)
    # "You said, we did": the council's recommendations and the practice's answers, no names.
    "council:you_said_we_did": (200, 405, None),
    # A growth reference's percentile curves: published reference data, an image (growth.views).
    "growth:curves": (200, 405, None),
}

# What the same-practice clinician gets on GET where it is not 200: (status, redirect target).
CLINICIAN_GET = {
    "home": (302, "/practice/"),
    "account_login": (302, "/practice/"),
    "account_logout": (200, None),  # asks to confirm; logging out is a POST
    "accounts:logout": (200, None),
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
    "mfa_add_webauthn": (
        302,
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Fwebauthn%2Fadd%2F",
    ),
    # The passkey's own pages: to reauthentication too (the `next` carries the passkey's id).
    "mfa_edit_webauthn": (302, None),
    "mfa_remove_webauthn": (302, None),
    # allauth 65.22's reauthentication by e-mailed code: off here (staff confirm with their
    # password), so asking for a code goes to the password page, and confirming one with none
    # pending goes back to asking.
    "account_request_reauthentication_code": (302, "/accounts/reauthenticate/"),
    "account_confirm_reauthentication_code": (302, "/accounts/reauthenticate/code/"),
    # No authenticator app is set up yet: nothing to remove or to show.
    "mfa_deactivate_totp": (404, None),
    "mfa_view_recovery_codes": (404, None),
    "mfa_download_recovery_codes": (404, None),
    # A single membership: nothing to choose; a clinician lands on screening's landing page.
    "practices:choose": (302, "/screening/start-of-day/"),
    "screening:landing": (302, "/screening/alerts/"),  # practice A has an open alert
    "families:network": (403, None),  # aggregates are the network analyst's
    "families:panel_membership": (403, None),  # front desk, coordinator and admin keep the panel
    "measures:network": (200, None),  # the practice's leaders compare, suppressed
    "staff:team": (403, None),  # the practice admin's
    "staff:member": (403, None),
    "staff:calendar": (403, None),  # the practice admin's
    "staff:measures_refresh": (403, None),  # the practice admin's
    "measures:recompute": (405, None),  # "Recompute now" is a form's POST
    "staff:member_languages": (403, None),  # a colleague's languages: the practice admin's
    "experience:quality_lead": (403, None),  # chosen by whoever manages the practice's users
    # The families' comments: the practice's quality lead only (none chosen here: 404).
    "experience:comments": (404, None),
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
    "tasks:reassign": (405, None),  # a task row's forms post to them
    "tasks:snooze": (405, None),
    "tasks:add": (405, None),  # the chart's task panel posts to it
    "referrals:status_link": (405, None),
    "events:resolve": (405, None),
    "events:feed": (405, None),
    "messaging:sms_status": (405, None),
    "messaging:sms_inbound": (405, None),
    "messaging:call_outcome": (405, None),  # a form on the call list posts to it
    "messaging:reply": (405, None),  # the conversation page's form posts to it
    "messaging:recall_family": (405, None),  # a button on the recall list posts to it
    # A proposed next step's buttons on the result page and the chart post to them.
    "nextsteps:make_task": (405, None),
    "nextsteps:refer": (405, None),
    "nextsteps:mark_done": (405, None),
    "nextsteps:decline": (405, None),
    "careplan:add_action": (405, None),
    "careplan:add_goal": (405, None),
    "careplan:add_member": (405, None),
    "careplan:add_note": (405, None),
    "careplan:create_link": (405, None),
    "careplan:edit_plan": (405, None),
    "careplan:outside_revoke": (405, None),
    "careplan:outside_children": (403, None),  # an outside member's page
    "careplan:outside_plan": (403, None),
    "careplan:outside_note": (403, None),
    "visits:mark": (405, None),
    "notes:add": (405, None),  # the form in the chart's notes section posts to it
    "notes:retract": (405, None),
    "notes:open": (302, None),  # a mention's task opens the chart at the notes
    "notes:suggest": (405, None),  # the note's box posts what is typed (htmx)
    "programs:offer": (405, None),  # a button in the chart's Programs section posts to it
    "portal:plan": (404, None),
    "portal:plan_goal": (404, None),
    "portal:plan_print": (404, None),
    "portal:referral_status": (404, None),
    "portal:experience": (404, None),
    "referrals:curate": (403, None),  # the care coordinator's and the practice admin's
    "referrals:settings": (403, None),
    "referrals:partner_message": (403, None),
    # The panel spreadsheet is the front desk's and the practice admin's.
    "ehr:panel_upload": (403, None),
    "ehr:panel_template": (403, None),
    "ehr:panel_run": (403, None),
    # Merging two records is for those who keep the panel; a waiting message's actions post.
    "ehr:merge": (403, None),
    "ehr:waiting_action": (405, None),
    # A token that was never issued: the friendly "this link does not work" page.
    "portal:screening_start": (404, None),
    "portal:screening_form": (404, None),
    "portal:screening_done": (404, None),
    "portal:screening_agenda": (404, None),
    # The programs page's forms post to them: programs.manage, which a pediatrician lacks.
    "programs:add": (403, None),
    "programs:add_own": (403, None),
    "programs:running": (403, None),
    "portal:parent_groups": (404, None),
    # A group's page's forms post to them.
    "parentgroups:add_meeting": (405, None),
    "parentgroups:cancel_meeting": (405, None),
    "parentgroups:withdraw": (405, None),
    "parentgroups:send_link": (405, None),
    "improvement:stage": (405, None),  # the cycle page's form posts to it
    "improvement:adopt": (405, None),  # a button on the network's cycles posts to it
    # The family council is council.manage's (coordinators, admins, parent partners).
    "council:list": (403, None),
    "council:detail": (403, None),
    "council:add_member": (403, None),
    "council:withdraw_member": (403, None),
    "council:record_meeting": (403, None),
    "council:add_recommendation": (403, None),
    "council:recommendation": (403, None),
    "council:recommendation_status": (403, None),
    # The group pages' forms post to them (groupcare.run).
    "groupcare:form": (405, None),
    "groupcare:add_member": (405, None),
    "groupcare:schedule": (405, None),
    "groupcare:status": (405, None),
    "groupcare:leave": (405, None),
    "groupcare:book_member": (405, None),
    "groupcare:mark": (405, None),
    "groupcare:makeup": (405, None),
    # The practice's connections: directory.curate (Open Referral) and users.manage (FHIR
    # endpoints), neither of which a pediatrician holds.
    "connections:openreferral": (403, None),
    "connections:openreferral_issue": (403, None),
    "connections:openreferral_revoke": (403, None),
    "connections:endpoints": (403, None),
    "connections:endpoint": (403, None),
    "connections:endpoint_active": (403, None),
    # Break-glass: a pediatrician's role already opens all it lifts; the grants are the admin's.
    "breakglass:request": (403, None),
    "breakglass:end": (403, None),
    "breakglass:grants": (403, None),
    "breakglass:review": (403, None),
}

# Pages that take no POST; every other page with ids answers POST too.
GET_ONLY = {
    "experience:comments",
    "experience:network",
    "measures:dashboard",
    "measures:export",
    "measures:network",
    "measures:language_coverage",
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
    "screening:landing",
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
    "careplan:outside_children",
    "careplan:outside_plan",
    "tasks:list",
    "ehr:panel_template",
    "ehr:panel_run",
    "ehr:waiting",
    "messaging:outbox",
    "messaging:preview",
    "messaging:child",
    "messaging:calls",
    "messaging:figures",
    "billing:visit",
    "billing:day",
    "notes:child",
    "notes:open",
    "huddle:sheet",
    "huddle:pdf",
    "programs:list",
    "programs:detail",
    "programs:caseload",
    "programs:family_page",
    "casereview:program",
    "parentgroups:list",
    "parentgroups:detail",
    "improvement:list",
    "improvement:detail",
    "improvement:network",
    "council:detail",
    "council:you_said_we_did",
    "groupcare:list",
    "groupcare:cohort",
    "groupcare:session",
    "breakglass:grants",
}
# Pages that take no GET (an action button posts to them).
POST_ONLY = {
    "measures:recompute",  # "Recompute now": the practice's own figures, whoever asks
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
    "tasks:reassign",
    "tasks:snooze",
    "tasks:add",
    "referrals:status_link",
    "events:resolve",
    "careplan:add_action",
    "careplan:add_goal",
    "careplan:add_member",
    "careplan:add_note",
    "careplan:create_link",
    "careplan:edit_plan",
    "careplan:outside_revoke",
    "careplan:outside_note",
    "visits:mark",
    "visit_rows:guidance",
    "visit_rows:elsewhere",
    "visit_rows:immunization",
    "ehr:waiting_action",
    "messaging:call_outcome",
    "messaging:reply",
    "messaging:recall_family",
    "nextsteps:make_task",
    "nextsteps:refer",
    "nextsteps:mark_done",
    "nextsteps:decline",
    "notes:add",
    "notes:retract",
    "notes:suggest",
    "programs:add",
    "programs:add_own",
    "programs:running",
    "programs:offer",
    "parentgroups:add_meeting",
    "parentgroups:cancel_meeting",
    "parentgroups:withdraw",
    "parentgroups:send_link",
    "improvement:stage",
    "improvement:adopt",
    "council:recommendation_status",
    "groupcare:form",
    "groupcare:add_member",
    "groupcare:schedule",
    "groupcare:status",
    "groupcare:leave",
    "groupcare:book_member",
    "groupcare:mark",
    "groupcare:makeup",
    "connections:openreferral_issue",
    "connections:openreferral_revoke",
    "connections:endpoint_active",
    "breakglass:end",
    "breakglass:review",
}
# A community organization's pages: practice staff are refused (403) before any row is read;
# tests/test_partner_isolation.py sweeps them with organizations' own users, and
# medhome/careplan/tests/test_outside_isolation.py the outside members' pages.
PARTNER_PAGES = {
    "referrals:partner_inbox",
    "referrals:partner_detail",
    "referrals:partner_change",
    "referrals:partner_message",
    "careplan:outside_children",
    "careplan:outside_plan",
    "careplan:outside_note",
}

CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def url_for(name: str, params: tuple[str, ...], rows: dict) -> str:
    if name.startswith("<unnamed"):
        pytest.fail(f"URL pattern {name} has no name: name it and give it an access-matrix entry")
    unknown = [param for param in params if param not in FILL]
    if unknown:
        pytest.fail(f"{name}: the access matrix does not know how to fill {unknown}; add to FILL")
    return reverse(name, kwargs={param: FILL[param](rows) for param in params})
