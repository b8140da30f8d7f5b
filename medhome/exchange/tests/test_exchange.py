"""End to end against a second FHIR server run locally (fixture_server): send, poll, close."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.exchange import client, sync
from medhome.exchange.models import RemoteState, RemoteTask
from medhome.exchange.views import SECRET_HEADER
from medhome.referrals import services as referrals
from medhome.referrals.models import ReferralEvent
from medhome.referrals.selectors import partner_actor
from medhome.tasks.models import Task as WorkTask
from tests import factories

pytestmark = pytest.mark.django_db


def _sent(child, caregiver, user, organization, **kwargs):
    referral = factories.sent_referral(child, caregiver, user, organization, **kwargs)
    factories.follow_up_task(referral)
    return referral


def _task_id(fixture_server):
    return fixture_server.only("Task")["id"]


def test_a_sent_referral_reaches_the_partner_with_only_the_consented_minimum(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(
        child_a, caregiver_a, coordinator, endpoint.organization, shared_items=("need", "notes")
    )
    assert sync.sweep(now=clock.now()) == 1
    task, sr = fixture_server.only("Task"), fixture_server.only("ServiceRequest")
    Task.model_validate(task)
    ServiceRequest.model_validate(sr)
    assert task["status"] == "requested"
    assert task["intent"] == "order"
    assert task["code"]["coding"] == [
        {"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}
    ]
    assert task["focus"] == {"reference": f"ServiceRequest/{sr['id']}"}
    assert sr["category"][0]["coding"][0]["code"] == "food-insecurity"
    assert sr["note"] == [{"text": "Evenings are best"}]
    patient = sr["contained"][0]
    # No name, no birth date, no contact: only "need" and "notes" were consented.
    assert patient == {"resourceType": "Patient", "id": "patient"}
    sent_text = json.dumps(fixture_server.requests)
    for withheld in (child_a.legal_family_name, child_a.display_name, "Ran out of food"):
        assert withheld not in sent_text
    consent = sr["contained"][1]
    assert consent["category"][0]["coding"][0]["code"] == "IDSCL"
    assert [c["coding"][0]["code"] for c in consent["provision"]["code"]] == ["need", "notes"]
    remote = RemoteTask.objects.get(referral=referral)
    assert (remote.state, remote.task_id) == (RemoteState.SENT, task["id"])
    assert AuditEvent.objects.filter(object_type="remote_task", action="export").count() == 1
    # A second sweep sends nothing again.
    assert sync.sweep(now=clock.now()) == 0
    assert [m for m, _p in fixture_server.writes()] == ["POST", "POST"]


def test_name_and_contact_go_only_when_consented(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    patient = fixture_server.only("Task")["contained"][0]
    assert patient["name"][0]["family"] == child_a.legal_family_name
    assert "birthDate" not in patient  # child_age not consented
    assert patient["contact"][0]["name"]["text"] == str(caregiver_a)


def test_a_safety_referral_sends_no_contact_and_forbids_contacting(
    endpoint, fixture_server, child_a, caregiver_a, coordinator_actor
):
    referral = referrals.start_referral(
        actor=coordinator_actor,
        child=child_a,
        need="safety",
        organization=endpoint.organization,
        priority="urgent",
        reason="Team notes",
        at=clock.now(),
    )
    referrals.record_consent(
        actor=coordinator_actor,
        referral=referral,
        caregiver=caregiver_a,
        shared_items=["need"],
        method="verbal",
        at=clock.now(),
    )
    referrals.send(actor=coordinator_actor, referral=referral, at=clock.now())
    sync.sweep(now=clock.now())
    sr = fixture_server.only("ServiceRequest")
    ServiceRequest.model_validate(sr)
    assert sr["priority"] == "urgent"
    assert sr["category"][0]["coding"][0]["code"] == "intimate-partner-violence"
    assert sr["orderDetail"][0]["coding"][0]["code"] == "contacting-subject-prohibited"
    assert sr["contained"][0] == {"resourceType": "Patient", "id": "patient"}
    sent = json.dumps(fixture_server.requests)
    assert caregiver_a.phone
    assert str(caregiver_a.phone) not in sent


def test_the_sent_resources_carry_no_path_warm_handoff_or_service(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    """The practice's own reading (Task.relevantHistory, the warm hand-off, the HSDS service)
    never leaves with a referral: what is sent is the same with or without them."""
    from medhome.directory.models import Service
    from medhome.referrals.models import Referral

    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    before = sync.outgoing(referral)
    service = Service.objects.create(organization=endpoint.organization, name="Pantry")
    Referral.objects.filter(pk=referral.pk).update(service=service, warm_handoff=True)
    referral = Referral.objects.select_related("child", "organization", "service").get(
        pk=referral.pk
    )
    assert referral.events.count() == 2
    assert sync.outgoing(referral) == before
    sync.sweep(now=clock.now())
    task, sr = fixture_server.only("Task"), fixture_server.only("ServiceRequest")
    Task.model_validate(task)
    ServiceRequest.model_validate(sr)
    assert "relevantHistory" not in task
    assert [c["resourceType"] for c in task["contained"]] == ["Patient"]
    assert "extension" not in sr and len(sr["performer"]) == 1


def test_accept_then_complete_closes_the_loop_as_the_portal_does(
    endpoint, fixture_server, child_a, caregiver_a, coordinator, pantry
):
    referral = _sent(child_a, caregiver_a, coordinator, pantry)
    sync.sweep(now=clock.now())
    task_id = _task_id(fixture_server)
    fixture_server.set_task(task_id, "requested", businessStatus={"text": "received"})
    assert sync.poll(now=clock.now()) == 1
    referral.refresh_from_db()
    assert referral.status == "received"
    fixture_server.set_task(task_id, "accepted")
    sync.poll(now=clock.now())
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.first_response_at is not None
    fixture_server.set_task(task_id, "completed")
    sync.poll(now=clock.now())
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "need_met")
    assert referral.closed_at is not None
    assert RemoteTask.objects.get(referral=referral).state == RemoteState.DONE

    # The same three changes through the organization portal's services, on a twin referral.
    partner = factories.partner_user("pantry-staff", pantry, first_name="Ana", last_name="Ruiz")
    twin = _sent(child_a, caregiver_a, coordinator, pantry)
    RemoteTask.objects.create(referral=twin, endpoint=endpoint, state=RemoteState.DONE)
    actor = partner_actor(partner, pantry)
    referrals.mark_received(actor=actor, referral=twin, at=clock.now())
    referrals.change_status(actor=actor, referral=twin, to_status="accepted", at=clock.now())
    referrals.change_status(
        actor=actor, referral=twin, to_status="completed", outcome="need_met", at=clock.now()
    )

    def trail(r):
        events = [
            (e.from_status, e.to_status, e.side, e.actor_label)
            for e in ReferralEvent.objects.filter(referral=r).order_by("version")
        ]
        audits = sorted(
            (a.action, tuple(a.detail.get("fields", ())))
            for a in AuditEvent.objects.filter(object_type="referral", object_id=str(r.pk))
        )
        open_tasks = WorkTask.objects.filter(source_id=r.pk, status="open").count()
        return events, [a for a in audits if a[0] == "update"], open_tasks

    assert trail(referral) == trail(twin)
    assert trail(referral)[2] == 0  # the follow-up task was settled


def test_a_partner_polled_only_after_completion_is_accepted_then_completed(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    fixture_server.set_task(_task_id(fixture_server), "completed")
    sync.poll(now=clock.now())
    statuses = list(
        ReferralEvent.objects.filter(referral=referral)
        .order_by("version")
        .values_list("to_status", flat=True)
    )
    assert statuses == ["draft", "requested", "accepted", "completed"]


def test_rejection_carries_the_partners_reason(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    fixture_server.set_task(
        _task_id(fixture_server), "rejected", statusReason={"text": "At capacity this month"}
    )
    sync.poll(now=clock.now())
    referral.refresh_from_db()
    assert (referral.status, referral.status_reason) == ("rejected", "At capacity this month")
    assert ReferralEvent.objects.get(referral=referral, to_status="rejected").side == "organization"


@pytest.mark.parametrize("status", ["draft", "entered-in-error", "received", "ready", "bogus"])
def test_a_status_the_partner_may_not_set_is_a_problem_not_a_crash(
    endpoint, fixture_server, child_a, caregiver_a, coordinator, status
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    fixture_server.set_task(_task_id(fixture_server), status)
    sync.poll(now=clock.now())
    referral.refresh_from_db()
    remote = RemoteTask.objects.get(referral=referral)
    assert referral.status == "requested"
    assert status in remote.last_problem
    assert remote.state == RemoteState.SENT


def test_an_invalid_transition_from_the_partner_is_recorded(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    task_id = _task_id(fixture_server)
    fixture_server.set_task(task_id, "rejected")
    sync.poll(now=clock.now())
    RemoteTask.objects.filter(referral=referral).update(state=RemoteState.SENT)
    fixture_server.set_task(task_id, "in-progress")  # rejected is terminal
    sync.poll(now=clock.now())
    referral.refresh_from_db()
    assert referral.status == "rejected"
    assert "not allowed" in RemoteTask.objects.get(referral=referral).last_problem


def test_partner_down_is_retried_without_a_double_send(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    fixture_server.down = True
    assert sync.sweep(now=clock.now()) == 0
    remote = RemoteTask.objects.get(referral=referral)
    assert (remote.state, remote.failures) == (RemoteState.PENDING, 1)
    assert "503" in remote.last_problem
    fixture_server.down = False
    assert sync.sweep(now=clock.now()) == 1
    assert len(fixture_server.store["Task"]) == 1


def test_a_lost_answer_is_adopted_not_resent(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    # As if the Task's answer never came back: the row is still pending.
    RemoteTask.objects.filter(referral=referral).update(state=RemoteState.PENDING, task_id="")
    sync.sweep(now=clock.now())
    assert len(fixture_server.store["Task"]) == 1
    assert len(fixture_server.store["ServiceRequest"]) == 1
    assert RemoteTask.objects.get(referral=referral).task_id == _task_id(fixture_server)


def test_a_claimed_row_is_not_pushed_by_a_second_worker(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    now = clock.now()
    RemoteTask.objects.create(
        referral=referral, endpoint=endpoint, claimed_until=now + timedelta(minutes=1)
    )
    assert sync.send_pending(now=now) == 0
    assert fixture_server.requests == []


def test_revoked_consent_cancels_the_remote_task(
    endpoint, fixture_server, child_a, caregiver_a, coordinator, coordinator_actor
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    referrals.revoke_consent(
        actor=coordinator_actor, referral=referral, reason="Family asked", at=clock.now()
    )
    assert sync.sweep(now=clock.now()) == 1
    task = fixture_server.only("Task")
    assert task["status"] == "cancelled"
    assert task["statusReason"] == {"text": "consent revoked"}
    assert RemoteTask.objects.get(referral=referral).state == RemoteState.CANCELLED
    assert sync.sweep(now=clock.now()) == 0  # once


def test_consent_revoked_before_sending_sends_nothing(
    endpoint, fixture_server, child_a, caregiver_a, coordinator, coordinator_actor
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    RemoteTask.objects.create(referral=referral, endpoint=endpoint)
    referrals.revoke_consent(
        actor=coordinator_actor, referral=referral, reason="Family asked", at=clock.now()
    )
    sync.sweep(now=clock.now())
    assert fixture_server.requests == []
    assert RemoteTask.objects.get(referral=referral).state == RemoteState.CANCELLED


def test_an_inactive_endpoint_gets_nothing(
    endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    endpoint.is_active = False
    endpoint.save()
    _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    assert sync.sweep(now=clock.now()) == 0
    assert fixture_server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:1/fhir/Task",
        "https://{host}/fhir/Task",
        "http://{host}/other/Task",
        "http://{host}/fhir/../admin",
        "http://user:pw@{host}/fhir/Task",
        "http://{host}/fhirx/Task",
    ],
)
def test_no_url_outside_the_base_is_fetched(endpoint, fixture_server, url):
    host = fixture_server.base_url.split("//")[1].split("/")[0]
    with pytest.raises(client.RefusedUrl):
        client.request(endpoint, "GET", url.format(host=host))
    assert fixture_server.requests == []


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # a cloud metadata service
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address checked, not bound
        ("224.0.0.1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
    ],
)
def test_a_partner_is_reached_at_public_addresses_only(address, allowed):
    assert client.address_allowed(address) is allowed


def test_loopback_only_in_a_local_environment_and_named_networks_when_configured(settings):
    assert client.address_allowed("127.0.0.1")
    settings.IS_LOCAL = False
    assert not client.address_allowed("127.0.0.1")
    settings.MEDHOME_EXCHANGE = {**settings.MEDHOME_EXCHANGE, "private_networks": ["10.20.0.0/16"]}
    assert client.address_allowed("10.20.3.4")
    assert not client.address_allowed("10.21.3.4")


def test_a_host_that_resolves_to_a_private_address_is_never_contacted(
    endpoint, fixture_server, settings, monkeypatch
):
    # The base URL names a host; what it resolves to at the moment of the request decides.
    answers = {"fhir.partner.example": "10.0.0.7"}

    def resolve(host, port, *args, **kwargs):
        return [(2, 1, 6, "", (answers.get(host, host), port))]

    monkeypatch.setattr(client.socket, "getaddrinfo", resolve)
    endpoint.base_url = "https://fhir.partner.example/fhir"
    with pytest.raises(client.RefusedUrl, match="private network"):
        client.request(endpoint, "GET", "Task/1")
    answers["fhir.partner.example"] = "127.0.0.1"
    settings.IS_LOCAL = False
    with pytest.raises(client.RefusedUrl, match="private network"):
        client.request(endpoint, "GET", "Task/1")
    assert fixture_server.requests == []


def test_a_name_that_rebinds_to_a_private_address_after_the_check_is_never_contacted(
    endpoint, fixture_server, settings, monkeypatch
):
    # DNS rebinding: the check before the request sees a public address, the connection then
    # resolves the same name to the loopback server. The connected address decides.
    port = urlsplit(fixture_server.base_url).port
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])

    def resolve(host, port, *args, **kwargs):
        return [(2, 1, 6, "", (next(answers), port))]

    monkeypatch.setattr(client.socket, "getaddrinfo", resolve)
    settings.IS_LOCAL = False
    endpoint.base_url = f"http://fhir.partner.example:{port}/fhir"
    with pytest.raises(client.RefusedUrl, match="private network"):
        client.request(endpoint, "GET", "Task/1")
    assert fixture_server.requests == []


def test_an_allowed_connected_address_is_reached(endpoint, fixture_server):
    # The same connection check lets the loopback fixture server through where it is allowed
    # (the local environments), so the refusal above is the address's, not the adapter's.
    assert client.request(endpoint, "GET", "Task")["type"] == "searchset"
    assert len(fixture_server.requests) == 1


def test_urls_under_the_base_are_allowed(endpoint, fixture_server):
    assert client.url_under_base(endpoint, "Task/1") == fixture_server.base_url + "/Task/1"
    full = fixture_server.base_url + "/Task?_id=1"
    assert client.url_under_base(endpoint, full) == full


def _notification(base, *ids):
    return {
        "resourceType": "Bundle",
        "type": "history",
        "entry": [{"fullUrl": "urn:uuid:status"}]
        + [
            {"fullUrl": f"{base}/Task/{i}", "request": {"method": "PUT", "url": f"Task/{i}"}}
            for i in ids
        ],
    }


def test_a_notification_triggers_an_immediate_poll(
    client, endpoint, fixture_server, child_a, caregiver_a, coordinator
):
    referral = _sent(child_a, caregiver_a, coordinator, endpoint.organization)
    sync.sweep(now=clock.now())
    task_id = _task_id(fixture_server)
    fixture_server.set_task(task_id, "accepted")
    url = reverse("exchange:notify", args=[endpoint.pk])
    # An unknown Task id and a URL elsewhere are never fetched.
    body = _notification(fixture_server.base_url, task_id, "unknown-1")
    body["entry"].append({"fullUrl": "http://169.254.169.254/Task/x"})
    before = len(fixture_server.requests)
    answer = client.post(
        url,
        json.dumps(body),
        content_type="application/json",
        headers={SECRET_HEADER: "notify-secret"},
    )
    assert answer.status_code == 200 and answer.json() == {"read": 1}
    referral.refresh_from_db()
    assert referral.status == "accepted"
    ((method, path, _body),) = fixture_server.requests[before:]
    assert method == "GET" and path == f"/fhir/Task?_id={task_id}"


@pytest.mark.parametrize("header", [None, "wrong", "notify-secret "])
def test_a_notification_without_the_secret_is_refused(client, endpoint, fixture_server, header):
    headers = {SECRET_HEADER: header} if header is not None else {}
    answer = client.post(
        reverse("exchange:notify", args=[endpoint.pk]),
        json.dumps(_notification(fixture_server.base_url, "1")),
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 401
    assert answer.content == b""
    assert fixture_server.requests == []


def test_a_notification_to_an_unknown_or_inactive_endpoint_is_not_found(client, endpoint):
    import uuid

    url = reverse("exchange:notify", args=[uuid.uuid4()])
    headers = {SECRET_HEADER: "notify-secret"}
    assert (
        client.post(url, "{}", content_type="application/json", headers=headers).status_code == 404
    )
    endpoint.is_active = False
    endpoint.save()
    url = reverse("exchange:notify", args=[endpoint.pk])
    assert (
        client.post(url, "{}", content_type="application/json", headers=headers).status_code == 404
    )
    assert client.get(url).status_code == 405
