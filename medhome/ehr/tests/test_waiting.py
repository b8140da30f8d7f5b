"""EHR messages waiting for a child: matched by a person, registered as a new child, set
aside, and applied again on their own when the patient arrives by another path."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.ehr import waiting
from medhome.ehr.tests.support import patient, run_import, write_export
from medhome.ehr.tests.test_adt import AT, adt, from_ehr
from medhome.ehr.tests.test_siu import siu
from medhome.events.models import InboundMessage, MessageStatus
from medhome.families.models import MRN_SYSTEM, Child, ChildIdentifier
from medhome.visits.models import Visit
from tests import factories

pytestmark = pytest.mark.django_db

UNKNOWN_SIU = {"mrn": "E-77^^^EPIC^MR", "dob": "20230517"}


@pytest.fixture
def coordinator(staff_a, practice_a):
    return factories.actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


def waiting_message(practice, raw) -> InboundMessage:
    _ack, message = from_ehr(practice, raw)
    assert message.status == MessageStatus.UNMATCHED
    return message


def test_an_siu_for_an_unknown_patient_becomes_a_visit_once_matched(
    practice_a, child_a, coordinator
):
    message = waiting_message(practice_a, siu(**UNKNOWN_SIU))
    assert not Visit.objects.exists()

    waiting.match_message(actor=coordinator, message=message, child=child_a, at=AT)

    message.refresh_from_db()
    assert message.status == MessageStatus.PROCESSED
    assert Visit.objects.get().child == child_a
    pairs = set(ChildIdentifier.objects.filter(child=child_a).values_list("system", "value"))
    assert {("urn:medhome:hl7:EPIC", "E-77"), (MRN_SYSTEM, "E-77")} <= pairs
    assert AuditEvent.objects.filter(object_type="inbound_message", object_id=str(message.pk))
    # The next message about this patient finds the child by itself.
    _ack, later = from_ehr(practice_a, siu(control="SIU0002", filler="APT-9^EPIC", **UNKNOWN_SIU))
    assert later.status == MessageStatus.PROCESSED


def test_matching_an_a08_updates_the_child_and_replays_the_others(practice_a, child_a, coordinator):
    update = waiting_message(
        practice_a,
        adt(event="A08", pid3="E-77^^^EPIC^MR", name="García^Sofía", dob="20230517"),
    )
    booking = waiting_message(practice_a, siu(**UNKNOWN_SIU))

    waiting.match_message(actor=coordinator, message=update, child=child_a, at=AT)

    child_a.refresh_from_db()
    assert (child_a.city, child_a.zip_code, child_a.mrn) == ("Boston", "02119", "E-77")
    booking.refresh_from_db()
    assert booking.status == MessageStatus.PROCESSED  # found the child once matched
    assert Visit.objects.get().child == child_a


def test_an_identifier_of_another_child_is_refused(practice_a, child_a, family_a, coordinator):
    message = waiting_message(practice_a, siu(**UNKNOWN_SIU))
    sibling = factories.add_child(family_a, legal_given_name="Tomás", mrn="SG-100999")
    ChildIdentifier.objects.create(
        practice=practice_a,
        child=sibling,
        system="urn:medhome:hl7:EPIC",
        value="E-77",
        created_at=AT,
    )

    with pytest.raises(ValidationError) as refused:
        waiting.match_message(actor=coordinator, message=message, child=child_a, at=AT)

    assert "merge the two records instead" in " ".join(refused.value.messages)
    message.refresh_from_db()
    assert message.status == MessageStatus.UNMATCHED
    assert not ChildIdentifier.objects.filter(child=child_a).exists()
    assert not Visit.objects.exists()


def test_another_practice_cannot_match(practice_a, practice_b, child_b, staff_a):
    message = waiting_message(practice_a, siu(**UNKNOWN_SIU))
    other = factories.make_staff(
        "b-coord", practice_b, Role.CARE_COORDINATOR, first_name="Bo", last_name="Cole"
    )
    actor_b = factories.actor_for(other, practice_b, Role.CARE_COORDINATOR)

    with pytest.raises(PermissionDenied):
        waiting.match_message(actor=actor_b, message=message, child=child_b, at=AT)


def test_register_a_new_child_from_an_a08(practice_a, coordinator):
    message = waiting_message(practice_a, adt(event="A08"))
    booking = waiting_message(
        practice_a, siu(mrn="MRN-500^^^CLINIC^MR", dob="20240102", start="20261123090000")
    )

    child = waiting.register_from_message(actor=coordinator, message=message, at=AT)

    assert (child.mrn, child.date_of_birth) == ("MRN-500", date(2024, 1, 2))
    message.refresh_from_db()
    booking.refresh_from_db()
    assert (message.status, booking.status) == (MessageStatus.PROCESSED, MessageStatus.PROCESSED)
    created = AuditEvent.objects.get(object_type="child", object_id=str(child.pk), action="create")
    assert created.actor_id == coordinator.user.pk


def test_register_is_refused_for_an_siu_and_for_a_bad_record(practice_a, coordinator):
    booking = waiting_message(practice_a, siu(**UNKNOWN_SIU))
    with pytest.raises(ValidationError, match="A08 or A31"):
        waiting.register_from_message(actor=coordinator, message=booking, at=AT)

    bad_zip = waiting_message(
        practice_a, adt(event="A08", control="E2", address="4 Elm St^^Boston^MA^nope")
    )
    with pytest.raises(ValidationError, match="ZIP code"):
        waiting.register_from_message(actor=coordinator, message=bad_zip, at=AT)

    assert not Child.objects.filter(practice=practice_a, mrn="MRN-500").exists()
    bad_zip.refresh_from_db()
    assert bad_zip.status == MessageStatus.UNMATCHED


def test_a_patient_without_an_address_is_registered(practice_a, coordinator):
    """A family without a fixed address: the EHR sends no postal code; the child is on the
    panel all the same."""
    update = waiting_message(practice_a, adt(event="A08", control="E3", address=""))
    waiting.register_from_message(actor=coordinator, message=update, at=AT)
    child = Child.objects.get(practice=practice_a, mrn="MRN-500")
    assert (child.zip_code, child.city) == ("", "")


def test_set_aside_with_a_reason_code(practice_a, coordinator):
    message = waiting_message(practice_a, siu(**UNKNOWN_SIU))
    with pytest.raises(ValidationError):
        waiting.set_aside(actor=coordinator, message=message, reason="because", at=AT)

    waiting.set_aside(actor=coordinator, message=message, reason="test_message", at=AT)

    message.refresh_from_db()
    assert (message.status, message.error) == (MessageStatus.SET_ASIDE, "test_message")
    audit = AuditEvent.objects.get(object_type="inbound_message", object_id=str(message.pk))
    assert audit.detail["reason"] == "test_message"
    with pytest.raises(ValidationError, match="no longer waiting"):
        waiting.set_aside(actor=coordinator, message=message, reason="duplicate", at=AT)


def test_an_a04_applies_the_messages_that_waited_for_the_patient(practice_a):
    booking = waiting_message(
        practice_a, siu(mrn="MRN-500^^^CLINIC^MR", dob="20240102", start="20261123090000")
    )
    update = waiting_message(
        practice_a, adt(event="A08", control="E1", address="9 Oak^^Quincy^MA^02169")
    )

    from_ehr(practice_a, adt(control="E2"))

    booking.refresh_from_db()
    update.refresh_from_db()
    assert (booking.status, update.status) == (MessageStatus.PROCESSED, MessageStatus.PROCESSED)
    child = Child.objects.get(practice=practice_a, mrn="MRN-500")
    assert Visit.objects.get().child == child


def test_a_bulk_import_applies_the_messages_that_waited(practice_a, tmp_path):
    booking = waiting_message(
        practice_a, siu(mrn="MRN-p1^^^HOSP^MR", dob="20240110", start="20261123090000")
    )

    run_import(practice_a, write_export(tmp_path / "export", {"Patient": [patient("p1")]}))

    booking.refresh_from_db()
    assert booking.status == MessageStatus.PROCESSED
    assert Visit.objects.get().child.mrn == "MRN-p1"


def test_replay_is_one_query_when_nothing_waits(practice_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert waiting.replay_waiting(practice_a, AT) == 0
