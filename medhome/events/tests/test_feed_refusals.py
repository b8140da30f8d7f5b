"""Feed messages that answered 500, stayed "accepted" or changed another child's event are
stored and refused with a clear reason (issue 14, "errors that answered 500")."""

import io
import json
from datetime import date

import pytest

from medhome.accounts.roles import Role
from medhome.events import credentials, csv_import, services
from medhome.events.models import CareEvent, InboundMessage, MessageStatus
from medhome.events.tests.test_events import AT, adt, encounter, receive
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(practice_a, staff_a):
    return factories.actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


@pytest.fixture
def token_a(practice_a, staff_a):
    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    return credentials.issue_feed_token(actor=admin, name="Mercy ENS", at=AT)[1]


@pytest.fixture
def feed_url(settings):
    from django.urls import reverse

    settings.ROOT_URLCONF = "medhome.events.tests.urls"
    return reverse("events:feed")


def post_json(client, url, token, body: str):
    return client.post(
        url, data=body, content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def assert_refused(message, text: str) -> None:
    message.refresh_from_db()
    assert message.status == MessageStatus.ERROR
    assert message.error == text


# --- JSON that cannot be read --------------------------------------------------------------


@pytest.mark.parametrize("depth", [100_000, 65])
def test_deeply_nested_json_is_stored_then_refused(client, feed_url, token_a, depth):
    body = '{"resourceType": "Encounter", "x": ' + "[" * depth + "]" * depth + "}"

    response = post_json(client, feed_url, token_a, body)

    assert response.status_code == 400
    assert response.json()["issue"][0]["diagnostics"] == "The JSON nests more than 64 levels deep."
    message = InboundMessage.objects.get()
    assert message.raw == body
    assert_refused(message, "The JSON nests more than 64 levels deep.")


def test_a_body_that_is_not_json_is_stored_then_refused(client, feed_url, token_a):
    response = post_json(client, feed_url, token_a, "{not json")

    assert response.status_code == 400
    message = InboundMessage.objects.get()
    assert message.raw == "{not json"
    assert_refused(message, "The body is not JSON.")


# --- FHIR fields of the wrong type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"identifier": 5}, "Encounter.identifier must be a list of Identifier objects."),
        ({"identifier": "V1"}, "Encounter.identifier must be a list of Identifier objects."),
        ({"identifier": [7]}, "Encounter.identifier must be a list of Identifier objects."),
        ({"identifier": [{"value": 7}]}, "Encounter.identifier.value must be a string."),
        (
            {"identifier": [{"system": 1, "value": "V"}]},
            "Encounter.identifier.system must be a string.",
        ),
        ({"identifier": None, "id": 5}, "Encounter.id must be a string."),
        ({"identifier": None, "id": {"a": 1}}, "Encounter.id must be a string."),
    ],
)
def test_fhir_identifier_or_id_of_the_wrong_type_is_refused(
    client,
    feed_url,
    token_a,
    child_a,
    change,
    text,
):
    response = post_json(client, feed_url, token_a, json.dumps({**encounter(), **change}))

    assert response.status_code == 400
    assert response.json() == {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": text}],
    }
    assert_refused(InboundMessage.objects.get(), text)
    assert not CareEvent.objects.exists()


# --- The same visit number, another patient ---------------------------------------------------


@pytest.fixture
def sibling(family_a):
    return factories.add_child(
        family_a, legal_given_name="Mateo", mrn="SG-100999", date_of_birth=date(2021, 2, 3)
    )


ANOTHER_PATIENT = "The visit number belongs to another patient's event: nothing was changed."


def test_a_visit_number_of_another_child_changes_nothing(practice_a, child_a, sibling):
    _ack, first = receive(practice_a, adt("A04", "M1", visit="V1"))
    event = first.event

    ack, message = receive(
        practice_a,
        adt(
            "A03",
            "M2",
            visit="V1",
            mrn=sibling.mrn,
            name="García^Mateo",
            dob="20210203",
            end="20260313120000",
        ),
    )

    assert "MSA|AE|M2" in ack and ANOTHER_PATIENT in ack
    assert_refused(message, ANOTHER_PATIENT)
    event.refresh_from_db()
    assert event.child == child_a and event.ended_at is None and not event.retracted
    assert CareEvent.objects.count() == 1


@pytest.mark.parametrize("kind", ["A11", "A08"])
def test_a_retraction_or_update_for_another_child_changes_nothing(
    practice_a, child_a, sibling, kind
):
    receive(practice_a, adt("A04", "M1", visit="V1"))

    _ack, message = receive(
        practice_a, adt(kind, "M2", visit="V1", mrn=sibling.mrn, name="García^Mateo", klass="I")
    )

    assert_refused(message, ANOTHER_PATIENT)
    event = CareEvent.objects.get()
    assert not event.retracted and event.patient_class == "E"


def test_an_unmatched_visit_is_not_taken_by_another_unknown_patient(practice_a):
    receive(practice_a, adt("A04", "M1", visit="V1", mrn="H-1", name="Nobody^Ann"))

    _ack, message = receive(
        practice_a, adt("A03", "M2", visit="V1", mrn="H-2", name="Else^Bea", end="20260313120000")
    )

    assert_refused(message, ANOTHER_PATIENT)
    assert CareEvent.objects.get().ended_at is None


def test_a_visit_filed_by_hand_follows_the_hospitals_mrn(practice_a, child_a, editor):
    _ack, first = receive(practice_a, adt("A04", "M1", visit="V1", mrn="H-77", name="X^Y"))
    services.resolve_unmatched(actor=editor, event=first.event, child=child_a, at=AT)

    _ack, message = receive(
        practice_a, adt("A03", "M2", visit="V1", mrn="H-77", name="X^Y", end="20260313120000")
    )

    assert message.status == MessageStatus.PROCESSED
    assert message.event.child == child_a and message.event.ended_at is not None


def test_a_fhir_encounter_for_another_child_changes_nothing(practice_a, child_a, sibling):
    services.receive_fhir_encounter(practice=practice_a, payload=encounter(), at=AT)
    other = encounter(mrn=sibling.mrn)
    other["contained"][0]["name"] = [{"family": "García", "given": ["Mateo"]}]
    other["contained"][0]["birthDate"] = "2021-02-03"
    other["meta"] = {"versionId": "2"}

    outcome, message = services.receive_fhir_encounter(practice=practice_a, payload=other, at=AT)

    assert outcome["issue"][0]["diagnostics"] == ANOTHER_PATIENT
    assert_refused(message, ANOTHER_PATIENT)
    assert CareEvent.objects.get().child == child_a


# --- An end before the start --------------------------------------------------------------------

BACKWARDS = "The visit ends before it starts."


def test_a_discharge_before_the_arrival_is_refused(practice_a, child_a):
    receive(practice_a, adt("A04", "M1", visit="V1", start="20260313083000"))

    ack, message = receive(practice_a, adt("A03", "M2", visit="V1", end="20260313070000"))

    assert "MSA|AE|M2" in ack
    assert_refused(message, BACKWARDS)
    assert CareEvent.objects.get().ended_at is None


def test_a_new_visit_ending_before_it_starts_is_refused(practice_a, child_a):
    _ack, message = receive(
        practice_a, adt("A03", "M1", visit="V9", start="20260313083000", end="20260312083000")
    )

    assert_refused(message, BACKWARDS)
    assert not CareEvent.objects.exists()


def test_a_fhir_period_ending_before_it_starts_is_refused(practice_a, child_a):
    payload = encounter(status="finished")
    payload["period"] = {"start": "2026-03-13T08:00:00Z", "end": "2026-03-13T07:00:00Z"}

    outcome, message = services.receive_fhir_encounter(practice=practice_a, payload=payload, at=AT)

    assert outcome["issue"][0]["diagnostics"] == BACKWARDS
    assert_refused(message, BACKWARDS)


# --- Values longer than their column --------------------------------------------------------


def test_a_visit_number_too_long_is_refused(practice_a, child_a):
    _ack, message = receive(practice_a, adt(visit="V" * 101))

    assert_refused(message, "The visit number is longer than 100 characters.")
    assert not CareEvent.objects.exists()


def test_a_facility_too_long_on_an_update_is_refused(practice_a, child_a):
    receive(practice_a, adt("A04", "M1", visit="V1"))
    raw = adt("A08", "M2", visit="V1").replace("ED^^^MERCY", "ED^^^" + "M" * 201)

    _ack, message = receive(practice_a, raw)

    assert_refused(message, "The facility is longer than 200 characters.")
    assert CareEvent.objects.get().facility == "MERCY"


def test_a_name_too_long_is_refused(practice_a):
    _ack, message = receive(practice_a, adt(mrn="H-1", name="García^" + "S" * 101))

    assert_refused(message, "The given name is longer than 100 characters.")


def test_a_message_key_too_long_is_refused(practice_a, child_a):
    _ack, message = receive(practice_a, adt(control="C" * 300))

    assert_refused(message, "The message's identifiers are too long to be a message key.")
    assert not CareEvent.objects.exists()


def test_a_csv_facility_too_long_is_refused_with_its_row(practice_a, child_a, editor):
    upload = io.BytesIO(
        b"mrn,kind,started_at,ended_at,facility,notes\n"
        b"SG-100234,emergency,2026-03-01 10:00,,Mercy,\n"
        b"SG-100234,emergency,2026-03-02 10:00,," + b"M" * 201 + b",\n"
    )

    report = csv_import.import_csv(actor=editor, file=upload, at=AT)

    assert report.errors == [(3, "The facility is longer than 200 characters.")]
    assert not CareEvent.objects.exists()


@pytest.mark.parametrize("start", ["2026-03-13", "2026031", "20260313 0830", "13/03/2026"])
def test_a_date_not_in_hl7_form_is_refused_not_misread(practice_a, child_a, start):
    """python-hl7 reads "2026-03-13" as 1 January 2026; medhome refuses it instead."""
    ack, message = receive(practice_a, adt(control=f"D-{len(start)}", start=start))

    assert_refused(message, "A date/time field is not a valid HL7 date/time.")
    assert "MSA|AE" in ack
    assert not CareEvent.objects.filter(practice=practice_a).exists()
