import io
import json
import logging
from datetime import UTC, date, datetime

import pytest

from medhome.accounts.roles import Role
from medhome.events import credentials, csv_import, selectors, services
from medhome.events.models import CareEvent, InboundMessage, MessageStatus
from medhome.tasks.models import Task, TaskKind
from tests import factories
from tests.conftest import CHILD_A

AT = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)  # a Friday


def adt(
    event="A04",
    control="MSG0001",
    mrn="SG-100234",
    name="García^Sofía",
    dob="20230517",
    klass="E",
    visit="V12345",
    start="20260313083000",
    end="",
):
    pv1 = ["PV1", "1", klass, "ED^^^MERCY"] + [""] * 15 + [visit] + [""] * 24 + [start, end]
    segments = [
        f"MSH|^~\\&|EPIC|MERCYHOSP|MEDHOME|PEDS|20260313083000||ADT^{event}^ADT_A01|{control}|P|2.5.1",
        f"EVN|{event}|20260313083000",
        f"PID|1||{mrn}^^^MERCY^MR||{name}||{dob}|F",
        "|".join(pv1),
    ]
    return "\r".join(segments)


def receive(practice, raw):
    return services.receive_hl7(practice=practice, raw=raw, at=AT)


@pytest.fixture
def editor(practice_a, staff_a):
    return factories.actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


def transition_tasks(practice):
    return Task.objects.filter(practice=practice, kind=TaskKind.TRANSITION_FOLLOW_UP)


def test_a04_ed_arrival_matched_by_mrn_opens_follow_up(practice_a, child_a):
    ack, message = receive(practice_a, adt())
    assert "MSA|AA|MSG0001" in ack
    assert message.status == MessageStatus.PROCESSED
    assert message.raw.startswith("MSH|")
    event = message.event
    assert event.child == child_a and event.kind == "emergency" and event.flagged
    task = transition_tasks(practice_a).get()
    assert task.title == "Contact the family within 2 business days of the hospital or ED visit"
    assert task.child == child_a and task.source_url == f"/events/{event.pk}/"
    assert task.due_at.date() == date(2026, 3, 17)  # Friday + 2 business days = Tuesday
    assert task.is_urgent  # days, not weeks: it heads the task lists


def test_a04_then_a03_same_visit_one_event_one_task(practice_a, child_a):
    receive(practice_a, adt("A04", "M1"))
    _ack, message = receive(practice_a, adt("A03", "M2", end="20260313120000"))
    assert CareEvent.objects.filter(practice=practice_a).count() == 1
    assert message.event.ended_at is not None
    assert transition_tasks(practice_a).count() == 1


def test_a01_then_a03_one_task(practice_a, child_a):
    receive(practice_a, adt("A01", "M1", klass="I", visit="IP9"))
    receive(practice_a, adt("A03", "M2", klass="I", visit="IP9", end="20260315100000"))
    event = CareEvent.objects.get(practice=practice_a)
    assert event.kind == "admission" and event.ended_at is not None
    assert transition_tasks(practice_a).count() == 1
    # Two business days after coming home, not after arriving.
    assert transition_tasks(practice_a).get().due_at > event.ended_at


def test_a_weekend_discharge_counts_from_coming_home_even_when_that_is_earlier(practice_a, child_a):
    # Admitted Saturday 08:01 (→ Tuesday 08:01), home Sunday 00:01: the rule counts from coming
    # home, Tuesday 00:01, though that is earlier than the admission's count (the 10,000-message
    # storm found 102 stays whose task kept the admission's).
    from medhome.practices.calendar import calendar_of

    zone = calendar_of(practice_a).zone
    receive(practice_a, adt("A01", "M1", klass="I", visit="IP8", start="20260314080100"))
    task = transition_tasks(practice_a).get()
    assert task.due_at == datetime(2026, 3, 17, 8, 1, tzinfo=zone)
    receive(
        practice_a,
        adt("A03", "M2", klass="I", visit="IP8", start="20260314080100", end="20260315000100"),
    )
    task.refresh_from_db()
    assert task.due_at == datetime(2026, 3, 17, 0, 1, tzinfo=zone)


def test_a_discharge_keeps_a_due_time_a_person_moved_later(practice_a, child_a, editor):
    from datetime import timedelta

    from medhome.tasks.services import reschedule

    receive(practice_a, adt("A01", "M1", klass="I", visit="IP6", start="20260314080100"))
    task = transition_tasks(practice_a).get()
    later = task.due_at + timedelta(days=7)
    reschedule(task=task, due_at=later, at=AT, actor=editor)
    receive(
        practice_a,
        adt("A03", "M2", klass="I", visit="IP6", start="20260314080100", end="20260315000100"),
    )
    task.refresh_from_db()
    assert task.due_at == later


def test_a03_alone_is_a_discharge(practice_a, child_a):
    _ack, message = receive(practice_a, adt("A03", klass="I", visit="IP7"))
    assert message.event.kind == "discharge"
    assert transition_tasks(practice_a).count() == 1


def test_a08_updates_the_visit(practice_a, child_a):
    receive(practice_a, adt("A04", "M1"))
    _ack, message = receive(practice_a, adt("A08", "M2", klass="I"))
    assert message.status == MessageStatus.PROCESSED
    assert message.event.patient_class == "I"
    assert CareEvent.objects.count() == 1


def test_a11_retracts_and_cancels_task(practice_a, child_a):
    receive(practice_a, adt("A04", "M1"))
    receive(practice_a, adt("A11", "M2"))
    event = CareEvent.objects.get()
    assert event.retracted
    assert transition_tasks(practice_a).get().status == "cancelled"
    assert not selectors.events_of_child(factories.registrar(practice_a), child_a).exists()


def test_duplicate_control_id_same_ack_nothing_new(practice_a, child_a):
    first_ack, first = receive(practice_a, adt())
    ack, message = receive(practice_a, adt())
    assert ack == first_ack
    assert message.status == MessageStatus.DUPLICATE and message.duplicate_of == first
    assert CareEvent.objects.count() == 1 and transition_tasks(practice_a).count() == 1


def test_reprocessing_is_idempotent(practice_a, child_a):
    _ack, message = receive(practice_a, adt())
    services.reprocess(message=message, at=AT)
    services.reprocess(message=message, at=AT)
    assert CareEvent.objects.count() == 1 and transition_tasks(practice_a).count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        "garbage that is not HL7",
        "",
        "PID|1||SG-100234||García^Sofía||20230517",
    ],
)
def test_malformed_is_refused_and_stored(practice_a, raw):
    ack, message = receive(practice_a, raw)
    assert "MSA|AR|" in ack
    assert message.status == MessageStatus.ERROR and message.error
    assert message.raw == raw
    assert "García" not in message.error and "García" not in ack


def test_unknown_message_type_refused(practice_a):
    raw = adt().replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01")
    ack, message = receive(practice_a, raw)
    assert "MSA|AR|MSG0001" in ack and message.status == MessageStatus.ERROR


def test_other_adt_events_stored_not_applied(practice_a, child_a):
    ack, message = receive(practice_a, adt("A28"))
    assert "MSA|AA" in ack and message.status == MessageStatus.PROCESSED
    assert not CareEvent.objects.exists()


def test_missing_pv1_is_an_application_error(practice_a):
    raw = "\r".join(adt().split("\r")[:3])
    ack, message = receive(practice_a, raw)
    assert "MSA|AE|MSG0001" in ack and message.status == MessageStatus.ERROR


def test_unknown_mrn_and_no_name_match_is_unmatched(practice_a, child_a, editor):
    _ack, message = receive(practice_a, adt(mrn="NOPE-1", name="Doe^Jane"))
    assert message.status == MessageStatus.UNMATCHED
    event = message.event
    assert event.child is None and event.incoming_family_name == "Doe"
    assert list(selectors.unmatched_events(editor)) == [event]
    assert not transition_tasks(practice_a).exists()
    services.resolve_unmatched(actor=editor, event=event, child=child_a, at=AT)
    event.refresh_from_db()
    assert event.child == child_a
    assert transition_tasks(practice_a).count() == 1
    assert not selectors.unmatched_events(editor).exists()


def test_matched_by_name_and_birth_date(practice_a, child_a):
    _ack, message = receive(practice_a, adt(mrn="HOSP-55", name="GARCIA^SOFIA"))
    assert message.event.child == child_a


def test_ambiguous_name_is_unmatched(practice_a, family_a, child_a):
    factories.add_child(family_a, mrn="SG-999", legal_given_name=CHILD_A["legal_given_name"])
    _ack, message = receive(practice_a, adt(mrn="HOSP-55"))
    assert message.status == MessageStatus.UNMATCHED


def test_logs_carry_no_phi(practice_a, child_a, caplog):
    with caplog.at_level(logging.DEBUG):
        receive(practice_a, adt())
        receive(practice_a, "PID|1||SG-100234||García^Sofía")
        receive(practice_a, adt(mrn="X", name="Zed^Unknownperson"))
    text = caplog.text
    assert caplog.records
    for secret in ("García", "Sofía", "SG-100234", "Unknownperson", "20230517"):
        assert secret not in text


def test_practice_isolation_of_matching(practice_a, practice_b, child_a, child_b):
    _ack, message = receive(practice_b, adt())  # child A's MRN sent to practice B
    assert message.event.child is None
    assert message.practice == practice_b


# --- FHIR ---------------------------------------------------------------------------------------


def encounter(status="finished", klass="EMER", ident="ENC-1", mrn="SG-100234"):
    return {
        "resourceType": "Encounter",
        "id": "e1",
        "contained": [
            {
                "resourceType": "Patient",
                "id": "p",
                "identifier": [{"system": "urn:mercy:mrn", "value": mrn}],
                "name": [{"family": "García", "given": ["Sofía"]}],
                "birthDate": "2023-05-17",
            }
        ],
        "identifier": [{"system": "urn:mercy:visit", "value": ident}],
        "status": status,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": klass},
        "subject": {"reference": "#p"},
        "period": {"start": "2026-03-13T08:00:00Z", "end": "2026-03-13T11:00:00Z"},
        "serviceProvider": {"display": "Mercy Hospital"},
    }


def test_fhir_encounter_valid(practice_a, child_a):
    outcome, message = services.receive_fhir_encounter(
        practice=practice_a, payload=encounter(), at=AT
    )
    assert outcome["resourceType"] == "OperationOutcome"
    assert message.status == MessageStatus.PROCESSED
    assert message.event.child == child_a and message.event.kind == "emergency"
    assert message.event.facility == "Mercy Hospital"
    assert transition_tasks(practice_a).count() == 1
    _o, again = services.receive_fhir_encounter(practice=practice_a, payload=encounter(), at=AT)
    assert again.status == MessageStatus.DUPLICATE


@pytest.mark.parametrize(
    "payload",
    [
        {"resourceType": "Patient", "id": "x"},
        "not an object",
        {**encounter(), "status": "bogus"},
        {**encounter(), "class": {"code": "XYZ"}},
        {**encounter(), "period": {}},
    ],
)
def test_fhir_malformed(practice_a, payload):
    outcome, message = services.receive_fhir_encounter(practice=practice_a, payload=payload, at=AT)
    assert outcome["issue"][0]["severity"] == "error"
    assert message.status == MessageStatus.ERROR


def test_fhir_entered_in_error_retracts(practice_a, child_a):
    services.receive_fhir_encounter(practice=practice_a, payload=encounter(), at=AT)
    retraction = {**encounter(status="entered-in-error"), "id": "e2"}
    retraction["identifier"] = [{"system": "urn:mercy:visit", "value": "ENC-1"}]
    # The same Encounter, updated: applied (the event is retracted), not taken for a duplicate.
    _o, message = services.receive_fhir_encounter(practice=practice_a, payload=retraction, at=AT)
    _o, resent = services.receive_fhir_encounter(practice=practice_a, payload=retraction, at=AT)
    assert message.status != MessageStatus.DUPLICATE
    assert CareEvent.objects.get(practice=practice_a).retracted
    assert resent.status == MessageStatus.DUPLICATE


# --- Manual, CSV ---------------------------------------------------------------------------------


def test_record_specialist_visit_with_recommendations(practice_a, child_a, editor):
    event = services.record_event(
        actor=editor,
        child=child_a,
        kind="specialist_visit",
        started_at=AT,
        notes="Cardiology: recheck echo in 6 months",
        at=AT,
    )
    assert event.notes.startswith("Cardiology") and not event.flagged
    assert not transition_tasks(practice_a).exists()
    routed = Task.objects.get(practice=practice_a, kind="specialist_recommendations")
    assert routed.source_id == str(event.pk) and routed.status == "open"


def test_csv_import_all_or_nothing(practice_a, child_a, editor):
    bad = io.BytesIO(
        b"mrn,kind,started_at,ended_at,facility,notes\n"
        b"SG-100234,emergency,2026-03-01 10:00,,Mercy,\n"
        b"UNKNOWN,emergency,2026-03-01,,Mercy,\n"
        b"SG-100234,nonsense,2026-03-01,,Mercy,\n"
        b"SG-100234,home_visit,not-a-date,,,\n"
    )
    report = csv_import.import_csv(actor=editor, file=bad, at=AT)
    assert [row for row, _error in report.errors] == [3, 4, 5]
    assert not CareEvent.objects.exists()
    good = io.BytesIO(
        b"mrn,kind,started_at,ended_at,facility,notes\n"
        b"SG-100234,emergency,2026-03-01 10:00,,Mercy,\n"
        b"SG-100234,home_visit,2026-03-02,,,Nurse visit\n"
    )
    report = csv_import.import_csv(actor=editor, file=good, at=AT)
    assert report.ok and report.created == 2
    assert transition_tasks(practice_a).count() == 1


# --- Feed endpoint ------------------------------------------------------------------------------


@pytest.fixture
def token_a(practice_a, staff_a):
    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    return credentials.issue_feed_token(actor=admin, name="Mercy ENS", at=AT)[1]


@pytest.fixture
def feed_url(settings):
    from django.urls import reverse

    settings.ROOT_URLCONF = "medhome.events.tests.urls"
    return reverse("events:feed")


def test_pages_need_capability_and_scope(log_in, staff_a, practice_a, child_b, settings):
    from django.urls import reverse

    settings.ROOT_URLCONF = "medhome.events.tests.urls"
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    assert coordinator.get(reverse("events:unmatched")).status_code == 200
    assert coordinator.get(reverse("events:upload")).status_code == 200
    other_child = reverse("events:add", kwargs={"child_id": child_b.pk})
    assert coordinator.get(other_child).status_code == 404


def test_feed_refuses_without_token(client, feed_url, practice_a):
    response = client.post(feed_url, data=adt(), content_type="text/plain")
    assert response.status_code == 401
    response = client.post(
        feed_url, data=adt(), content_type="text/plain", HTTP_AUTHORIZATION="Bearer wrong"
    )
    assert response.status_code == 401
    assert not InboundMessage.objects.exists()


def test_feed_files_into_the_token_practice_only(client, feed_url, token_a, practice_b, child_b):
    raw = adt(mrn=child_b.mrn, name="Quillfeather^Zephyrine", dob="20210809")
    response = client.post(
        feed_url, data=raw, content_type="text/plain", HTTP_AUTHORIZATION=f"Bearer {token_a}"
    )
    assert response.status_code == 200 and b"MSA|AA" in response.content
    message = InboundMessage.objects.get()
    assert message.practice_id != practice_b.pk
    assert message.event.child is None  # B's child is never matched from A's feed
    assert b"Quillfeather" not in response.content


def test_feed_fhir_json(client, feed_url, token_a, child_a):
    response = client.post(
        feed_url,
        data=json.dumps(encounter()),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token_a}",
    )
    assert response.status_code == 200
    assert response.json()["resourceType"] == "OperationOutcome"
    bad = client.post(
        feed_url,
        data="{not json",
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token_a}",
    )
    assert bad.status_code == 400
