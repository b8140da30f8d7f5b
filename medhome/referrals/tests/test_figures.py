"""Loop figures on a hand-built set, and the family's summary."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from medhome.referrals import selectors, services
from medhome.referrals.selectors import ServiceDetails
from medhome.referrals.states import Status

from .conftest import MOMENT
from .helpers import draft, sent

pytestmark = pytest.mark.django_db


def test_loop_figures(
    coordinator,
    front_desk,
    food_bank_staff,
    legal_aid_staff,
    clinician_b_actor,
    child_a,
    caregiver_a,
    child_b,
    caregiver_b,
    food_bank,
    legal_aid,
):
    def to_food(days_to_close=None, end=None, reason=""):
        referral = sent(coordinator, child_a, caregiver_a, food_bank)
        if end in (Status.REJECTED, Status.CANCELLED) and end == Status.REJECTED:
            services.change_status(
                actor=food_bank_staff, referral=referral, to_status=end, reason="full", at=MOMENT
            )
            return referral
        services.change_status(
            actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=MOMENT
        )
        if days_to_close is not None:
            services.change_status(
                actor=food_bank_staff,
                referral=referral,
                to_status=Status.COMPLETED,
                outcome="need_met",
                at=MOMENT + timedelta(days=days_to_close),
            )
        elif end is not None:
            services.change_status(
                actor=food_bank_staff, referral=referral, to_status=end, reason="x", at=MOMENT
            )
        return referral

    to_food(days_to_close=2)
    to_food(days_to_close=4)
    to_food(days_to_close=9)
    to_food(end=Status.REJECTED)
    to_food(end=Status.FAILED)
    to_food(end=Status.CANCELLED)  # accepted, then cancelled: counts as accepted
    to_food()  # accepted, still open
    legal = sent(coordinator, child_a, caregiver_a, legal_aid, need="legal")
    services.change_status(
        actor=legal_aid_staff, referral=legal, to_status=Status.ACCEPTED, at=MOMENT
    )
    services.change_status(
        actor=legal_aid_staff,
        referral=legal,
        to_status=Status.COMPLETED,
        outcome="not_met",
        at=MOMENT + timedelta(days=1),
    )
    error = sent(coordinator, child_a, caregiver_a, legal_aid, need="legal")
    services.change_status(
        actor=coordinator, referral=error, to_status=Status.ENTERED_IN_ERROR, at=MOMENT
    )
    draft(coordinator, child_a, food_bank)  # never sent
    sent(clinician_b_actor, child_b, caregiver_b, food_bank)  # another practice
    outside = sent(coordinator, child_a, caregiver_a, food_bank, at=MOMENT - timedelta(days=40))

    figures = selectors.loop_figures(coordinator, start=date(2026, 3, 1), end=date(2026, 3, 31))
    total = figures.total
    assert (total.sent, total.accepted, total.completed) == (8, 7, 4)
    assert (total.rejected, total.failed, total.cancelled) == (1, 1, 1)
    assert total.median_days_to_close == 3.0  # 1, 2, 4, 9
    by_need = {row.key: row for row in figures.by_need}
    assert by_need["food"].sent == 7 and by_need["food"].median_days_to_close == 4.0
    assert by_need["legal"].sent == 1 and by_need["legal"].completed == 1
    by_org = {row.label: row for row in figures.by_organization}
    assert by_org[food_bank.name].accepted == 6 and by_org[legal_aid.name].rejected == 0
    assert by_org[legal_aid.name].median_days_to_close == 1.0
    assert outside.requested_at.date() < figures.start
    with pytest.raises(PermissionDenied):
        selectors.loop_figures(front_desk, start=date(2026, 3, 1), end=date(2026, 3, 31))
    with pytest.raises(PermissionDenied):
        selectors.loop_figures(food_bank_staff, start=date(2026, 3, 1), end=date(2026, 3, 31))


def test_family_summary(coordinator, child_a, caregiver_a, food_bank, pantry_service):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, service=pantry_service)
    summary = selectors.family_summary(referral)
    assert summary.organization_name == food_bank.name
    assert summary.service_name == pantry_service.name
    assert summary.language == "es" and not summary.confidential
    assert summary.details == ServiceDetails()
    filled = selectors.family_summary(
        referral, details=lambda r: ServiceDetails(phone="+16175550111", what_to_bring=("ID",))
    )
    assert filled.details.what_to_bring == ("ID",)
