"""Pre-visit screening end to end: links, family answers, scoring, critical alerts, who sees what.

The clock is frozen so ages and windows are fixed: practice A's infant is 2 months old, when
the caregiver-depression row is due (Bright Futures 2024: 1, 2, 4 and 6-month visits).
"""

import logging
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core.logging import NoPhiFilter
from medhome.periodicity.models import RowCompletion
from medhome.portal.models import FamilyLink
from medhome.screening.models import Administration, CriticalAlert, Status

from . import factories

NOW = "2026-11-23 10:00:00-05:00"
TODAY = date(2026, 11, 23)
PHQ9_ITEMS = [str(n) for n in range(1, 10)]
NOT_AT_ALL, SEVERAL_DAYS, NEARLY_EVERY_DAY = "LA6568-5", "LA6569-3", "LA6571-9"
LINK = re.compile(r"(/f/[A-Za-z0-9_-]{20,}/)")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def infant_a(family_a):
    return factories.add_child(
        family_a, legal_given_name="Tomás", mrn="TG-2001", date_of_birth=TODAY - timedelta(days=62)
    )


@pytest.fixture
def coordinator_a(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)


def send_link(client, child, caregiver, instruments, *, language="es", reason=""):
    response = client.post(
        reverse("screening:send", kwargs={"child_id": child.pk}),
        {
            "instruments": instruments,
            "caregiver": caregiver.pk,
            "language": language,
            "channel": "text",
            "override_reason": reason,
        },
    )
    found = LINK.search(response.content.decode())
    return response, (found.group(1) if found else None)


def phq9(**overrides):
    answers = {f"item-{n}": NOT_AT_ALL for n in PHQ9_ITEMS}
    answers.update({f"item-{k}": v for k, v in overrides.items()})
    return answers


@pytest.fixture
def phq9_link(coordinator_a, infant_a, caregiver_a):
    response, path = send_link(coordinator_a, infant_a, caregiver_a, ["phq9:caregiver"])
    assert response.status_code == 200, response.content.decode()[:2000]
    return path


# --- Sending ----------------------------------------------------------------------------


def test_a_due_screener_is_preselected_and_a_link_is_made_without_keeping_the_token(
    coordinator_a, infant_a, phq9_link
):
    form = coordinator_a.get(reverse("screening:send", kwargs={"child_id": infant_a.pk}))
    preselected = form.context["form"].initial["instruments"]

    link = FamilyLink.objects.get()
    token = phq9_link.split("/")[2]
    assert "phq9:caregiver" in preselected
    assert link.screeners.instruments == ["phq9"] and link.language == "es"
    assert token not in link.token_digest and len(link.token_digest) == 64
    assert AuditEvent.objects.filter(object_type="portal.familylink", action="create").count() == 1


def test_a_screener_not_due_needs_a_reason(coordinator_a, child_a, caregiver_a):
    refused, _ = send_link(coordinator_a, child_a, caregiver_a, ["phq9:caregiver"])
    allowed, path = send_link(
        coordinator_a, child_a, caregiver_a, ["phq9:caregiver"], reason="Mother asked for help"
    )

    assert refused.status_code == 400
    assert "not due for this child today" in refused.content.decode()
    assert allowed.status_code == 200 and path
    assert FamilyLink.objects.get().screeners.override_reason == "Mother asked for help"


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("epds:caregiver", "its wording is licensed"),  # no text pack loaded
        ("phq9:adolescent", "confidential screen"),  # never to a caregiver's phone
        ("nonsense:caregiver", "Unknown screener"),
    ],
)
def test_links_refuse_what_a_family_cannot_answer_at_home(
    coordinator_a, infant_a, caregiver_a, choice, message
):
    response, path = send_link(coordinator_a, infant_a, caregiver_a, [choice], reason="Asked")

    assert path is None and response.status_code == 400
    assert FamilyLink.objects.count() == 0


def test_the_front_desk_sends_links_but_a_legal_partner_cannot(
    log_in, staff_a, practice_a, infant_a, caregiver_a
):
    front_desk = log_in(staff_a[Role.FRONT_DESK], practice_a)
    legal = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)

    sent, path = send_link(front_desk, infant_a, caregiver_a, ["phq9:caregiver"])
    refused, _ = send_link(legal, infant_a, caregiver_a, ["phq9:caregiver"])

    assert sent.status_code == 200 and path
    assert refused.status_code == 403


# --- The family's pages -----------------------------------------------------------------


def test_the_family_sees_the_authored_spanish_text(client, phq9_link):
    start = client.get(phq9_link)
    form = client.get(f"{phq9_link}phq9/")

    body = form.content.decode()
    assert start.status_code == 200 and 'lang="es"' in start.content.decode()
    assert "Antes de la visita de Tomás" in start.content.decode()
    assert "Poco interés o placer en hacer cosas" in body  # Pfizer's Spanish PHQ-9, item 1
    assert "Ningún día" in body
    assert "Little interest" not in body


def test_a_form_without_spanish_says_so_and_offers_english(
    coordinator_a, client, infant_a, caregiver_a
):
    _, path = send_link(coordinator_a, infant_a, caregiver_a, ["hvs:caregiver"], reason="Asked")

    body = client.get(f"{path}hvs/").content.decode()

    assert "Este cuestionario no está disponible en español" in body
    assert "Within the past 12 months we worried" in body  # the authored English HVS


def test_an_unknown_answer_is_refused_with_a_message_and_nothing_is_saved(client, phq9_link):
    response = client.post(
        f"{phq9_link}phq9/", {**phq9(), "item-4": "LA9999-9", "action": "submit"}
    )

    assert response.status_code == 400
    assert "no es una de las respuestas de esta pregunta" in response.content.decode()
    administration = Administration.objects.get()
    assert administration.answers == {} and administration.status == Status.IN_PROGRESS


def test_progress_is_saved_between_sittings(client, phq9_link):
    client.post(f"{phq9_link}phq9/", {"item-1": SEVERAL_DAYS, "action": "save"})

    again = client.get(f"{phq9_link}phq9/").content.decode()

    assert re.search(r'value="LA6569-3" checked', again)
    assert Administration.objects.get().status == Status.IN_PROGRESS


def test_an_incomplete_submission_is_kept_as_partial_and_not_scored(client, phq9_link):
    first = client.post(f"{phq9_link}phq9/", {"item-1": SEVERAL_DAYS, "action": "submit"})
    sent = client.post(f"{phq9_link}phq9/", {"action": "submit_anyway"})

    administration = Administration.objects.get()
    assert "8 preguntas todavía no tienen respuesta" in first.content.decode()
    assert first.content.decode().count("Todavía sin respuesta") == 8
    assert sent.status_code == 302
    assert administration.status == Status.PARTIAL
    assert administration.total is None and administration.band == ""
    assert not RowCompletion.objects.exists()


def test_a_complete_submission_is_scored_at_once_and_counts_for_the_visit(client, phq9_link):
    high = {"1": NEARLY_EVERY_DAY, "2": NEARLY_EVERY_DAY, "3": NEARLY_EVERY_DAY, "4": SEVERAL_DAYS}
    response = client.post(f"{phq9_link}phq9/", {**phq9(**high), "action": "submit"})
    done = client.get(response["Location"])

    administration = Administration.objects.get()
    assert (administration.status, administration.total) == (Status.SCORED, 10)
    assert administration.positive is True and administration.band == "moderate"
    assert (administration.cpt, administration.respondent) == ("96161", "caregiver")
    assert administration.visit_key == "2mo"
    completion = RowCompletion.objects.get()
    assert (completion.row, completion.visit_key) == ("caregiver_depression", "2mo")
    assert "Gracias. Sus respuestas llegaron a su equipo de atención." in done.content.decode()
    assert "10" not in re.sub(r"<[^>]+>", "", done.content.decode()).split("988")[0][-200:]


def test_a_used_link_shows_a_friendly_page_in_the_family_language(client, phq9_link):
    client.post(f"{phq9_link}phq9/", {**phq9(), "action": "submit"})
    FamilyLink.objects.update(finished_at="2026-11-23 09:00:00-05:00")  # over an hour ago

    response = client.get(phq9_link)

    assert response.status_code == 410
    assert 'lang="es"' in response.content.decode()
    assert response.context["reason"] == "used"


def test_an_expired_link_shows_a_friendly_page(client, phq9_link):
    with time_machine.travel("2026-12-01 10:00:00-05:00", tick=False):
        response = client.get(phq9_link)
        form = client.post(f"{phq9_link}phq9/", {**phq9(), "action": "submit"})

    assert (response.status_code, form.status_code) == (410, 410)
    assert response.context["reason"] == "expired"
    assert "Este enlace ya venció" in response.content.decode()  # the family's language
    assert not Administration.objects.exists()


def test_an_invented_token_answers_404_with_no_detail(db, client):
    response = client.get("/f/not-a-real-token-0123456789abcdef/")

    assert response.status_code == 404
    assert response.context["reason"] == "unknown"


def test_a_link_only_opens_its_own_screeners(client, phq9_link):
    assert client.get(f"{phq9_link}gad7/").status_code == 404


def test_the_token_never_reaches_a_log(phq9_link):
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Gone: %s", (phq9_link,), None
    )

    NoPhiFilter().filter(record)

    assert phq9_link.split("/")[2] not in record.getMessage()


# --- Critical answers -------------------------------------------------------------------


def test_a_self_harm_answer_alerts_the_team_at_once_even_before_submitting(
    client, phq9_link, infant_a, client_a
):
    client.post(
        f"{phq9_link}phq9/", {"item-9": SEVERAL_DAYS, "action": "autosave"}, HTTP_HX_REQUEST="true"
    )

    alert = CriticalAlert.objects.get()
    chart = client_a.get(reverse("families:chart", kwargs={"child_id": infant_a.pk}))
    alerts = client_a.get(reverse("screening:alerts"))
    assert alert.kinds == ["self_harm"] and alert.acknowledged_at is None
    assert "Urgent: critical answer" in chart.content.decode()
    assert alert in alerts.context["alerts"]


def test_the_family_sees_crisis_resources_and_never_a_score(client, phq9_link):
    response = client.post(
        f"{phq9_link}phq9/", {**phq9(**{"9": NEARLY_EVERY_DAY}), "action": "submit"}
    )
    done = client.get(response["Location"])

    body = done.content.decode()
    assert "988" in body and "911" in body
    assert Administration.objects.get().total == 3
    assert "puntuación" not in body.lower() and "score" not in body.lower()


def test_only_a_clinician_acknowledges_and_must_say_what_was_done(
    log_in, staff_a, practice_a, client, phq9_link
):
    client.post(f"{phq9_link}phq9/", {**phq9(**{"9": SEVERAL_DAYS}), "action": "submit"})
    alert = CriticalAlert.objects.get()
    url = reverse("screening:acknowledge", kwargs={"alert_id": alert.pk})
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    # By default nurses do not acknowledge (issue 14 finding 4; medhome/screening/tests).
    clinician = log_in(staff_a[Role.NURSE_PRACTITIONER], practice_a)

    refused = coordinator.post(url, {"action_taken": "Called"})
    empty = clinician.post(url, {"action_taken": "  "})
    done = clinician.post(
        url, {"action_taken": "Called the mother; safety plan; warm hand-off to BH"}
    )

    alert.refresh_from_db()
    assert refused.status_code == 403 and empty.status_code == 400
    assert done.status_code == 302
    assert alert.acknowledged_by == staff_a[Role.NURSE_PRACTITIONER]
    assert "safety plan" in alert.action_taken
    assert AuditEvent.objects.filter(object_type="critical_alert", action="update").count() == 1
    assert clinician.post(url, {"action_taken": "Again, twice"}).status_code == 400


def test_staff_entry_with_a_critical_answer_completes_only_after_acknowledgement(
    client_a, infant_a, caregiver_a, log_in, staff_a, practice_a
):
    started = client_a.post(
        reverse("screening:start", kwargs={"child_id": infant_a.pk}),
        {"instrument": "phq9:caregiver", "mode": "staff_entry", "caregiver": caregiver_a.pk},
    )
    form_url = started["Location"]
    blocked = client_a.post(form_url, {**phq9(**{"9": SEVERAL_DAYS}), "action": "submit"})
    administration = Administration.objects.get()
    alert = administration.alerts.get()
    # Another clinician: the one who keyed the answers never acknowledges (issue 14 finding 4).
    log_in(staff_a[Role.NURSE_PRACTITIONER], practice_a).post(
        reverse("screening:acknowledge", kwargs={"alert_id": alert.pk}),
        {"action_taken": "Spoke with the mother in clinic, safety plan made."},
    )
    completed = client_a.post(form_url, {**phq9(**{"9": SEVERAL_DAYS}), "action": "submit"})

    administration.refresh_from_db()
    assert "can be completed once a clinician has acknowledged" in blocked.content.decode()
    assert re.search(r'name="item-9" value="LA6569-3" checked', blocked.content.decode())
    assert completed.status_code == 302
    assert administration.status == Status.SCORED and administration.mode == "staff_entry"
    assert administration.entered_by is not None


# --- Next steps and who sees what -------------------------------------------------------


def test_a_caregiver_phq2_is_not_due_unless_the_practice_opts_in_to_the_gate(
    client_a, infant_a, caregiver_a
):
    start = reverse("screening:start", kwargs={"child_id": infant_a.pk})

    refused = client_a.post(
        start, {"instrument": "phq2:caregiver", "mode": "tablet", "caregiver": caregiver_a.pk}
    )

    assert refused.status_code == 302 and not Administration.objects.exists()


def test_a_positive_phq2_leaves_the_row_pending_until_the_phq9(
    client_a, infant_a, caregiver_a, settings
):
    settings.MEDHOME_SCREENING = {"caregiver_phq2_gate": True}
    start = reverse("screening:start", kwargs={"child_id": infant_a.pk})
    first = client_a.post(
        start, {"instrument": "phq2:caregiver", "mode": "tablet", "caregiver": caregiver_a.pk}
    )
    client_a.post(
        first["Location"], {"item-1": NEARLY_EVERY_DAY, "item-2": NOT_AT_ALL, "action": "submit"}
    )
    phq2 = Administration.objects.get()
    pending = RowCompletion.objects.get(source_id=phq2.pk).next_step_pending
    follow = client_a.post(
        start,
        {
            "instrument": "phq9:caregiver",
            "mode": "tablet",
            "follows": phq2.pk,
            "caregiver": caregiver_a.pk,
        },
    )
    client_a.post(follow["Location"], {**phq9(), "action": "submit"})

    phq2.refresh_from_db()
    assert pending is True
    assert phq2.next_step_pending is False
    assert RowCompletion.objects.get(source_id=phq2.pk).next_step_pending is False


def test_an_adolescents_own_screen_is_confidential_from_the_chw(
    log_in, staff_a, practice_a, family_a, client_a
):
    teen = factories.add_child(
        family_a, legal_given_name="Lucía", mrn="LG-3003", date_of_birth=date(2011, 11, 1)
    )
    started = client_a.post(
        reverse("screening:start", kwargs={"child_id": teen.pk}),
        {"instrument": "phq9:adolescent", "mode": "tablet"},
    )
    client_a.post(started["Location"], {**phq9(), "action": "submit"})
    administration = Administration.objects.get()
    chw = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)

    result = chw.get(reverse("screening:result", kwargs={"administration_id": administration.pk}))
    chart = chw.get(reverse("families:chart", kwargs={"child_id": teen.pk}))

    assert administration.confidential and administration.respondent == "adolescent"
    assert RowCompletion.objects.get(source_id=administration.pk).row == "depression_suicide"
    assert result.status_code == 404
    assert "1 confidential adolescent screen" in chart.content.decode()


def test_the_result_page_is_audited_and_shows_codes(client_a, phq9_link, client):
    client.post(f"{phq9_link}phq9/", {**phq9(), "action": "submit"})
    administration = Administration.objects.get()

    page = client_a.get(
        reverse("screening:result", kwargs={"administration_id": administration.pk})
    )

    body = page.content.decode()
    assert "96161" in body and "Z13.32" in body
    assert AuditEvent.objects.filter(
        object_type="screening", object_id=str(administration.pk), action="view"
    ).exists()


# --- Lists ------------------------------------------------------------------------------


def test_todays_list_shows_what_is_due_for_each_visit(client_a, infant_a, practice_a):
    factories.schedule_visit(infant_a, at="2026-11-23 09:20:00-05:00")

    page = client_a.get(reverse("screening:today"))

    rows = page.context["rows"]
    assert [row.child.pk for row in rows] == [infant_a.pk]
    assert rows[0].status in ("due", "overdue")
    assert "Caregiver (perinatal) depression screening" in [
        str(label) for label in rows[0].outstanding
    ]


@pytest.mark.parametrize("children", [1, 6])
def test_list_query_counts_do_not_grow_with_the_panel(
    client_a, family_a, children, django_assert_max_num_queries
):
    for n in range(children):
        kid = factories.add_child(
            family_a,
            legal_given_name=f"Kid{n}",
            mrn=f"K-{n}",
            date_of_birth=TODAY - timedelta(days=60 + n),
        )
        factories.schedule_visit(kid, at="2026-11-23 09:20:00-05:00")

    with django_assert_max_num_queries(15):
        today = client_a.get(reverse("screening:today"))
    with django_assert_max_num_queries(15):
        due = client_a.get(reverse("screening:due_list"))

    assert len(today.context["rows"]) == children
    assert due.status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs_of", "object_type"),
    [
        ("screening:today", lambda rows: {}, "todays_visits"),
        ("screening:due_list", lambda rows: {}, "due_list"),
        ("screening:alerts", lambda rows: {}, "critical_alerts"),
        ("screening:child", lambda rows: {"child_id": rows["child"].pk}, "child"),
        ("screening:send", lambda rows: {"child_id": rows["child"].pk}, "child"),
        (
            "screening:administer",
            lambda rows: {"administration_id": rows["administration"].pk},
            "screening",
        ),
        (
            "screening:result",
            lambda rows: {"administration_id": rows["administration"].pk},
            "screening",
        ),
        ("screening:acknowledge", lambda rows: {"alert_id": rows["alert"].pk}, "critical_alert"),
    ],
)
def test_every_staff_page_is_audited(
    client_a, clinician_a, child_a, caregiver_a, name, kwargs_of, object_type
):
    rows = {"child": child_a, **factories.screening_with_alert(child_a, caregiver_a, clinician_a)}
    before = AuditEvent.objects.filter(object_type=object_type).count()

    response = client_a.get(reverse(name, kwargs=kwargs_of(rows)))

    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_type=object_type).order_by("sequence").last()
    assert AuditEvent.objects.filter(object_type=object_type).count() == before + 1
    assert event.actor == clinician_a and event.action in ("view", "search")


def test_an_alert_left_open_past_its_time_says_to_call_the_on_call_clinician(
    client_a, clinician_a, child_a, caregiver_a
):
    alert = factories.screening_with_alert(child_a, caregiver_a, clinician_a)["alert"]
    fresh = client_a.get(reverse("screening:alerts")).content.decode()
    # Raised two hours and a minute ago (moving the clock would end the idle session).
    CriticalAlert.objects.filter(pk=alert.pk).update(
        raised_at=alert.raised_at - timedelta(hours=2, minutes=1),
        escalate_at=alert.escalate_at - timedelta(hours=2, minutes=1),
    )
    late = client_a.get(reverse("screening:alerts")).content.decode()

    assert "call the on-call clinician" not in fresh
    assert "call the on-call clinician" in late


def test_an_mchat_medium_risk_waits_for_the_follow_up_interview(client_a, family_a, caregiver_a):
    from medhome.instruments.catalog._common import NO, YES

    toddler = factories.add_child(
        family_a, legal_given_name="Inés", mrn="IG-1818", date_of_birth=date(2025, 5, 20)
    )
    start = reverse("screening:start", kwargs={"child_id": toddler.pk})
    first = client_a.post(
        start,
        {"instrument": "mchat_r:caregiver", "mode": "staff_entry", "caregiver": caregiver_a.pk},
    )
    # Items 2, 5 and 12 are at risk on YES; the rest on NO. Four at-risk answers: medium risk.
    answers = {f"item-{n}": (NO if n in (2, 5, 12) else YES) for n in range(1, 21)}
    answers.update({"item-1": NO, "item-3": NO, "item-4": NO, "item-6": NO})
    client_a.post(first["Location"], {**answers, "action": "submit"})
    mchat = Administration.objects.get()
    result = client_a.get(reverse("screening:result", kwargs={"administration_id": mchat.pk}))
    follow = client_a.post(
        start,
        {"instrument": "mchat_rf_followup:staff", "mode": "staff_entry", "follows": mchat.pk},
    )
    client_a.post(follow["Location"], {"item-followup_score": "3", "action": "submit"})

    mchat.refresh_from_db()
    follow_up = Administration.objects.exclude(pk=mchat.pk).get()
    assert (mchat.total, mchat.band) == (4, "medium")
    assert "Give the M-CHAT-R/F Follow-Up now" in result.content.decode()
    assert follow_up.positive is True and follow_up.follows == mchat
    assert mchat.next_step_pending is False
    assert not RowCompletion.objects.filter(row="autism", next_step_pending=True).exists()


@pytest.mark.parametrize(
    ("domains", "on", "expected"),
    [
        (["food"], date(2026, 11, 23), ["Z59.41"]),
        (["utilities"], date(2025, 9, 30), ["Z59.87"]),  # last day before FY2026
        (["utilities"], date(2025, 10, 1), ["Z59.861"]),  # Z59.861 from FY2026
        (["transportation"], date(2022, 9, 30), []),  # Z59.82 starts FY2023
        (["safety"], date(2026, 11, 23), []),  # a safety review, not a code
    ],
)
def test_positive_needs_suggest_z_codes_valid_on_the_screening_date(domains, on, expected):
    from medhome.screening.zcodes import suggested

    assert [code.code for code in suggested(domains, on)] == expected


def test_a_positive_food_screen_suggests_its_z_code_on_the_result(client_a, infant_a, caregiver_a):
    started = client_a.post(
        reverse("screening:start", kwargs={"child_id": infant_a.pk}),
        {"instrument": "hvs:caregiver", "mode": "tablet", "caregiver": caregiver_a.pk},
    )
    client_a.post(
        started["Location"], {"item-1": "LA6729-3", "item-2": "LA28398-8", "action": "submit"}
    )
    administration = Administration.objects.get()

    page = client_a.get(
        reverse("screening:result", kwargs={"administration_id": administration.pk})
    )

    assert administration.positive is True and administration.positive_domains == ["food"]
    assert "Z59.41" in page.content.decode()


def test_a_stopped_link_no_longer_opens(coordinator_a, client, phq9_link):
    link = FamilyLink.objects.get()

    stopped = coordinator_a.post(reverse("portal:revoke", kwargs={"link_id": link.pk}))
    response = client.get(phq9_link)

    assert stopped.status_code == 302
    assert response.status_code == 410 and response.context["reason"] == "revoked"
    assert AuditEvent.objects.filter(object_type="portal.familylink", action="update").exists()


def test_a_preterm_infant_gets_the_developmental_form_for_the_corrected_age(family_a):
    from medhome.screening import due

    born_at_24_weeks = factories.add_child(
        family_a,
        legal_given_name="Mateo",
        mrn="MG-0924",
        date_of_birth=TODAY - timedelta(days=275),  # at the 9-month visit
        gestational_age_weeks=24,
        gestational_age_days=0,
    )
    term = factories.add_child(
        family_a, legal_given_name="Ana", mrn="AG-0940", date_of_birth=TODAY - timedelta(days=275)
    )

    def milestone_forms(child):
        return {
            c.instrument.key
            for c in due.choices_for(child, TODAY)
            if "milestones" in c.instrument.key
        }

    # 24 weeks: 16 weeks early, so about 5 months corrected (domain-reference §3).
    assert milestone_forms(born_at_24_weeks) == {"swyc_milestones_4"}
    assert milestone_forms(term) == {"swyc_milestones_9"}


def test_a_link_in_a_language_medhome_lacks_says_so_in_plain_english(
    coordinator_a, client, infant_a, caregiver_a
):
    _, path = send_link(coordinator_a, infant_a, caregiver_a, ["phq9:caregiver"], language="vi")

    start = client.get(path)
    form = client.get(f"{path}phq9/")

    assert 'lang="en"' in start.content.decode()  # the page is honest about its language
    assert "not available in Vietnamese" in form.content.decode()
    assert "Little interest or pleasure in doing things" in form.content.decode()
