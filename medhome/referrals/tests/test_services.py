"""Starting, consenting, sending and changing referrals: rules, side checks, events, audit."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.audit.models import AuditEvent
from medhome.referrals import services
from medhome.referrals.models import Referral, ReferralConsent, ReferralEvent, ReferralMessage
from medhome.referrals.states import TRANSITIONS, InvalidTransition, Side, Status
from medhome.tasks.models import Task
from tests.factories import add_caregiver

from .conftest import MOMENT
from .helpers import consented, draft, screen, sent

pytestmark = pytest.mark.django_db
LATER = MOMENT + timedelta(hours=2)


def audit_actions(object_type: str, object_id: object) -> list[str]:
    return list(
        AuditEvent.objects.for_object(object_type, object_id)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# --- starting ---------------------------------------------------------------------------------


def test_start_a_draft_from_a_positive_screen(coordinator, child_a, food_bank, pantry_service):
    administration = screen(child_a, domains=["food", "transportation", "food", "unknown"])
    assert services.suggested_needs(administration) == ["food", "transportation"]
    referral = draft(
        coordinator,
        child_a,
        food_bank,
        service=pantry_service,
        source_administration=administration,
    )
    assert referral.status == Status.DRAFT and referral.source == "screening"
    assert referral.practice == child_a.practice and referral.version == 1
    assert referral.created_by == coordinator.user
    event = referral.events.get()
    assert (event.from_status, event.to_status, event.side) == ("", "draft", Side.PRACTICE)
    assert audit_actions("referral", referral.pk) == ["create"]
    detail = AuditEvent.objects.for_object("referral", referral.pk).get().detail
    assert "Food runs out" not in str(detail)  # names of fields, never values


def test_start_refuses_what_does_not_fit(
    coordinator, child_a, child_b, food_bank, legal_aid, pantry_service
):
    with pytest.raises(ValidationError) as refused:
        draft(coordinator, child_a, legal_aid, service=pantry_service)
    assert "service" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        draft(coordinator, child_a, "6b0b5d36-0000-4000-8000-000000000000")
    assert "organization" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        draft(coordinator, child_a, food_bank, need="pizza")
    assert "need" in refused.value.message_dict
    negative = screen(child_a, domains=[], positive=False)
    with pytest.raises(ValidationError, match="positive screen"):
        draft(coordinator, child_a, food_bank, source_administration=negative)
    other_child = screen(child_b, domains=["food"])
    with pytest.raises(PermissionDenied):
        draft(coordinator, child_b, food_bank)  # another practice's child
    with pytest.raises(ValidationError, match="another child"):
        draft(coordinator, child_a, food_bank, source_administration=other_child)
    assert not Referral.objects.exists()


def test_start_needs_referral_send(front_desk, food_bank_staff, child_a, food_bank):
    for actor in (front_desk, food_bank_staff):
        with pytest.raises(PermissionDenied):
            draft(actor, child_a, food_bank)


# --- consent and sending ----------------------------------------------------------------------


def test_send_is_refused_without_consent(coordinator, child_a, food_bank):
    referral = draft(coordinator, child_a, food_bank)
    with pytest.raises(InvalidTransition, match="consent"):
        services.send(actor=coordinator, referral=referral, at=MOMENT)
    with pytest.raises(InvalidTransition, match="consent"):
        services.change_status(
            actor=coordinator, referral=referral, to_status=Status.REQUESTED, at=MOMENT
        )
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT and referral.requested_at is None


def test_send_is_refused_when_consent_names_another_organization_or_is_revoked(
    coordinator, child_a, caregiver_a, food_bank, legal_aid
):
    referral = consented(coordinator, draft(coordinator, child_a, food_bank), caregiver_a)
    ReferralConsent.objects.filter(referral=referral).update(organization=legal_aid)
    with pytest.raises(InvalidTransition, match="consent"):
        services.send(actor=coordinator, referral=referral, at=MOMENT)
    ReferralConsent.objects.filter(referral=referral).update(organization=food_bank)
    services.revoke_consent(actor=coordinator, referral=referral, reason="changed mind", at=MOMENT)
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT  # draft → cancelled is not in the table
    with pytest.raises(InvalidTransition, match="consent"):
        services.send(actor=coordinator, referral=referral, at=MOMENT)
    # Consent given again on the draft replaces the revoked one.
    consented(coordinator, referral, caregiver_a, at=LATER)
    referral = services.send(actor=coordinator, referral=referral, at=LATER)
    assert referral.status == Status.REQUESTED and referral.requested_at == LATER


def test_consent_rules(coordinator, child_a, child_b, caregiver_a, caregiver_b, food_bank):
    referral = draft(coordinator, child_a, food_bank)

    def give(**overrides):
        values = {
            "actor": coordinator,
            "referral": referral,
            "caregiver": caregiver_a,
            "shared_items": ["need", "contact"],
            "notes_to_share": "",
            "method": "written",
            "at": MOMENT,
        } | overrides
        return services.record_consent(**values)

    refusals = [
        ({"caregiver": None}, "given_by"),
        ({"adolescent": True}, "given_by"),  # both a caregiver and the adolescent
        ({"caregiver": caregiver_b}, "given_by"),
        ({"caregiver": None, "adolescent": True}, "given_by"),  # a toddler
        ({"shared_items": ["need", "diagnosis"]}, "shared_items"),
        ({"shared_items": ["contact"]}, "shared_items"),
        ({"notes_to_share": "Tell them about the eviction"}, "notes_to_share"),
        ({"method": "telepathy"}, "method"),
    ]
    for overrides, field in refusals:
        with pytest.raises(ValidationError) as refused:
            give(**overrides)
        assert field in refused.value.message_dict, overrides
    consent = give(shared_items=["need", "contact", "need"])
    assert consent.shared_items == ["contact", "need"]
    assert consent.organization == food_bank and consent.given_by_caregiver == caregiver_a
    assert consent.recorded_by == coordinator.user and consent.is_active
    assert audit_actions("referral_consent", consent.pk) == ["create"]
    services.send(actor=coordinator, referral=referral, at=MOMENT)
    with pytest.raises(ValidationError, match="before the referral is sent"):
        give()


def test_a_caregiver_of_the_family_who_is_not_the_first_may_consent(
    coordinator, child_a, family_a, food_bank
):
    second = add_caregiver(family_a, given_name="Rafael", phone="+16175550100")
    referral = draft(coordinator, child_a, food_bank)
    consent = services.record_consent(
        actor=coordinator,
        referral=referral,
        caregiver=second,
        shared_items=["need"],
        method="verbal",
        at=MOMENT,
    )
    assert consent.given_by_caregiver == second


def test_safety_referral_never_shares_contact(coordinator, child_a, caregiver_a, legal_aid):
    referral = draft(coordinator, child_a, legal_aid, need="safety")
    with pytest.raises(ValidationError, match="safety referral"):
        consented(coordinator, referral, caregiver_a, items=("need", "contact"))


# --- changes of state through the service -----------------------------------------------------


def test_every_pair_through_the_service(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    """Each (from, to): the right side's change succeeds exactly when the table allows it."""
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    for source, target in itertools.product(list(Status), list(Status)):
        Referral.objects.filter(pk=referral.pk).update(
            status=source, outcome="need_met" if source == Status.COMPLETED else ""
        )
        referral.refresh_from_db()
        practice_sets = target in (Status.DRAFT, Status.REQUESTED, Status.ENTERED_IN_ERROR)
        actor = coordinator if practice_sets else food_bank_staff
        if source in (Status.DRAFT, Status.ENTERED_IN_ERROR) and actor is food_bank_staff:
            actor = coordinator  # the organization cannot reach these at all (tested below)
        kwargs = {
            "actor": actor,
            "referral": referral,
            "to_status": target,
            "reason": "why",
            "outcome": "need_met" if target == Status.COMPLETED else "",
            "at": LATER,
        }
        allowed = target in TRANSITIONS[source]
        side_ok = actor is food_bank_staff or target in (
            Status.REQUESTED,
            Status.CANCELLED,
            Status.ENTERED_IN_ERROR,
        )
        if allowed and side_ok:
            changed = services.change_status(**kwargs)
            assert changed.status == target
            assert changed.events.last().from_status == source
        elif allowed:
            with pytest.raises(InvalidTransition, match="Only the organization"):
                services.change_status(**kwargs)
        else:
            with pytest.raises(InvalidTransition):
                services.change_status(**kwargs)


def test_the_loop_closes_with_who_when_why(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    assert referral.requested_at == MOMENT
    referral = services.partner_opened(actor=food_bank_staff, referral=referral, at=LATER)
    assert referral.status == Status.RECEIVED and referral.first_response_at is None
    v = referral.version
    referral = services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status=Status.ACCEPTED,
        expected_version=v,
        at=LATER + timedelta(hours=1),
    )
    assert referral.first_response_at == LATER + timedelta(hours=1)
    referral = services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status=Status.IN_PROGRESS,
        at=LATER + timedelta(hours=2),
    )
    with pytest.raises(InvalidTransition, match="Say why"):
        services.change_status(
            actor=food_bank_staff, referral=referral, to_status=Status.ON_HOLD, at=LATER
        )
    with pytest.raises(InvalidTransition, match="outcome"):
        services.change_status(
            actor=food_bank_staff, referral=referral, to_status=Status.COMPLETED, at=LATER
        )
    done = MOMENT + timedelta(days=6)
    referral = services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status=Status.COMPLETED,
        outcome="need_met",
        outcome_note="Enrolled in the weekly pantry.",
        at=done,
    )
    assert referral.closed_at == done and referral.outcome == "need_met"
    events = list(referral.events.values_list("from_status", "to_status", "side", "actor_label"))
    assert events == [
        ("", "draft", "practice", str(coordinator.user)),
        ("draft", "requested", "practice", str(coordinator.user)),
        ("requested", "received", "organization", food_bank.name),
        ("received", "accepted", "organization", food_bank.name),
        ("accepted", "in_progress", "organization", food_bank.name),
        ("in_progress", "completed", "organization", food_bank.name),
    ]
    # Every action of the organization's staff is in the practice's audit trail.
    trail = AuditEvent.objects.for_object("referral", referral.pk).filter(
        actor=food_bank_staff.user
    )
    actions = trail.order_by("sequence").values_list("action", flat=True)
    assert list(actions) == ["view", "update"] + ["update"] * 3
    assert set(trail.values_list("practice", flat=True)) == {child_a.practice_id}


def test_stale_version_is_refused(coordinator, food_bank_staff, child_a, caregiver_a, food_bank):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    with pytest.raises(services.StaleReferral):
        services.change_status(
            actor=food_bank_staff,
            referral=referral,
            to_status=Status.ACCEPTED,
            expected_version=referral.version - 1,
            at=LATER,
        )


def test_side_checks(
    coordinator,
    front_desk,
    clinician_b_actor,
    food_bank_staff,
    legal_aid_staff,
    child_a,
    caregiver_a,
    food_bank,
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    for actor in (front_desk, clinician_b_actor, legal_aid_staff):
        with pytest.raises(PermissionDenied):
            services.change_status(
                actor=actor, referral=referral, to_status=Status.CANCELLED, reason="x", at=LATER
            )
        with pytest.raises(PermissionDenied):
            services.post_message(actor=actor, referral=referral, body="hello", at=LATER)
    with pytest.raises(InvalidTransition, match="Only the organization"):
        services.change_status(
            actor=coordinator, referral=referral, to_status=Status.ACCEPTED, at=LATER
        )
    with pytest.raises(InvalidTransition, match="Only the referring practice"):
        services.change_status(
            actor=food_bank_staff,
            referral=referral,
            to_status=Status.ENTERED_IN_ERROR,
            at=LATER,
        )
    # A membership that ended ends the access too.
    food_bank_staff.user.partner_memberships.update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.change_status(
            actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=LATER
        )


def test_the_organization_cannot_touch_a_draft(coordinator, food_bank_staff, child_a, food_bank):
    referral = draft(coordinator, child_a, food_bank)
    with pytest.raises(PermissionDenied):
        services.change_status(
            actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=LATER
        )


def test_practice_cancels_with_a_reason(coordinator, child_a, caregiver_a, food_bank):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    with pytest.raises(InvalidTransition, match="Say why"):
        services.change_status(
            actor=coordinator, referral=referral, to_status=Status.CANCELLED, at=LATER
        )
    referral = services.change_status(
        actor=coordinator,
        referral=referral,
        to_status=Status.CANCELLED,
        reason="Family found food help elsewhere",
        at=LATER,
    )
    assert referral.status_reason == "Family found food help elsewhere"
    assert referral.closed_at == LATER


# --- revocation, hand-off, messages -----------------------------------------------------------


def test_revoking_consent_cancels_and_settles_tasks(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.change_status(
        actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=LATER
    )
    services.sweep_follow_ups(now=MOMENT + timedelta(days=31))
    assert Task.objects.filter(status="open").count() == 1
    with pytest.raises(ValidationError):
        services.revoke_consent(actor=coordinator, referral=referral, reason=" ", at=LATER)
    referral = services.revoke_consent(
        actor=coordinator, referral=referral, reason="Family asked us to stop", at=LATER
    )
    assert referral.status == Status.CANCELLED
    assert referral.status_reason == services.CONSENT_REVOKED
    consent = ReferralConsent.objects.get(referral=referral)
    assert consent.revoked_at == LATER and consent.revoked_by == coordinator.user
    assert not Task.objects.filter(status="open").exists()
    assert audit_actions("referral_consent", consent.pk) == ["create", "update"]
    with pytest.raises(PermissionDenied):
        services.post_message(actor=food_bank_staff, referral=referral, body="hi", at=LATER)
    with pytest.raises(ValidationError, match="no consent in force"):
        services.revoke_consent(actor=coordinator, referral=referral, reason="again", at=LATER)


def test_revoking_after_completion_keeps_the_outcome(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status=Status.ACCEPTED,
        at=LATER,
    )
    services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status=Status.COMPLETED,
        outcome="partly_met",
        at=LATER,
    )
    referral = services.revoke_consent(
        actor=coordinator, referral=referral, reason="No more sharing", at=LATER
    )
    assert referral.status == Status.COMPLETED and referral.outcome == "partly_met"


def test_warm_handoff_to_an_on_site_partner(
    coordinator, child_a, caregiver_a, legal_aid, food_bank, on_site_legal_aid
):
    referral = consented(
        coordinator, draft(coordinator, child_a, legal_aid, need="legal"), caregiver_a
    )
    referral = services.warm_handoff(actor=coordinator, referral=referral, at=LATER)
    assert referral.status == Status.ACCEPTED and referral.warm_handoff
    assert referral.requested_at == LATER and referral.first_response_at == LATER
    last = referral.events.last()
    assert last.side == Side.PRACTICE and "warm hand-off" in last.actor_label
    not_on_site = sent(coordinator, child_a, caregiver_a, food_bank)
    with pytest.raises(ValidationError, match="on site"):
        services.warm_handoff(actor=coordinator, referral=not_on_site, at=LATER)
    with pytest.raises(InvalidTransition):
        services.warm_handoff(actor=coordinator, referral=referral, at=LATER)  # already accepted


def test_messages_both_ways(coordinator, food_bank_staff, child_a, caregiver_a, food_bank):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.post_message(actor=coordinator, referral=referral, body="Mornings are best.", at=LATER)
    message = services.post_message(
        actor=food_bank_staff,
        referral=referral,
        body="We called; no answer.",
        at=LATER + timedelta(minutes=5),
    )
    assert message.side == Side.ORGANIZATION and message.author == food_bank_staff.user
    assert list(ReferralMessage.objects.values_list("side", flat=True)) == [
        "practice",
        "organization",
    ]
    assert audit_actions("referral_message", message.pk) == ["create"]
    with pytest.raises(ValidationError):
        services.post_message(actor=coordinator, referral=referral, body="   ", at=LATER)


def test_entered_in_error_hides_the_referral_from_the_organization(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.change_status(
        actor=coordinator, referral=referral, to_status=Status.ENTERED_IN_ERROR, at=LATER
    )
    assert ReferralEvent.objects.filter(referral=referral, to_status="entered_in_error").exists()
    with pytest.raises(PermissionDenied):
        services.post_message(actor=food_bank_staff, referral=referral, body="?", at=LATER)


def test_transition_choices_for_the_views(coordinator, child_a, caregiver_a, food_bank):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    assert [s for s, _ in services.practice_transitions(referral)] == [
        "cancelled",
        "entered_in_error",
    ]
    assert [s for s, _ in services.organization_transitions(referral)] == [
        "accepted",
        "rejected",
        "cancelled",
    ]


def test_every_service_writes_an_audit_event(
    coordinator, food_bank_staff, child_a, caregiver_a, legal_aid, food_bank, on_site_legal_aid
):
    def audited(call):
        before = AuditEvent.objects.count()
        result = call()
        assert AuditEvent.objects.count() > before, call
        return result

    referral = audited(lambda: draft(coordinator, child_a, food_bank))
    audited(lambda: consented(coordinator, referral, caregiver_a))
    audited(lambda: services.send(actor=coordinator, referral=referral, at=LATER))
    audited(lambda: services.partner_opened(actor=food_bank_staff, referral=referral, at=LATER))
    audited(lambda: services.record_opened(actor=coordinator, referral=referral, at=LATER))
    audited(lambda: services.record_printed(actor=coordinator, referral=referral, at=LATER))
    audited(
        lambda: services.post_message(actor=food_bank_staff, referral=referral, body="Hi", at=LATER)
    )
    audited(
        lambda: services.change_status(
            actor=food_bank_staff, referral=referral, to_status="accepted", at=LATER
        )
    )
    audited(lambda: services.sweep_follow_ups(now=LATER + timedelta(days=40)))
    audited(
        lambda: services.revoke_consent(actor=coordinator, referral=referral, reason="r", at=LATER)
    )
    handoff = consented(
        coordinator, draft(coordinator, child_a, legal_aid, need="legal"), caregiver_a
    )
    audited(lambda: services.warm_handoff(actor=coordinator, referral=handoff, at=LATER))
    audited(
        lambda: services.update_settings(
            actor=coordinator,
            response_business_days=2,
            close_days=21,
            urgent_response_hours=6,
            at=LATER,
        )
    )
    assert services.settings_for(child_a.practice).close_days == 21
    # The organization's actions land in the referral's practice's chain.
    assert not AuditEvent.objects.exclude(practice=child_a.practice).exists()


def test_update_settings_rules(coordinator, front_desk, food_bank_staff):
    for actor in (front_desk, food_bank_staff):
        with pytest.raises(PermissionDenied):
            services.update_settings(
                actor=actor,
                response_business_days=3,
                close_days=30,
                urgent_response_hours=4,
                at=LATER,
            )
    with pytest.raises(ValidationError) as refused:
        services.update_settings(
            actor=coordinator,
            response_business_days=0,
            close_days=30,
            urgent_response_hours=0,
            at=LATER,
        )
    assert set(refused.value.message_dict) == {"response_business_days", "urgent_response_hours"}


def test_a_status_change_locks_only_its_own_rows(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    """FOR UPDATE locks every row a query joins: a referral locked with its practice made a
    deadlock with a concurrent audited read (its audit insert's foreign-key check takes the
    practice row after the audit head; the status change takes them the other way round). Found
    by the 50-user load test on PostgreSQL (docs/benchmarks.md, Load). SQLite takes no row
    locks, so there the statements carry no FOR UPDATE and only the change itself is checked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.change_status(
        actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=LATER
    )
    services.sweep_follow_ups(now=MOMENT + timedelta(days=31))
    with CaptureQueriesContext(connection) as queries:
        referral = services.revoke_consent(
            actor=coordinator, referral=referral, reason="Family asked us to stop", at=LATER
        )
    assert referral.status == Status.CANCELLED
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":
        joined = [sql for sql in locking if " JOIN " in sql]
        assert joined, "the referral and the tasks are read with their joins"
        assert all("FOR UPDATE OF" in sql for sql in joined), joined
    else:
        assert locking == []
