"""The one link mechanism: digest only, bound to a caregiver, per-purpose lifetime and reuse,
revoke by whoever may issue, a token opens only its own purpose's pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from medhome.audit.models import AuditEvent
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from tests import factories

from .conftest import MOMENT

pytestmark = pytest.mark.django_db


def issue(actor, child, caregiver, purpose=Purpose.CARE_PLAN, **extra):
    return links.issue_link(
        actor=actor, purpose=purpose, child=child, caregiver=caregiver, at=MOMENT, **extra
    )


def test_the_token_is_returned_once_and_only_its_digest_is_kept(coordinator, child_a, caregiver_a):
    link, token = issue(coordinator, child_a, caregiver_a)

    stored = FamilyLink.objects.get()
    assert stored.token_digest == links.digest(token) and token not in stored.token_digest
    assert stored.caregiver == caregiver_a and stored.language == "es"  # Marisol's language
    event = AuditEvent.objects.get(object_type=links.LINK_OBJECT, action="create")
    assert event.detail["purpose"] == "care_plan"
    assert event.detail["caregiver"] == str(caregiver_a.pk)


def test_a_link_is_bound_to_a_caregiver_of_the_childs_own_family(coordinator, child_a, caregiver_b):
    with pytest.raises(ValidationError) as nobody:
        issue(coordinator, child_a, None)
    with pytest.raises(ValidationError) as stranger:
        issue(coordinator, child_a, caregiver_b)

    assert "caregiver" in nobody.value.message_dict and "caregiver" in stranger.value.message_dict
    assert not FamilyLink.objects.exists()


def test_only_a_role_that_may_issue_a_purpose_issues_it(
    front_desk, child_a, caregiver_a, staff_a, practice_a
):
    from medhome.accounts.roles import Role

    legal = factories.actor_for(staff_a[Role.LEGAL_PARTNER], practice_a, Role.LEGAL_PARTNER)

    with pytest.raises(PermissionDenied):
        issue(front_desk, child_a, caregiver_a, Purpose.CARE_PLAN)
    with pytest.raises(PermissionDenied):
        issue(legal, child_a, caregiver_a, Purpose.SCREENING)
    assert issue(front_desk, child_a, caregiver_a, Purpose.SCREENING)[0].pk


@pytest.mark.parametrize(
    ("purpose", "days"),
    [(Purpose.SCREENING, 7), (Purpose.CARE_PLAN, 90), (Purpose.REFERRAL_STATUS, 60)],
)
def test_each_purpose_has_its_lifetime(coordinator, child_a, caregiver_a, purpose, days):
    _link, token = issue(coordinator, child_a, caregiver_a, purpose)

    assert links.open_link(
        token, purpose=purpose, at=MOMENT + timedelta(days=days) - timedelta(seconds=1)
    )
    with pytest.raises(links.LinkInvalid) as expired:
        links.open_link(token, purpose=purpose, at=MOMENT + timedelta(days=days))
    assert expired.value.reason == "expired"


def test_a_lifetime_is_a_setting(settings, coordinator, child_a, caregiver_a):
    settings.MEDHOME_FAMILY_LINK_DAYS = {"care_plan": 30}

    link, _token = issue(coordinator, child_a, caregiver_a)

    assert link.expires_at - link.created_at == timedelta(days=30)


def test_a_token_opens_only_the_pages_of_its_own_purpose(coordinator, child_a, caregiver_a):
    _link, token = issue(coordinator, child_a, caregiver_a, Purpose.SCREENING)

    for other in (Purpose.CARE_PLAN, Purpose.REFERRAL_STATUS):
        with pytest.raises(links.LinkInvalid) as refused:
            links.open_link(token, purpose=other, at=MOMENT)
        assert refused.value.reason == "unknown" and refused.value.link is None
    with pytest.raises(links.LinkInvalid):
        links.open_link("not-a-token", purpose=Purpose.SCREENING, at=MOMENT)


def test_a_screening_link_is_used_once_a_plan_link_comes_back(coordinator, child_a, caregiver_a):
    screening, screening_token = issue(coordinator, child_a, caregiver_a, Purpose.SCREENING)
    plan, plan_token = issue(coordinator, child_a, caregiver_a, Purpose.CARE_PLAN)

    links.finish_link(link_id=screening.pk, done=True, at=MOMENT)
    links.finish_link(link_id=plan.pk, done=True, at=MOMENT)

    with pytest.raises(links.LinkInvalid) as used:
        links.open_link(screening_token, purpose=Purpose.SCREENING, at=MOMENT)
    assert used.value.reason == "used"
    for day in (1, 2, 30):
        assert links.open_link(
            plan_token, purpose=Purpose.CARE_PLAN, at=MOMENT + timedelta(days=day)
        )


def test_opening_records_when_the_link_was_last_used(coordinator, child_a, caregiver_a):
    link, token = issue(coordinator, child_a, caregiver_a)

    links.open_link(token, purpose=Purpose.CARE_PLAN, at=MOMENT + timedelta(hours=3))

    link.refresh_from_db()
    assert link.last_opened_at == MOMENT + timedelta(hours=3)


def test_revoking_stops_the_link_and_is_audited_once(coordinator, child_a, caregiver_a):
    link, token = issue(coordinator, child_a, caregiver_a)

    links.revoke_link(actor=coordinator, link=link, at=MOMENT)
    links.revoke_link(actor=coordinator, link=link, at=MOMENT + timedelta(hours=1))

    link.refresh_from_db()
    assert link.revoked_at == MOMENT and link.revoked_by == coordinator.user
    with pytest.raises(links.LinkInvalid) as revoked:
        links.open_link(token, purpose=Purpose.CARE_PLAN, at=MOMENT)
    assert revoked.value.reason == "revoked"
    assert AuditEvent.objects.filter(object_type=links.LINK_OBJECT, action="update").count() == 1


def test_who_may_issue_a_purpose_may_revoke_it_and_nobody_else(
    coordinator, front_desk, child_a, caregiver_a, clinician_b, practice_b
):
    from medhome.accounts.roles import Role

    plan_link, _ = issue(coordinator, child_a, caregiver_a, Purpose.CARE_PLAN)
    screening_link, _ = issue(coordinator, child_a, caregiver_a, Purpose.SCREENING)
    other_practice = factories.actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)

    with pytest.raises(PermissionDenied):
        links.revoke_link(actor=front_desk, link=plan_link, at=MOMENT)
    with pytest.raises(Http404):
        links.revoke_link(actor=other_practice, link=plan_link, at=MOMENT)
    links.revoke_link(actor=front_desk, link=screening_link, at=MOMENT)

    assert FamilyLink.objects.get(pk=plan_link.pk).revoked_at is None
    assert FamilyLink.objects.get(pk=screening_link.pk).revoked_at == MOMENT


def test_the_page_language_rule(coordinator, child_a, caregiver_a):
    link, _ = issue(coordinator, child_a, caregiver_a)  # Spanish
    link_vi, _ = issue(coordinator, child_a, caregiver_a, language="vi")

    assert links.page_language(chosen=None, link=link, browser="en") == "es"
    assert links.page_language(chosen="en", link=link, browser="es") == "en"
    assert links.page_language(chosen="fr", link=None, browser="es") == "es"
    assert links.page_language(chosen=None, link=link_vi, browser="de") == "en"
    assert link_vi.language == "vi"  # kept: a screener may exist in the family's language
