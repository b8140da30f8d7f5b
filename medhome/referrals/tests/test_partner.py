"""The organization's side: isolation, consent revocation, the consented minimum."""

from dataclasses import asdict
from datetime import date, timedelta

import pytest
from django.http import Http404

from medhome.referrals import selectors, services
from medhome.referrals.models import PartnerMembership
from medhome.referrals.states import Status
from tests.conftest import CAREGIVER_A, CHILD_A

from .conftest import MOMENT, partner_actor
from .helpers import consented, draft, screen, sent

pytestmark = pytest.mark.django_db
LATER = MOMENT + timedelta(hours=1)


def test_an_organization_sees_only_what_is_sent_to_it(
    coordinator, food_bank_staff, legal_aid_staff, child_a, caregiver_a, food_bank, legal_aid
):
    to_food = sent(coordinator, child_a, caregiver_a, food_bank)
    to_legal = sent(coordinator, child_a, caregiver_a, legal_aid, need="legal")
    draft_to_food = consented(coordinator, draft(coordinator, child_a, food_bank), caregiver_a)
    assert list(selectors.partner_referrals(food_bank_staff)) == [to_food]
    assert list(selectors.partner_referrals(legal_aid_staff)) == [to_legal]
    assert selectors.access_partner_referral(food_bank_staff, to_food.pk) == to_food
    # Another organization's referral ids, a draft, garbage: all the same 404.
    for actor, referral_id in [
        (food_bank_staff, to_legal.pk),
        (legal_aid_staff, to_food.pk),
        (food_bank_staff, draft_to_food.pk),
        (food_bank_staff, "not-a-uuid"),
    ]:
        with pytest.raises(Http404):
            selectors.access_partner_referral(actor, referral_id)


def test_practice_staff_and_strangers_get_nothing_from_the_partner_side(
    coordinator, child_a, caregiver_a, food_bank, outsider_in_food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    assert not selectors.partner_referrals(coordinator).exists()
    # Claims to act for the food bank without a membership.
    assert not selectors.partner_referrals(outsider_in_food_bank).exists()
    with pytest.raises(Http404):
        selectors.access_partner_referral(outsider_in_food_bank, referral.pk)


@pytest.fixture
def outsider_in_food_bank(food_bank):
    from tests.factories import make_user

    return partner_actor(make_user("impostor"), food_bank)


def test_revoking_consent_ends_access_at_once(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.change_status(
        actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=LATER
    )
    opened = selectors.access_partner_referral(food_bank_staff, referral.pk)
    services.revoke_consent(
        actor=coordinator, referral=referral, reason="Family said stop", at=LATER
    )
    assert not selectors.partner_referrals(food_bank_staff).exists()
    with pytest.raises(Http404):
        selectors.access_partner_referral(food_bank_staff, referral.pk)
    # Even holding the row fetched before, the organization can do nothing with it.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.change_status(
            actor=food_bank_staff, referral=opened, to_status=Status.IN_PROGRESS, at=LATER
        )
    with pytest.raises(PermissionDenied):
        services.partner_opened(actor=food_bank_staff, referral=opened, at=LATER)


def test_an_ended_membership_ends_access(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    PartnerMembership.objects.filter(user=food_bank_staff.user).update(is_active=False)
    assert not selectors.partner_referrals(food_bank_staff).exists()


def test_partner_view_holds_only_the_consented_minimum(
    coordinator, child_a, caregiver_a, food_bank
):
    administration = screen(child_a, domains=["food"])
    referral = draft(coordinator, child_a, food_bank, source_administration=administration)
    consented(coordinator, referral, caregiver_a, items=("need",))
    referral = services.send(actor=coordinator, referral=referral, at=MOMENT)
    view = selectors.partner_view(referral, today=date(2026, 3, 4))
    assert view.child_name == f"Referral {referral.number}"  # no "name" consent: no name
    assert view.need == "food"
    assert (view.contact_phone, view.contact_email, view.contact_name) == ("", "", "")
    assert (view.language, view.child_age, view.notes_to_share) == ("", "", "")
    text = repr(asdict(view))
    for secret in [
        CHILD_A["legal_given_name"],
        CHILD_A["legal_family_name"],
        CHILD_A["mrn"],
        "2023-05-17",
        CAREGIVER_A["phone"],
        "Food runs out",  # the team's own reason
        "Z59.41",
        "positive",
        "often",
        str(administration.pk),
    ]:
        assert secret not in text, secret
    assert not {"total", "band", "answers", "positive_domains"} & set(asdict(view))


def test_partner_view_shares_what_the_family_agreed_to(
    coordinator, child_a, caregiver_a, food_bank
):
    referral = draft(coordinator, child_a, food_bank)
    consented(
        coordinator,
        referral,
        caregiver_a,
        items=("name", "contact", "language", "need", "notes", "child_age"),
        notes="Call after 5pm, Spanish please.",
    )
    referral = services.send(actor=coordinator, referral=referral, at=MOMENT)
    view = selectors.partner_view(referral, today=date(2026, 3, 4))
    assert view.child_name == "Sofía García"
    assert view.child_age == "2 years"
    assert view.contact_phone == CAREGIVER_A["phone"]
    assert view.contact_name == "Marisol García"
    assert view.language == "es" and view.needs_interpreter is True
    assert view.notes_to_share == "Call after 5pm, Spanish please."


def test_a_safety_referral_shares_no_contact_even_if_marked(
    coordinator, child_a, caregiver_a, legal_aid
):
    referral = draft(coordinator, child_a, legal_aid, need="safety")
    consented(coordinator, referral, caregiver_a, items=("need", "language"))
    referral = services.send(actor=coordinator, referral=referral, at=MOMENT)
    # Even a consent row that lists contact (e.g. edited outside the service) shares none.
    referral.consent.shared_items = ["need", "contact"]
    referral.consent.save()
    view = selectors.partner_view(referral)
    assert view.contact_phone == "" and view.contact_email == ""
    assert "safety" in view.contact_withheld
