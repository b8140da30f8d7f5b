"""The chart's program actions through the views: offer, enrol (with and without an override),
an enrolment's steps, a contact in seconds with its concrete supports — every allowed and refused
action, its message next to its field, nothing half-saved, 403 without programs.work and 404 for
another practice's rows."""

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.programs import services
from medhome.programs.models import Enrolment, EnrolmentChange
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, child, program) -> str:
    return reverse(f"programs:{name}", args=[child.pk, program.pk])


def enrolled(specialist, program, child, **extra) -> Enrolment:
    return services.enrol(
        actor=specialist,
        program=program,
        child=child,
        on=clock.today(),
        at=clock.now(),
        agreement="spoken",
        **extra,
    )


# --- offer -----------------------------------------------------------------------------------


def test_an_offer_answers_the_section_and_puts_the_family_on_the_offerers_caseload(
    specialist_client, staff_a, programs_a, baby
):
    response = specialist_client.post(url("offer", baby, programs_a["dulce"]), **HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#programs"
    assert "Offered" in response.content.decode()
    enrolment = Enrolment.objects.get()
    assert (enrolment.status, enrolment.staff) == ("offered", staff_a[Role.FAMILY_SPECIALIST])


def test_an_offer_without_javascript_goes_back_to_the_chart(specialist_client, programs_a, baby):
    response = specialist_client.post(url("offer", baby, programs_a["dulce"]))

    assert response.status_code == 302
    assert response["Location"].endswith("#programs")


def test_a_second_offer_is_refused_with_its_reason(specialist_client, programs_a, baby):
    specialist_client.post(url("offer", baby, programs_a["dulce"]), **HTMX)

    response = specialist_client.post(url("offer", baby, programs_a["dulce"]), **HTMX)

    assert "already has DULCE offered or is enrolled" in response.content.decode()
    assert Enrolment.objects.count() == 1


def test_an_offer_outside_the_ages_is_refused(specialist_client, programs_a, toddler):
    response = specialist_client.post(url("offer", toddler, programs_a["dulce"]), **HTMX)

    assert "DULCE is for children from birth to under 6 months" in response.content.decode()
    assert not Enrolment.objects.exists()


# --- enrol -----------------------------------------------------------------------------------


def test_the_enrol_form_asks_the_override_only_of_a_clinician(
    specialist_client, client_a, programs_a, baby
):
    for_specialist = specialist_client.get(url("enrol", baby, programs_a["healthysteps"]))
    for_pediatrician = client_a.get(url("enrol", baby, programs_a["healthysteps"]), **HTMX)

    assert 'name="override_reason"' not in for_specialist.content.decode()
    assert 'name="tier"' in for_specialist.content.decode()
    assert 'name="override_reason"' in for_pediatrician.content.decode()
    assert "<html" not in for_pediatrician.content.decode()  # the form alone, for its slot


def test_enrol_records_agreement_caregiver_tier_and_caseload(
    specialist_client, staff_a, caregiver_a, programs_a, baby
):
    specialist = staff_a[Role.FAMILY_SPECIALIST]
    response = specialist_client.post(
        url("enrol", baby, programs_a["healthysteps"]),
        {
            "on": clock.today().isoformat(),
            "agreement": "written",
            "agreed_by": caregiver_a.pk,
            "tier": "3",
            "staff": specialist.pk,
        },
    )

    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.status, enrolment.tier, enrolment.agreement) == ("enrolled", "3", "written")
    assert (enrolment.agreed_by, enrolment.staff) == (caregiver_a, specialist)


def test_enrol_without_an_agreement_shows_the_message_by_its_field(
    specialist_client, programs_a, baby
):
    response = specialist_client.post(
        url("enrol", baby, programs_a["dulce"]), {"on": clock.today().isoformat()}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["agreement"]
    assert not Enrolment.objects.exists()


def test_enrol_outside_the_eligibility_is_refused_unless_a_clinician_overrides(
    specialist_client, client_a, programs_a, toddler
):
    data = {"on": clock.today().isoformat(), "agreement": "spoken"}
    refused = specialist_client.post(url("enrol", toddler, programs_a["dulce"]), data)
    no_reason = client_a.post(url("enrol", toddler, programs_a["dulce"]), data)
    overridden = client_a.post(
        url("enrol", toddler, programs_a["dulce"]),
        data | {"override_reason": "Older sibling's family specialist knows them"},
    )

    assert refused.status_code == 400
    assert "DULCE is for children" in refused.context["form"].errors["on"][0]
    assert no_reason.status_code == 400
    assert overridden.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.override_reason == "Older sibling's family specialist knows them"


def test_a_caregiver_of_another_family_is_not_a_choice(
    specialist_client, programs_a, baby, caregiver_b
):
    response = specialist_client.post(
        url("enrol", baby, programs_a["dulce"]),
        {"on": clock.today().isoformat(), "agreement": "spoken", "agreed_by": caregiver_b.pk},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["agreed_by"]


# --- an enrolment's steps --------------------------------------------------------------------


def step(client, enrolment, **data):
    return client.post(reverse("programs:enrolment_action", args=[enrolment.pk]), data)


def test_a_tier_change_needs_a_reason(specialist_client, specialist, programs_a, baby):
    enrolment = enrolled(specialist, programs_a["healthysteps"], baby, tier="1")
    today = clock.today().isoformat()

    refused = step(specialist_client, enrolment, action="tier", tier="2", on=today, reason="")
    done = step(specialist_client, enrolment, action="tier", tier="2", on=today, reason="Sleep")

    assert refused.status_code == 400
    assert refused.context["forms"][0][2].errors["reason"]
    assert done.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.tier == "2"
    assert EnrolmentChange.objects.filter(to_tier="2", reason="Sleep").exists()


def test_the_service_refusal_lands_on_the_tier_field(
    specialist_client, specialist, programs_a, baby
):
    enrolment = enrolled(specialist, programs_a["healthysteps"], baby, tier="1")

    response = step(
        specialist_client,
        enrolment,
        action="tier",
        tier="1",
        on=clock.today().isoformat(),
        reason="Same",
    )

    assert response.status_code == 400
    assert "already in that tier" in response.content.decode()


def test_leaving_needs_a_reason_and_graduating_does_not(
    specialist_client, specialist, programs_a, baby
):
    dulce = enrolled(specialist, programs_a["dulce"], baby)
    vip = enrolled(specialist, programs_a["vip"], baby)
    today = clock.today().isoformat()

    refused = step(specialist_client, dulce, action="left", on=today, reason="")
    graduated = step(specialist_client, vip, action="graduated", on=today, reason="")

    assert refused.status_code == 400
    assert "Say why the family left the program." in refused.content.decode()
    assert graduated.status_code == 302
    dulce.refresh_from_db()
    vip.refresh_from_db()
    assert (dulce.status, vip.status) == ("enrolled", "graduated")


def test_a_declined_offer_and_a_step_its_status_does_not_allow(
    specialist_client, specialist, programs_a, baby
):
    offered = services.offer(
        actor=specialist,
        program=programs_a["dulce"],
        child=baby,
        on=clock.today(),
        at=clock.now(),
    )
    today = clock.today().isoformat()

    wrong = step(specialist_client, offered, action="graduated", on=today, reason="")
    declined = step(specialist_client, offered, action="declined", on=today, reason="Too busy")

    assert wrong.status_code == 400
    assert "That step is not open to this enrolment." in wrong.content.decode()
    assert declined.status_code == 302
    offered.refresh_from_db()
    assert (offered.status, offered.end_reason) == ("declined", "Too busy")


def test_assign_to_a_colleague_whose_role_delivers_it(
    log_in, staff_a, practice_a, specialist, programs_a, baby
):
    chw_user = staff_a[Role.COMMUNITY_HEALTH_WORKER]
    chw = actor_for(chw_user, practice_a, Role.COMMUNITY_HEALTH_WORKER)
    enrolment = enrolled(chw, programs_a["chw"], baby)
    client = log_in(chw_user, practice_a)

    page = client.get(reverse("programs:enrolment_action", args=[enrolment.pk]))
    done = client.post(
        reverse("programs:enrolment_action", args=[enrolment.pk]),
        {"action": "assign", "staff": chw_user.pk},
        **HTMX,
    )

    assert page.status_code == 200
    assert done.status_code == 200
    assert done["HX-Retarget"] == "#programs"
    enrolment.refresh_from_db()
    assert enrolment.staff == chw_user


# --- who may, and another practice -----------------------------------------------------------


def test_a_role_without_programs_work_is_refused(log_in, staff_a, practice_a, programs_a, baby):
    client = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)

    statuses = [
        client.post(url("offer", baby, programs_a["dulce"])).status_code,
        client.get(url("enrol", baby, programs_a["dulce"])).status_code,
        client.post(url("contact", baby, programs_a["dulce"]), {"kind": "dulce_visit"}).status_code,
    ]

    assert statuses == [403, 403, 403]
    assert not Enrolment.objects.exists()


def test_another_practices_child_program_and_enrolment_are_404(
    log_in, clinician_b, practice_b, specialist, programs_a, baby
):
    enrolment = enrolled(specialist, programs_a["dulce"], baby)
    client = log_in(clinician_b, practice_b)

    statuses = [
        client.post(url("offer", baby, programs_a["vip"])).status_code,
        client.get(url("enrol", baby, programs_a["vip"])).status_code,
        client.get(url("contact", baby, programs_a["dulce"])).status_code,
        client.post(
            reverse("programs:enrolment_action", args=[enrolment.pk]),
            {"action": "left", "on": clock.today().isoformat(), "reason": "x"},
        ).status_code,
    ]

    assert statuses == [404, 404, 404, 404]
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
