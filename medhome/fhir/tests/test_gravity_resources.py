"""ServiceRequest, Task and Consent: valid R4B, the rows each principal may read, the IG's
polling searches."""

from datetime import timedelta

import pytest
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from medhome.accounts.roles import Role, capabilities_of
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.fhir.registry import REGISTRY
from medhome.referrals import services as referrals
from medhome.smart.principal import FhirPrincipal
from medhome.smart.scopes import parse_scopes
from tests import factories

pytestmark = pytest.mark.django_db


def principal(actor, kind="user", organization=None):
    return FhirPrincipal(
        actor=actor,
        kind=kind,
        client_id="client-1",
        scopes=parse_scopes("system/*.rs"),
        organization_id=getattr(organization, "pk", None),
    )


@pytest.fixture
def pantry():
    return factories.organization("Eastside Food Pantry")


@pytest.fixture
def coordinator_actor(staff_a, practice_a):
    role = Role.CARE_COORDINATOR
    return Actor(
        user=staff_a[role], practice=practice_a, role=role, capabilities=capabilities_of(role)
    )


@pytest.fixture
def referral(child_a, caregiver_a, staff_a, pantry):
    return factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry, shared_items=("need",)
    )


def read(type_name, who, **params):
    resource_type = REGISTRY[type_name]
    rows = resource_type.rows(who)
    for name, value in params.items():
        rows = resource_type.params[name].apply(rows, [value], "")
    if resource_type.prepare:
        rows = resource_type.prepare(rows)
    return [resource_type.to_resource(row, who) for row in rows]


def test_practice_reads_valid_sdohcc_resources(referral, coordinator_actor):
    who = principal(coordinator_actor)
    (task,) = read("Task", who)
    (sr,) = read("ServiceRequest", who)
    (consent,) = read("Consent", who)
    Task.model_validate(task)
    ServiceRequest.model_validate(sr)
    Consent.model_validate(consent)
    assert task["status"] == "requested" and task["intent"] == "order"
    assert task["focus"] == {"reference": f"ServiceRequest/{referral.pk}"}
    assert task["for"] == {"reference": f"Patient/{referral.child_id}"}
    assert sr["category"][0]["coding"][0]["code"] == "food-insecurity"
    assert sr["note"] == [{"text": "Ran out of food this month"}]  # the team's reason
    assert sr["supportingInfo"] == [{"reference": f"Consent/{referral.consent.pk}"}]
    assert consent["status"] == "active"
    assert consent["category"][0]["coding"][0]["code"] == "IDSCL"


def test_another_practice_reads_nothing(referral, clinician_b, practice_b):
    actor = factories.actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)
    for type_name in ("Task", "ServiceRequest", "Consent"):
        assert read(type_name, principal(actor)) == []


def test_a_partner_reads_only_its_consented_referrals(referral, pantry, coordinator_actor):
    other = factories.organization("Westside Shelter")
    partner = principal(Actor(user=None, organization=pantry), "partner", pantry)
    stranger = principal(Actor(user=None, organization=other), "partner", other)
    (sr,) = read("ServiceRequest", partner)
    ServiceRequest.model_validate(sr)
    assert "note" not in sr  # the team's reason never; notes were not consented
    (task,) = read("Task", partner)
    assert "statusReason" not in task
    assert read("Task", stranger) == []
    referrals.revoke_consent(
        actor=coordinator_actor, referral=referral, reason="Family asked", at=clock.now()
    )
    for type_name in ("Task", "ServiceRequest", "Consent"):
        assert read(type_name, partner) == []
    (consent,) = read("Consent", principal(coordinator_actor))
    Consent.model_validate(consent)
    assert consent["status"] == "inactive"
    assert "end" in consent["provision"]["period"]


def test_a_partner_never_reads_a_draft(child_a, pantry, coordinator_actor):
    referrals.start_referral(
        actor=coordinator_actor,
        child=child_a,
        need="food",
        organization=pantry,
        priority="routine",
        reason="x",
        at=clock.now(),
    )
    assert read("Task", principal(Actor(user=None, organization=pantry), "partner", pantry)) == []


def test_the_polling_searches(referral, coordinator_actor, pantry):
    who = principal(coordinator_actor)
    before = (clock.now() - timedelta(minutes=1)).isoformat()
    after = (clock.now() + timedelta(minutes=1)).isoformat()
    assert len(read("Task", who, _lastUpdated=f"gt{before}")) == 1
    assert read("Task", who, _lastUpdated=f"gt{after}") == []
    assert len(read("Task", who, status="requested")) == 1
    assert read("Task", who, status="accepted") == []
    assert len(read("Task", who, owner=f"Organization/{pantry.pk}")) == 1
    assert len(read("Task", who, code="http://hl7.org/fhir/CodeSystem/task-code|fulfill")) == 1
    assert len(read("ServiceRequest", who, category="food-insecurity")) == 1
    assert read("ServiceRequest", who, category="housing-instability") == []
    assert len(read("ServiceRequest", who, status="active")) == 1
    assert len(read("Consent", who, status="active")) == 1
    assert read("Consent", who, status="inactive") == []
    assert read("Task", who, _id="not-a-uuid") == []


def test_received_is_requested_with_business_status(referral, pantry):
    partner = principal(Actor(user=None, organization=pantry), "partner", pantry)
    from medhome.referrals.states import Side, Status
    from medhome.referrals.states.moves import move

    move(
        Actor(user=None, practice=referral.practice, organization=pantry),
        referral,
        Status.RECEIVED,
        side=Side.ORGANIZATION,
        at=clock.now(),
    )
    (task,) = read("Task", partner, status="requested")
    Task.model_validate(task)
    assert (task["status"], task["businessStatus"]) == ("requested", {"text": "received"})
