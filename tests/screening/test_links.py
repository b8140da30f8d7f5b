"""Pre-visit links end to end: sending, the family's pages in their language, stopping a link."""

import logging
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core.logging import NoPhiFilter
from medhome.periodicity.models import RowCompletion
from medhome.portal.models import FamilyLink
from medhome.screening import services
from medhome.screening.models import Administration, Status

from .support import (
    NEARLY_EVERY_DAY,
    SEVERAL_DAYS,
    phq9,
    send_link,
)

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


def test_a_reason_for_a_screener_not_due_stays_with_that_screener(
    coordinator_a, infant_a, caregiver_a
):
    # The infant is due the caregiver's PHQ-9, not the PHQ-2: one link, one reason for the PHQ-2.
    _response, path = send_link(
        coordinator_a,
        infant_a,
        caregiver_a,
        ["phq9:caregiver", "phq2:caregiver"],
        reason="Mother asked about worry",
    )
    link = FamilyLink.objects.get()
    for key in ("phq9", "phq2"):
        services.family_administration(link, key, at=timezone.now())

    given = dict(Administration.objects.values_list("instrument_key", "override_reason"))
    assert path and link.screeners.not_due == ["phq2"]
    assert given == {"phq9": "", "phq2": "Mother asked about worry"}


def test_a_reason_given_with_only_due_screeners_is_not_kept(coordinator_a, infant_a, caregiver_a):
    send_link(coordinator_a, infant_a, caregiver_a, ["phq9:caregiver"], reason="Just because")

    assert FamilyLink.objects.get().screeners.override_reason == ""


@pytest.mark.parametrize(("choice", "kept"), [("phq9:caregiver", ""), ("phq2:caregiver", "Asked")])
def test_on_the_tablet_a_reason_is_kept_only_for_a_screener_not_due(
    coordinator_a, infant_a, caregiver_a, choice, kept
):
    coordinator_a.post(
        reverse("screening:start", kwargs={"child_id": infant_a.pk}),
        {
            "instrument": choice,
            "mode": "tablet",
            "caregiver": caregiver_a.pk,
            "override_reason": "Asked",
        },
    )

    assert Administration.objects.get().override_reason == kept


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


def test_a_stopped_link_no_longer_opens(coordinator_a, client, phq9_link):
    link = FamilyLink.objects.get()

    stopped = coordinator_a.post(reverse("portal:revoke", kwargs={"link_id": link.pk}))
    response = client.get(phq9_link)

    assert stopped.status_code == 302
    assert response.status_code == 410 and response.context["reason"] == "revoked"
    assert AuditEvent.objects.filter(object_type="portal.familylink", action="update").exists()


def test_a_link_in_a_language_medhome_lacks_says_so_in_plain_english(
    coordinator_a, client, infant_a, caregiver_a
):
    _, path = send_link(coordinator_a, infant_a, caregiver_a, ["phq9:caregiver"], language="vi")

    start = client.get(path)
    form = client.get(f"{path}phq9/")

    assert 'lang="en"' in start.content.decode()  # the page is honest about its language
    assert "not available in Vietnamese" in form.content.decode()
    assert "Little interest or pleasure in doing things" in form.content.decode()
