"""The family's door and the staff's one place for a family's links."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from tests import factories

pytestmark = pytest.mark.django_db


def issue(actor, child, caregiver, purpose=Purpose.REFERRAL_STATUS, **extra):
    return links.issue_link(
        actor=actor, purpose=purpose, child=child, caregiver=caregiver, at=clock.now(), **extra
    )


def status_url(token: str) -> str:
    return reverse("portal:referral_status", args=[token])


# --- The invalid page ---------------------------------------------------------------------


def test_an_unknown_token_answers_404_in_the_browsers_language_with_no_detail(client):
    response = client.get(status_url("nope-" * 8), HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 404
    assert response.context["reason"] == "unknown"
    assert '<html lang="es">' in response.content.decode()
    assert "Este enlace no funciona" in response.content.decode()


def test_an_expired_link_answers_410_in_the_familys_language(
    client, coordinator, child_a, caregiver_a
):
    _link, token = issue(coordinator, child_a, caregiver_a)  # Marisol reads Spanish

    with time_machine.travel(clock.now() + timedelta(days=61)):
        expired = client.get(status_url(token), HTTP_ACCEPT_LANGUAGE="en")
        in_english = client.get(status_url(token) + "?lang=en")

    assert expired.status_code == 410 and expired.context["reason"] == "expired"
    assert "Este enlace ya venció" in expired.content.decode()
    assert in_english.status_code == 410 and "This link has expired" in in_english.content.decode()
    assert child_a.legal_given_name not in expired.content.decode()


def test_a_revoked_link_answers_410(client, coordinator, child_a, caregiver_a):
    link, token = issue(coordinator, child_a, caregiver_a)
    links.revoke_link(actor=coordinator, link=link, at=clock.now())

    response = client.get(status_url(token))

    assert response.status_code == 410 and response.context["reason"] == "revoked"


# --- Guessing ------------------------------------------------------------------------------


def test_wrong_tokens_are_limited_per_address_with_retry_after(
    settings, coordinator, child_a, caregiver_a
):
    settings.MEDHOME_FAMILY_LINK_GUESSES = 3
    _link, token = issue(coordinator, child_a, caregiver_a)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    neighbour = Client(REMOTE_ADDR="198.51.100.4")

    with time_machine.travel("2026-03-04 12:00:10-05:00", tick=False):
        tries = [guesser.get(status_url(f"guess-{n:040d}")).status_code for n in range(3)]
        stopped = guesser.get(status_url("guess-again"), HTTP_ACCEPT_LANGUAGE="es")
        even_a_real_one = guesser.get(reverse("portal:plan", args=[token]))
        elsewhere = neighbour.get(status_url(token))
    with time_machine.travel("2026-03-04 12:01:01-05:00", tick=False):
        next_minute = guesser.get(status_url(token))

    assert tries == [404, 404, 404]
    assert stopped.status_code == 429 and stopped["Retry-After"] == "50"
    assert "Demasiados intentos" in stopped.content.decode()
    assert even_a_real_one.status_code == 429
    assert elsewhere.status_code == 200
    assert next_minute.status_code == 200


def test_an_expired_or_revoked_token_is_no_guess(
    settings, client, coordinator, child_a, caregiver_a
):
    settings.MEDHOME_FAMILY_LINK_GUESSES = 2
    link, token = issue(coordinator, child_a, caregiver_a)
    links.revoke_link(actor=coordinator, link=link, at=clock.now())

    answers = [client.get(status_url(token)).status_code for _ in range(5)]

    assert answers == [410] * 5


# --- The referral-status page -------------------------------------------------------------


def test_the_status_link_shows_only_what_its_caregiver_consented_to(
    client, coordinator, staff_a, family_a, child_a, caregiver_a
):
    second = factories.add_caregiver(family_a, given_name="Rafael", phone="+16175550100")
    user = staff_a[Role.CARE_COORDINATOR]
    factories.sent_referral(child_a, caregiver_a, user, factories.organization("Harbor Pantry"))
    factories.sent_referral(child_a, second, user, factories.organization("Tidewater Pantry"))
    _link, token = issue(coordinator, child_a, caregiver_a)

    page = client.get(status_url(token)).content.decode()

    assert "Harbor Pantry" in page
    assert "Tidewater Pantry" not in page  # Rafael consented to that one, not Marisol


def test_staff_make_a_status_link_for_the_consenting_caregiver(
    log_in, staff_a, practice_a, coordinator, family_a, child_a, caregiver_a
):
    second = factories.add_caregiver(family_a, given_name="Rafael", phone="+16175550100")
    referral = factories.sent_referral(
        child_a, second, staff_a[Role.CARE_COORDINATOR], factories.organization("Harbor Pantry")
    )
    staff = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)

    made = staff.post(reverse("referrals:status_link", args=[referral.pk]))
    chosen = staff.post(
        reverse("referrals:status_link", args=[referral.pk]), {"caregiver": str(caregiver_a.pk)}
    )
    malformed = staff.post(
        reverse("referrals:status_link", args=[referral.pk]), {"caregiver": "not-a-uuid"}
    )

    assert made.status_code == 200 and chosen.status_code == 200
    assert malformed.status_code == 400  # a malformed id is the client's mistake (core.params)
    bound = list(
        FamilyLink.objects.order_by("created_at", "caregiver__given_name").values_list(
            "caregiver__given_name", flat=True
        )
    )
    assert sorted(bound) == sorted(["Rafael", caregiver_a.given_name])


# --- Staff: every live link of the family -------------------------------------------------


def test_staff_see_every_live_link_of_the_family_and_revoke_one(
    log_in, staff_a, practice_a, coordinator, family_a, child_a, caregiver_a
):
    sibling = factories.add_child(family_a, legal_given_name="Inés", mrn="IG-4004")
    plan, _ = issue(coordinator, child_a, caregiver_a, Purpose.CARE_PLAN)
    status, _ = issue(coordinator, sibling, caregiver_a)
    gone, _ = issue(coordinator, child_a, caregiver_a, Purpose.SCREENING)
    links.revoke_link(actor=coordinator, link=gone, at=clock.now())
    staff = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    page_url = reverse("portal:family_links", args=[child_a.pk])

    listed = staff.get(page_url)
    revoked = staff.post(reverse("portal:revoke", args=[plan.pk]))
    after = staff.get(page_url)

    assert listed.status_code == 200
    assert {link.pk for link in listed.context["links"]} == {plan.pk, status.pk}
    assert "Inés" in listed.content.decode()
    assert revoked.status_code == 302 and revoked["Location"] == page_url
    assert {link.pk for link in after.context["links"]} == {status.pk}
    assert AuditEvent.objects.filter(
        object_type=links.LINK_OBJECT, object_id=str(plan.pk), action="update"
    ).exists()


def test_revoking_needs_a_post_with_csrf_and_the_right_role(
    log_in, staff_a, practice_a, coordinator, child_a, caregiver_a
):
    plan, _ = issue(coordinator, child_a, caregiver_a, Purpose.CARE_PLAN)
    url = reverse("portal:revoke", args=[plan.pk])
    strict = log_in(staff_a[Role.CARE_COORDINATOR], practice_a, enforce_csrf_checks=True)
    front_desk = log_in(staff_a[Role.FRONT_DESK], practice_a)
    legal = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)

    answers = [
        log_in(staff_a[Role.CARE_COORDINATOR], practice_a).get(url).status_code,
        strict.post(url).status_code,
        front_desk.post(url).status_code,
        legal.get(reverse("portal:family_links", args=[child_a.pk])).status_code,
    ]

    assert answers == [405, 403, 403, 403]
    assert FamilyLink.objects.get().revoked_at is None


def test_another_practices_links_are_404(
    log_in, clinician_b, practice_b, coordinator, child_a, caregiver_a
):
    plan, _ = issue(coordinator, child_a, caregiver_a, Purpose.CARE_PLAN)
    other = log_in(clinician_b, practice_b)

    page = other.get(reverse("portal:family_links", args=[child_a.pk]))
    revoke = other.post(reverse("portal:revoke", args=[plan.pk]))

    assert page.status_code == 404 and revoke.status_code == 404
    assert FamilyLink.objects.get().revoked_at is None


def test_the_chart_leads_to_the_familys_links(client_a, coordinator, child_a, caregiver_a):
    issue(coordinator, child_a, caregiver_a, Purpose.CARE_PLAN)

    chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert reverse("portal:family_links", args=[child_a.pk]) in chart
    assert "1 live link" in chart


def test_a_safety_referral_never_shows_on_the_status_link(
    client, coordinator, staff_a, child_a, caregiver_a
):
    from medhome.referrals.models import Referral

    sent = factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], factories.organization("Safe House")
    )
    Referral.objects.filter(pk=sent.pk).update(need="safety")  # sent, consented by her
    _link, token = issue(coordinator, child_a, caregiver_a)

    page = client.get(status_url(token)).content.decode()

    assert "Safe House" not in page


def test_revoking_from_a_page_goes_back_to_it_but_never_off_site(
    client_a, coordinator, child_a, caregiver_a
):
    plan, _ = issue(coordinator, child_a, caregiver_a, Purpose.CARE_PLAN)
    status, _ = issue(coordinator, child_a, caregiver_a)
    plan_page = reverse("careplan:plan", args=[child_a.pk])

    back = client_a.post(reverse("portal:revoke", args=[plan.pk]), {"next": plan_page})
    away = client_a.post(
        reverse("portal:revoke", args=[status.pk]), {"next": "https://evil.example/"}
    )

    assert back["Location"] == plan_page
    assert away["Location"] == reverse("portal:family_links", args=[child_a.pk])
