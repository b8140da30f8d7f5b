"""ServiceRequest, Task and Consent: valid R4B, the rows each principal may read, the IG's
polling searches."""

import json
import uuid
from datetime import datetime, timedelta
from urllib.parse import quote

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
from tests.fhir_support import bearer, issue_token

from .support import valid

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


@pytest.fixture
def token_a(practice_a, staff_a):
    return issue_token(scope="user/*.rs", practice=practice_a, user=staff_a[Role.CARE_COORDINATOR])


def search(client, token, query):
    answer = client.get(f"/fhir/{query}", **bearer(token))
    assert answer.status_code == 200, answer.content
    return valid(answer.json())


def matches(bundle):
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match"]


def test_the_polling_searches_through_the_api(client, referral, token_a, pantry, practice_a):
    rid = str(referral.pk)
    before = quote((clock.now() - timedelta(minutes=1)).isoformat())
    after = quote((clock.now() + timedelta(minutes=1)).isoformat())
    found = {
        "Task?_lastUpdated=gt" + before: [rid],
        "Task?_lastUpdated=gt" + after: [],
        "Task?status=requested": [rid],
        "Task?status=accepted": [],
        f"Task?owner=Organization/{pantry.pk}": [rid],
        f"Task?requester=Organization/{practice_a.pk}": [rid],
        f"Task?patient=Patient/{referral.child_id}": [rid],
        f"Task?focus=ServiceRequest/{rid}": [rid],
        "Task?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill": [rid],
        "Task?code=other": [],
        f"Task?_id={rid}": [rid],
        "ServiceRequest?category=food-insecurity": [rid],
        "ServiceRequest?category=housing-instability": [],
        "ServiceRequest?status=active": [rid],
        f"ServiceRequest?performer=Organization/{pantry.pk}": [rid],
        "Consent?status=active": [str(referral.consent.pk)],
        "Consent?status=inactive": [],
        f"Consent?patient={referral.child_id}": [str(referral.consent.pk)],
    }
    for query, expected in found.items():
        assert matches(search(client, token_a, query)) == expected, query


def test_task_includes_its_focus(client, referral, token_a):
    bundle = search(client, token_a, f"Task?_id={referral.pk}&_include=Task:focus")
    assert [(e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle["entry"]] == [
        ("Task", "match"),
        ("ServiceRequest", "include"),
    ]


@pytest.mark.parametrize("query", ["Task?status=ready", "Task?owner=Patient/1", "Task?focus.x=1"])
def test_bad_searches_are_refused(client, referral, token_a, query):
    answer = client.get(f"/fhir/{query}", **bearer(token_a))
    assert answer.status_code == 400
    assert answer.json()["resourceType"] == "OperationOutcome"


def test_a_partners_token_reads_only_the_consented_minimum(
    client, referral, pantry, coordinator_actor, child_a
):
    token = issue_token(scope="user/*.rs", organization=pantry)
    bundle = search(client, token, "Task?_include=Task:focus")
    task, sr = (e["resource"] for e in bundle["entry"])
    assert task["for"] == {"reference": "#patient"}
    assert task["contained"] == [{"resourceType": "Patient", "id": "patient"}]
    assert "note" not in sr
    assert child_a.legal_family_name not in json.dumps(bundle)
    assert client.get(f"/fhir/Patient/{child_a.pk}", **bearer(token)).status_code == 404
    other = factories.organization("Westside Shelter")
    stranger = issue_token(scope="user/*.rs", organization=other)
    assert matches(search(client, stranger, "Task")) == []
    assert client.get(f"/fhir/Task/{referral.pk}", **bearer(stranger)).status_code == 404
    referrals.revoke_consent(
        actor=coordinator_actor, referral=referral, reason="Family asked", at=clock.now()
    )
    for type_name in ("Task", "ServiceRequest", "Consent"):
        assert matches(search(client, token, type_name)) == []
    assert client.get(f"/fhir/Task/{referral.pk}", **bearer(token)).status_code == 404


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
    (task,) = read("Task", partner)
    Task.model_validate(task)
    assert (task["status"], task["businessStatus"]) == ("requested", {"text": "received"})


def test_another_practices_referral_is_the_same_404_and_never_matches(
    client, token_a, child_b, caregiver_b, clinician_b, pantry, practice_b
):
    b = factories.sent_referral(child_b, caregiver_b, clinician_b, pantry)
    b_ids = {"Task": b.pk, "ServiceRequest": b.pk, "Consent": b.consent.pk}
    for name, resource_id in b_ids.items():
        unknown = client.get(f"/fhir/{name}/{uuid.uuid4()}", **bearer(token_a))
        assert unknown.status_code == 404
        for suffix in ("", "/_history", "/_history/1"):
            answer = client.get(f"/fhir/{name}/{resource_id}{suffix}", **bearer(token_a))
            assert (answer.status_code, answer.content) == (404, unknown.content), name
    for query in (
        f"Task?_id={b.pk}",
        f"Task?patient={child_b.pk}",
        f"Task?requester=Organization/{practice_b.pk}",
        f"Task?owner=Organization/{pantry.pk}",
        f"ServiceRequest?patient={child_b.pk}",
        f"Consent?patient={child_b.pk}",
        f"Task?_id={b.pk}&_include=Task:focus",
    ):
        assert search(client, token_a, query).get("entry", []) == [], query
    assert client.get("/fhir/Task", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert client.get(f"/fhir/Task/{b.pk}").status_code == 401


def test_only_the_practice_reads_the_path_the_warm_handoff_and_the_service(
    referral, pantry, coordinator_actor
):
    from medhome.directory.models import Service
    from medhome.referrals.models import Referral

    service = Service.objects.create(organization=pantry, name="Weekly family pantry")
    Referral.objects.filter(pk=referral.pk).update(service=service, warm_handoff=True)
    (task,) = read("Task", principal(coordinator_actor))
    (sr,) = read("ServiceRequest", principal(coordinator_actor))
    Task.model_validate(task)
    ServiceRequest.model_validate(sr)
    events = list(referral.events.order_by("at", "version"))
    assert task["relevantHistory"] == [{"reference": "#ev-1"}, {"reference": "#ev-2"}]
    first, second = task["contained"]
    assert first["resourceType"] == "Provenance" and first["id"] == "ev-1"
    assert first["target"] == [{"reference": f"Task/{referral.pk}/_history/1"}]
    assert second["target"] == [{"reference": f"Task/{referral.pk}/_history/2"}]
    assert second["activity"]["coding"] == [
        {"system": "http://hl7.org/fhir/task-status", "code": "requested"},
        {"system": "urn:medhome:referral-status", "code": "requested"},
    ]
    assert second["agent"] == [
        {
            "type": {"coding": [{"system": "urn:medhome:referral-side", "code": "practice"}]},
            "who": {"display": events[1].actor_label},
        }
    ]
    assert datetime.fromisoformat(second["recorded"]) == events[1].at
    assert "reason" not in second  # no reason, no family answer
    assert sr["extension"] == [
        {"url": "urn:medhome:fhir:extension:referral-warm-handoff", "valueBoolean": True}
    ]
    assert sr["performer"][1] == {
        "type": "HealthcareService",
        "identifier": {"system": "urn:medhome:hsds-service", "value": str(service.pk)},
        "display": "Weekly family pantry",
    }
    partner = principal(Actor(user=None, organization=pantry), "partner", pantry)
    (task,) = read("Task", partner)
    (sr,) = read("ServiceRequest", partner)
    Task.model_validate(task)
    ServiceRequest.model_validate(sr)
    assert "relevantHistory" not in task
    assert [c["resourceType"] for c in task["contained"]] == ["Patient"]
    assert "extension" not in sr and len(sr["performer"]) == 1
