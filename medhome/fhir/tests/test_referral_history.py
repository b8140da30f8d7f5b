"""A referral's ServiceRequest and Task keep every version: vread and history answer each state
the referral passed through, rebuilt from its events (fhir.resources.referral_versions)."""

from datetime import timedelta
from urllib.parse import quote

import pytest

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.referrals.states import Outcome, Side, Status
from medhome.referrals.states.moves import move
from tests import factories
from tests.fhir_support import bearer, issue_token

from .support import valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def pantry():
    return factories.organization("Eastside Food Pantry")


@pytest.fixture
def token_a(practice_a, staff_a):
    return issue_token(scope="user/*.rs", practice=practice_a, user=staff_a[Role.CARE_COORDINATOR])


@pytest.fixture
def completed(child_a, caregiver_a, staff_a, pantry):
    """Drafted, sent, accepted a day later, completed a week later: versions 1 to 4."""
    referral = factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry, shared_items=("need",)
    )
    partner = Actor(user=None, practice=referral.practice, organization=pantry)
    start = clock.now()
    referral = move(
        partner,
        referral,
        Status.ACCEPTED,
        side=Side.ORGANIZATION,
        at=start + timedelta(days=1),
        reason="We have a slot on Tuesday",
    )
    return move(
        partner,
        referral,
        Status.COMPLETED,
        side=Side.ORGANIZATION,
        at=start + timedelta(days=8),
        outcome=Outcome.NEED_MET,
    )


def get(client, token, path, status=200):
    answer = client.get(f"/fhir/{path}", **bearer(token))
    assert answer.status_code == status, answer.content
    return answer


def test_task_history_answers_every_state_newest_first(client, token_a, completed):
    bundle = valid(get(client, token_a, f"Task/{completed.pk}/_history").json())
    assert bundle["type"] == "history"
    tasks = [entry["resource"] for entry in bundle["entry"]]
    assert [t["meta"]["versionId"] for t in tasks] == ["4", "3", "2", "1"]
    assert [t["status"] for t in tasks] == ["completed", "accepted", "requested", "draft"]
    assert [e["response"]["etag"] for e in bundle["entry"]] == ['W/"4"', 'W/"3"', 'W/"2"', 'W/"1"']
    done, accepted, sent, draft = tasks
    assert done["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "need_met"
    assert set(done["executionPeriod"]) == {"start", "end"}
    assert "output" not in accepted and set(accepted["executionPeriod"]) == {"start"}
    assert accepted["statusReason"] == {"text": "We have a slot on Tuesday"}
    assert "executionPeriod" not in sent and "statusReason" not in sent
    # The path (relevantHistory) of each version stops at that version, each step naming the
    # version it made, which vread answers.
    assert [len(t["relevantHistory"]) for t in tasks] == [4, 3, 2, 1]
    assert [p["target"][0]["reference"] for p in accepted["contained"]] == [
        f"Task/{completed.pk}/_history/{n}" for n in (1, 2, 3)
    ]
    updated = [t["meta"]["lastUpdated"] for t in tasks]
    assert updated == sorted(updated, reverse=True) and len(set(updated)) == 4


def test_vread_answers_a_past_version_with_its_etag(client, token_a, completed):
    answer = get(client, token_a, f"Task/{completed.pk}/_history/3")
    assert answer["ETag"] == 'W/"3"'
    task = valid(answer.json())
    assert (task["status"], task["meta"]["versionId"]) == ("accepted", "3")
    current = valid(get(client, token_a, f"Task/{completed.pk}/_history/4").json())
    assert current == valid(get(client, token_a, f"Task/{completed.pk}").json())
    get(client, token_a, f"Task/{completed.pk}/_history/5", status=404)
    get(client, token_a, f"Task/{completed.pk}/_history/x", status=404)
    request = valid(get(client, token_a, f"ServiceRequest/{completed.pk}/_history/2").json())
    assert (request["status"], request["meta"]["versionId"]) == ("active", "2")
    draft = valid(get(client, token_a, f"ServiceRequest/{completed.pk}/_history/1").json())
    assert draft["status"] == "draft"


def test_vread_and_history_are_audited_as_reads_of_the_child(client, token_a, completed):
    get(client, token_a, f"Task/{completed.pk}/_history/2")
    get(client, token_a, f"Task/{completed.pk}/_history")
    interactions = [
        event.detail.get("interaction")
        for event in AuditEvent.objects.filter(object_id=str(completed.child_id)).order_by(
            "sequence"
        )
        if event.detail.get("type") == "Task"
    ]
    assert interactions[-2:] == ["vread", "history-instance"]


def test_type_history_pages_through_every_version(client, token_a, completed):
    first = valid(get(client, token_a, "Task/_history?_count=3").json())
    assert [e["resource"]["meta"]["versionId"] for e in first["entry"]] == ["4", "3", "2"]
    (next_link,) = [link["url"] for link in first["link"] if link["relation"] == "next"]
    second = valid(get(client, token_a, next_link.split("/fhir/", 1)[1]).json())
    assert [e["resource"]["meta"]["versionId"] for e in second["entry"]] == ["1"]
    assert not [link for link in second["link"] if link["relation"] == "next"]
    since = quote((clock.now() + timedelta(days=2)).isoformat())
    recent = valid(get(client, token_a, f"Task/_history?_since={since}").json())
    assert [e["resource"]["meta"]["versionId"] for e in recent["entry"]] == ["4"]


def test_a_partner_never_reads_the_draft_version(client, completed, pantry):
    token = issue_token(scope="user/*.rs", organization=pantry)
    bundle = valid(get(client, token, f"Task/{completed.pk}/_history").json())
    tasks = [entry["resource"] for entry in bundle["entry"]]
    assert [t["meta"]["versionId"] for t in tasks] == ["4", "3", "2"]
    assert all("statusReason" not in t for t in tasks)  # the team's words stay with the team
    get(client, token, f"Task/{completed.pk}/_history/1", status=404)
    get(client, token, f"ServiceRequest/{completed.pk}/_history/1", status=404)
    everything = valid(get(client, token, "ServiceRequest/_history").json())
    assert [e["resource"]["status"] for e in everything["entry"]] == [
        "completed",
        "active",
        "active",
    ]


def test_another_practice_reads_no_version(client, completed, practice_b, clinician_b):
    token = issue_token(scope="user/*.rs", practice=practice_b, user=clinician_b)
    for name in ("Task", "ServiceRequest"):
        for suffix in ("/_history", "/_history/1", "/_history/4"):
            get(client, token, f"{name}/{completed.pk}{suffix}", status=404)
        assert "entry" not in get(client, token, f"{name}/_history").json()


def test_the_capability_statement_says_which_types_keep_versions(client):
    resources = {r["type"]: r for r in client.get("/fhir/metadata").json()["rest"][0]["resource"]}
    assert resources["Task"]["readHistory"] is True
    assert resources["ServiceRequest"]["readHistory"] is True
    assert resources["Patient"]["readHistory"] is False
