"""What a page, a header or a log line may carry: no PHI where it does not belong."""

import io
import logging
import re

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core.logging import NoPhiFilter
from medhome.families.models import Caregiver, Child, Family

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
from .url_matrix import ROUTES, url_for

pytestmark = pytest.mark.django_db

# --- A URLconf for the 500 page: medhome's URLs plus one view that fails ------------------------

FAILURE_TEXT = (
    'new row for relation "families_child" violates check constraint "gestational_age_in_range"\n'
    "DETAIL:  Failing row contains (Zephyrine, Quillfeather, 2021-08-09, ZQ-884213, 50)."
)


def failing_view(request: HttpRequest):
    # What a database error looks like on PostgreSQL: the failing row, values included.
    raise RuntimeError(FAILURE_TEXT)


urlpatterns = [
    path("fails/", failing_view),
    path("", include("medhome.urls")),
]
handler404 = "medhome.core.views.not_found"
handler500 = "medhome.core.views.server_error"


@pytest.fixture
def log_output():
    """What the configured handlers (with their filters) write, and the raw records."""
    handlers = {
        handler
        for name in ("", "django", "django.request", "django.server", "medhome")
        for handler in logging.getLogger(name).handlers
        if any(isinstance(f, NoPhiFilter) for f in handler.filters)
    }
    assert handlers, "the no-PHI console handler is configured"
    stream = io.StringIO()
    previous = {handler: handler.setStream(stream) for handler in handlers}
    yield stream
    for handler, old in previous.items():
        handler.setStream(old)


@pytest.fixture
def all_records(caplog):
    """caplog, also for the loggers that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.server"):  # warnings too (404, 405, 400)
        caplog.set_level(logging.DEBUG, logger=name)
    quiet = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


def leaked(text: str, phi: list[str] = PHI_B) -> list[str]:
    return [value for value in phi if value in text]


# --- Error pages ---------------------------------------------------------------------------------


def test_404_page_for_another_practices_child_has_no_phi(client_a, child_b, caregiver_b):
    response = client_a.get(reverse("families:chart", kwargs={"child_id": child_b.pk}))

    assert response.status_code == 404
    assert leaked(response.content.decode()) == []


def test_404_page_for_an_unknown_path_has_no_phi(client_a, child_b):
    response = client_a.get(f"/children/{child_b.pk}/history/")

    assert response.status_code == 404
    assert leaked(response.content.decode()) == []


@pytest.mark.urls(__name__)
def test_500_page_has_no_phi_and_gives_the_request_id(
    log_in, clinician_b, practice_b, child_b, all_records, log_output
):
    client = log_in(clinician_b, practice_b, raise_request_exception=False)

    response = client.get("/fails/")

    body = response.content.decode()
    assert response.status_code == 500
    assert leaked(body) == []
    assert response["X-Request-ID"] in body


@pytest.mark.urls(__name__)
def test_an_unexpected_error_logs_no_phi(
    log_in, clinician_b, practice_b, child_b, all_records, log_output
):
    client = log_in(clinician_b, practice_b, raise_request_exception=False)

    response = client.get("/fails/")

    assert response.status_code == 500
    assert "Internal Server Error: /fails/" in log_output.getvalue()
    assert leaked(log_output.getvalue()) == []
    assert leaked(all_records.text) == []


# --- Logs (security.md catalogue 8) --------------------------------------------------------------


def test_refused_answers_are_logged_with_who_and_no_phi(
    log_in, staff_a, practice_a, child_a, clinician_b, practice_b, child_b, all_records, log_output
):
    """OWASP ASVS V7.1.3 / V7.2.2 / V14.5.1: a refused access, another practice's id, an
    unsigned request, a wrong method and a malformed id each leave one line naming the status,
    the path (no query string) and who."""
    analyst = staff_a[Role.NETWORK_ANALYST]
    chart_a = reverse("families:chart", kwargs={"child_id": child_a.pk})

    forbidden = log_in(analyst, practice_a).get(chart_a)
    not_found = log_in(clinician_b, practice_b).get(f"{chart_a}?q=Zephyrine+Quillfeather")
    unsigned = Client().get("/fhir/Patient")
    make_task = reverse("nextsteps:make_task", kwargs={"step_id": child_a.pk})
    wrong_method = log_in(clinician_b, practice_b).get(make_task)

    start = reverse("referrals:start", kwargs={"child_id": child_b.pk})
    malformed = log_in(clinician_b, practice_b).get(f"{start}?from=not-an-id")

    statuses = [r.status_code for r in (forbidden, not_found, unsigned, wrong_method, malformed)]
    assert statuses == [403, 404, 401, 405, 400]
    written = log_output.getvalue()
    assert f"Forbidden (Permission denied): {chart_a} [user {analyst.pk}]" in written
    assert f"Not Found: {chart_a} [user {clinician_b.pk}]" in written
    assert "Unauthorized: /fhir/Patient [anonymous]" in written
    assert f"Method Not Allowed (GET): {make_task} [user {clinician_b.pk}]" in written
    # A BadRequest is logged with its own (fixed, PHI-free) sentence before the path.
    assert (
        f"is not a valid id. Go back and choose again.: {start} [user {clinician_b.pk}]" in written
    )
    assert "Zephyrine" not in written and "Traceback" not in written
    assert leaked(written) == [] and leaked(written, PHI_A) == []


def test_search_chart_and_edits_leave_no_phi_in_logs(
    log_in, clinician_b, practice_b, child_b, caregiver_b, all_records, log_output
):
    client = log_in(clinician_b, practice_b)
    chart = reverse("families:chart", kwargs={"child_id": child_b.pk})
    preferences = reverse("families:edit_preferences", kwargs={"caregiver_id": caregiver_b.pk})

    responses = [
        client.post(reverse("families:search"), {"q": "Zephyrine Quillfeather"}),
        client.post(reverse("families:search"), {"q": "08/09/2021"}),
        client.post(reverse("families:search"), {"q": "ZQ-884213"}),
        client.get(chart),
        client.get(f"{chart}?name=Zephyrine+Quillfeather&dob=2021-08-09&phone=4135550199"),
        client.post(chart, {"name": "Zephyrine"}),  # 405
        client.post(preferences, factories.preferences_form_data(caregiver_b, phone="413-555")),
        client.post(preferences, factories.preferences_form_data(caregiver_b, strengths="Kind")),
        client.get("/children/00000000-0000-0000-0000-000000000000/?q=Quillfeather"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200, 405, 400, 302, 404]
    logged = log_output.getvalue()
    assert "Not Found: /children/00000000-0000-0000-0000-000000000000/" in logged
    assert f"Method Not Allowed (POST): {chart}" in logged
    assert f"Bad Request: {preferences}" in logged
    assert leaked(log_output.getvalue()) == []
    assert leaked(all_records.text) == []


def test_the_log_filter_removes_query_strings():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET %s HTTP/1.1" 200',
        ("/children/?q=Quillfeather&dob=08/09/2021",),
        None,
    )

    NoPhiFilter().filter(record)

    assert record.getMessage() == '"GET /children/?[redacted] HTTP/1.1" 200'


# Every page a family opens with a token (medhome.portal): found by walking the URL resolver, so a
# new family page is covered the day it is added.
FAMILY_TOKEN_ROUTES = [
    (name, params) for name, params in ROUTES if name.startswith("portal:") and "token" in params
]
SECRET_TOKEN = "Zq9-secret-family-token-0123456789abcdefABCDEF"


def family_url(name: str, params: tuple[str, ...]) -> str:
    fill = {"token": SECRET_TOKEN, "goal_id": "00000000-0000-4000-8000-000000000001"}
    return reverse(name, kwargs={p: fill.get(p, "phq9") for p in params})


def test_the_walk_finds_every_family_page():
    assert {name for name, _ in FAMILY_TOKEN_ROUTES} >= {
        "portal:screening_start",
        "portal:screening_form",
        "portal:screening_done",
        "portal:plan",
        "portal:plan_goal",
        "portal:plan_print",
        "portal:referral_status",
        "portal:parent_groups",
        "portal:experience",
    }


@pytest.mark.parametrize(
    ("name", "params"), FAMILY_TOKEN_ROUTES, ids=[n for n, _ in FAMILY_TOKEN_ROUTES]
)
def test_no_family_token_reaches_a_log(client, all_records, log_output, name, params):
    url = family_url(name, params)
    access_line = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s %s HTTP/1.1" %s', ("GET", url, 404), None
    )

    response = client.get(f"{url}?lang=es")
    logging.getLogger("django.server").handle(access_line)

    logged = log_output.getvalue()
    assert response.status_code == 404
    assert "Not Found: /" in logged and "[token]" in logged  # the request was logged, redacted
    assert SECRET_TOKEN not in logged
    assert SECRET_TOKEN not in all_records.text


# --- Headers and pages ---------------------------------------------------------------------------


def csp_of(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in policy.split(";") if directive)


@pytest.mark.parametrize(
    "page",
    ["login", "healthz", "search", "chart", "register", "not found", "forbidden"],
)
def test_responses_carry_a_strict_content_security_policy(client, client_a, child_a, page):
    urls = {
        "login": (client, reverse("account_login")),
        "healthz": (client, reverse("healthz")),
        "search": (client_a, reverse("families:search")),
        "chart": (client_a, reverse("families:chart", kwargs={"child_id": child_a.pk})),
        "register": (client_a, reverse("families:register")),
        "not found": (client_a, "/children/00000000-0000-0000-0000-000000000000/"),
        "forbidden": (client_a, reverse("families:network")),
    }
    visitor, url = urls[page]

    policy = csp_of(visitor.get(url))

    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


@pytest.mark.parametrize("page", ["login", "search", "chart", "not found", "family link"])
def test_pages_are_not_kept_by_browsers_or_proxies(client, client_a, child_a, page):
    urls = {
        "login": (client, reverse("account_login")),
        "search": (client_a, reverse("families:search")),
        "chart": (client_a, reverse("families:chart", kwargs={"child_id": child_a.pk})),
        "not found": (client_a, "/children/00000000-0000-0000-0000-000000000000/"),
        "family link": (client, "/f/not-a-real-token/"),
    }
    visitor, url = urls[page]

    # Ours, or Django's never_cache (login, family links): no-store either way.
    assert "no-store" in visitor.get(url)["Cache-Control"].split(", ")


def test_a_view_that_sets_its_own_caching_keeps_it(client):
    from django.http import HttpResponse

    from medhome.core.middleware import NoStoreMiddleware

    def view(request):
        response = HttpResponse("public")
        response["Cache-Control"] = "max-age=60"
        return response

    answer = NoStoreMiddleware(view)(RequestFactory().get("/"))
    assert answer["Cache-Control"] == "max-age=60"
    assert (
        NoStoreMiddleware(lambda r: HttpResponse())(RequestFactory().get("/"))["Cache-Control"]
        == "no-store"
    )


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|\shx-on")


@pytest.mark.parametrize(
    "name",
    [
        "families:search",
        "families:chart",
        "families:edit_child",
        "families:register",
        "families:add_child",
        "families:add_caregiver",
        "families:edit_preferences",
    ],
)
def test_pages_have_no_inline_script_or_style(client_a, child_a, caregiver_a, name):
    rows = {"child": child_a, "family": child_a.family, "caregiver": caregiver_a}
    params = dict(ROUTES)[name]

    body = client_a.get(url_for(name, params, rows)).content.decode()

    assert INLINE.findall(body) == []


# --- CSRF (security.md catalogue 5) --------------------------------------------------------------


def record_counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Family, Child, Caregiver, AuditEvent))


@pytest.fixture
def csrf_client(log_in, staff_a, practice_a) -> Client:
    """A practice admin (who may post to the most pages) whose client checks CSRF."""
    return log_in(staff_a[Role.PRACTICE_ADMIN], practice_a, enforce_csrf_checks=True)


@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[name for name, _ in ROUTES])
def test_every_post_without_a_csrf_token_is_refused(
    csrf_client, staff_a, child_a, caregiver_a, name, params
):
    from medhome.practices.models import Membership

    rows: dict = {
        "child": child_a,
        "family": child_a.family,
        "caregiver": caregiver_a,
        "membership": Membership.objects.get(user=staff_a[Role.NURSE]),
        **factories.screening_with_alert(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN]),
        "referral": factories.sent_referral(
            child_a, caregiver_a, staff_a[Role.PEDIATRICIAN], factories.organization("Pantry")
        ),
    }
    rows["task"] = factories.follow_up_task(rows["referral"])
    rows["passkey"] = passkey_for(staff_a[Role.PRACTICE_ADMIN])
    rows["event"] = factories.care_event(child_a, staff_a[Role.PEDIATRICIAN])
    rows.update(care_factories.care_plan(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN]))
    rows["visit"] = factories.schedule_visit(child_a, at="2099-11-23 09:20:00-05:00")
    rows["panel_run"] = factories.panel_run(child_a.practice)
    rows["ehr_message"] = factories.waiting_ehr_message(child_a.practice)
    rows["reminder"] = factories.call_reminder(rows["child"], rows["caregiver"], rows["visit"])
    rows["note"] = care_factories.team_note(child_a, staff_a[Role.PEDIATRICIAN])
    rows["grant"] = care_factories.break_glass_grant(child_a, staff_a[Role.FRONT_DESK])
    rows.update(program_factories.program_rows(child_a, staff_a[Role.COMMUNITY_HEALTH_WORKER]))
    rows.update(parentgroup_factories.parent_group_rows(caregiver_a, staff_a[Role.PARENT_PARTNER]))
    rows.update(improvement_factories.cycle_rows(child_a.practice, staff_a[Role.PEDIATRICIAN]))
    rows.update(council_factories.council_rows(child_a.practice, staff_a[Role.PEDIATRICIAN]))
    rows.update(groupcare_factories.groupcare_rows(child_a, staff_a[Role.PEDIATRICIAN]))
    rows.update(connection_factories.connection_rows(rows["referral"]))
    before = record_counts()

    response = csrf_client.post(url_for(name, params, rows), {"q": "garcia"})

    # The hospitals' feed has no session and no form: a bearer token guards it instead.
    assert response.status_code == (401 if name == "events:feed" else 403)
    assert record_counts() == before


def test_a_post_with_the_csrf_token_is_accepted(csrf_client, child_a):
    csrf_client.get(reverse("families:search"))
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(
        reverse("families:search"), {"q": "garcia", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 200
    assert [str(c) for c in response.context["results"]] == ["Sofía García"]


def test_an_htmx_post_with_the_csrf_header_is_accepted_and_without_it_refused(csrf_client, child_a):
    page = csrf_client.get(reverse("families:search"))
    header = re.search(r'"X-CSRFToken": "([^"]+)"', page.content.decode()).group(1)

    refused = csrf_client.post(
        reverse("families:search"), {"q": "garcia"}, headers={"HX-Request": "true"}
    )
    accepted = csrf_client.post(
        reverse("families:search"),
        {"q": "garcia"},
        headers={"HX-Request": "true", "X-CSRFToken": header},
    )

    assert (refused.status_code, accepted.status_code) == (403, 200)
    assert "García, Sofía" in accepted.content.decode()


def test_an_edit_without_the_csrf_token_changes_nothing(csrf_client, child_a):
    url = reverse("families:edit_child", kwargs={"child_id": child_a.pk})

    response = csrf_client.post(url, factories.child_form_data_of(child_a, city="Chelsea"))

    assert response.status_code == 403
    child_a.refresh_from_db()
    assert (child_a.city, child_a.version) == ("Boston", 1)


@pytest.mark.parametrize(
    "path",
    [
        f"/accounts/set-password/MTIz/{SECRET_TOKEN}/",
        f"/accounts/password/reset/key/1-{SECRET_TOKEN}/",
    ],
)
def test_no_staff_credential_in_a_path_reaches_a_log(client, log_output, path):
    """A new colleague's set-password link and a password-reset key are credentials too."""
    client.get(path)
    access_line = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s %s HTTP/1.1" %s', ("GET", path, 200), None
    )
    logging.getLogger("django.server").handle(access_line)

    logged = log_output.getvalue()
    assert "[token]" in logged
    assert SECRET_TOKEN not in logged
