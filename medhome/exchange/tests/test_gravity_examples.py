"""The Gravity IG's own examples (the SDOH Clinical Care IG's FHIR API examples, CC0; the source
is in data/gravity_ig_examples.json): they are valid R4B, medhome sends Tasks and ServiceRequests
of the same shape, and a partner that answers with exactly the IG's Task bodies moves medhome's
referral through accepted, in progress and completed (interop-codes.md §1.4, §1.7)."""

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from medhome.core import clock
from medhome.exchange import sync
from medhome.referrals.models import ReferralEvent

from .test_exchange import _sent

pytestmark = pytest.mark.django_db
EXAMPLES = json.loads((Path(__file__).parent / "data" / "gravity_ig_examples.json").read_text())
TASKS = ("task_requested", "task_accepted", "task_in_progress", "task_completed")


@pytest.mark.parametrize("name", TASKS)
def test_the_igs_task_examples_are_valid_r4b(name):
    Task.model_validate(EXAMPLES[name])


def test_the_igs_service_request_example_is_valid_r4b():
    ServiceRequest.model_validate(EXAMPLES["service_request"])


def kind(resource: dict, element: str) -> str:
    """The type a reference points at; medhome's Task names the child by a contained Patient
    (only the consented minimum travels), the IG's by a Patient on the server."""
    reference = resource.get(element, {}).get("reference", "/")
    if reference.startswith("#"):
        (contained,) = [c for c in resource["contained"] if c["id"] == reference[1:]]
        return contained["resourceType"]
    return reference.split("/")[0]


def shape(resource: dict) -> dict:
    """The elements the SDOHCC profiles fix, and the kinds of resource referenced."""
    return {
        "resourceType": resource["resourceType"],
        "intent": resource["intent"],
        "code": [(c["system"], c["code"]) for c in resource.get("code", {}).get("coding", [])],
        "focus": kind(resource, "focus"),
        "for": kind(resource, "for"),
        "has requester": "requester" in resource,
        "has owner": "owner" in resource,
    }


def test_medhome_sends_a_task_and_service_request_of_the_igs_shape(
    endpoint, fixture_server, child_a, caregiver_a, coordinator, pantry
):
    _sent(child_a, caregiver_a, coordinator, pantry)
    sync.sweep(now=clock.now())
    sent_task = fixture_server.only("Task")
    assert shape(sent_task) == shape(EXAMPLES["task_requested"])
    assert sent_task["status"] == EXAMPLES["task_requested"]["status"] == "requested"
    sent_request = fixture_server.only("ServiceRequest")
    ig_request = EXAMPLES["service_request"]
    assert (sent_request["status"], sent_request["intent"]) == (
        ig_request["status"],
        ig_request["intent"],
    )
    sdoh = {
        (c["system"], c["code"])
        for category in sent_request["category"]
        for c in category["coding"]
    }
    assert (
        "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes",
        "food-insecurity",
    ) in sdoh


def test_a_partner_answering_with_the_igs_tasks_closes_the_referral(
    endpoint, fixture_server, child_a, caregiver_a, coordinator, pantry
):
    referral = _sent(child_a, caregiver_a, coordinator, pantry)
    sync.sweep(now=clock.now())
    ours = fixture_server.only("Task")
    seen = []
    for name in ("task_accepted", "task_in_progress", "task_completed"):
        # The partner's server keeps medhome's ids and references; the rest is the IG's body.
        body = dict(EXAMPLES[name], id=ours["id"], focus=ours["focus"])
        body["for"] = ours["for"]
        body.pop("status")
        fixture_server.set_task(ours["id"], EXAMPLES[name]["status"], **body)
        sync.poll(now=clock.now())
        referral.refresh_from_db()
        seen.append(referral.status)
    assert seen == ["accepted", "in_progress", "completed"]
    assert referral.outcome == "need_met" and referral.closed_at is not None
    assert list(
        ReferralEvent.objects.filter(referral=referral)
        .order_by("version")
        .values_list("to_status", flat=True)
    ) == ["draft", "requested", "accepted", "in_progress", "completed"]
