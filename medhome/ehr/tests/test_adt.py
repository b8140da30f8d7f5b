"""ADT from the practice's own EHR: A04/A28 register, A08/A31 update (unknown → queued), A40
merges; the same triggers from a hospital keep their meaning (events between visits)."""

from datetime import UTC, date, datetime

import pytest

from medhome.audit.models import AuditEvent
from medhome.events import services
from medhome.events.models import CareEvent, InboundMessage, MessageStatus, Sender
from medhome.families.models import MRN_SYSTEM, Child, ChildIdentifier, PanelMembership

AT = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)


def adt(
    event="A04",
    control="E0001",
    pid3="MRN-500^^^CLINIC^MR",
    name="Okafor^Chidi",
    dob="20240102",
    sex="M",
    address="4 Elm St^^Boston^MA^02119",
    language="spa^Spanish",
    mrg="",
):
    segments = [
        f"MSH|^~\\&|EHR|CLINIC|MEDHOME|PEDS|20260313083000||ADT^{event}^ADT_A01|{control}|P|2.5.1",
        f"EVN|{event}|20260313083000",
        f"PID|1||{pid3}||{name}||{dob}|{sex}|||{address}||||{language}",
        "PV1|1|O",
    ]
    if mrg:
        segments.append(f"MRG|{mrg}")
    return "\r".join(segments)


def from_ehr(practice, raw):
    return services.receive_hl7(practice=practice, raw=raw, at=AT, sender=Sender.EHR)


@pytest.mark.parametrize("event", ["A04", "A28"])
def test_registration_creates_the_child_on_the_panel(practice_a, event):
    ack, message = from_ehr(practice_a, adt(event=event))
    assert "MSA|AA|E0001" in ack
    assert message.status == MessageStatus.PROCESSED
    child = Child.objects.get(practice=practice_a, mrn="MRN-500")
    assert (child.legal_given_name, child.legal_family_name) == ("Chidi", "Okafor")
    assert child.date_of_birth == date(2024, 1, 2) and child.sex_at_birth == "male"
    assert (child.city, child.state, child.zip_code) == ("Boston", "MA", "02119")
    assert child.preferred_language == "es"
    assert set(ChildIdentifier.objects.filter(child=child).values_list("system", "value")) == {
        ("urn:medhome:hl7:CLINIC", "MRN-500"),
        (MRN_SYSTEM, "MRN-500"),
    }
    assert PanelMembership.objects.filter(child=child, ends_on__isnull=True).exists()
    assert AuditEvent.objects.filter(object_type="child", object_id=str(child.pk)).exists()
    assert not CareEvent.objects.exists()  # not an ED visit


@pytest.mark.parametrize("event", ["A08", "A31"])
def test_update_changes_a_known_child(practice_a, event):
    from_ehr(practice_a, adt())
    _ack, message = from_ehr(
        practice_a, adt(event=event, control="E0002", address="9 Oak Rd^^Quincy^MA^02169")
    )
    assert message.status == MessageStatus.PROCESSED
    child = Child.objects.get(practice=practice_a, mrn="MRN-500")
    assert (child.city, child.zip_code, child.version) == ("Quincy", "02169", 2)


@pytest.mark.parametrize("event", ["A08", "A31"])
def test_update_for_unknown_patient_is_queued_not_created(practice_a, event):
    ack, message = from_ehr(practice_a, adt(event=event))
    assert "MSA|AA" in ack
    assert message.status == MessageStatus.UNMATCHED
    assert not Child.objects.filter(practice=practice_a, mrn="MRN-500").exists()
    # Once the patient is registered, reprocessing the queued message applies it.
    from_ehr(practice_a, adt(control="E0009", address="1 First St^^Boston^MA^02118"))
    services.reprocess(message=message, at=AT)
    message.refresh_from_db()
    assert message.status == MessageStatus.PROCESSED
    assert Child.objects.get(practice=practice_a, mrn="MRN-500").zip_code == "02119"


def test_resent_registration_is_a_duplicate_and_changes_nothing(practice_a):
    from_ehr(practice_a, adt())
    child = Child.objects.get(mrn="MRN-500")
    _ack, again = from_ehr(practice_a, adt())
    assert again.status == MessageStatus.DUPLICATE
    _ack, same = from_ehr(practice_a, adt(control="E0003"))
    assert same.status == MessageStatus.PROCESSED
    child.refresh_from_db()
    assert child.version == 1


def test_refused_registration_is_stored_with_reason_and_no_phi(practice_a):
    ack, message = from_ehr(practice_a, adt(dob="20990101"))
    assert "MSA|AE" in ack and "future" in ack
    assert message.status == MessageStatus.ERROR and "Okafor" not in message.error
    assert not Child.objects.filter(mrn="MRN-500").exists()
    ack, message = from_ehr(practice_a, adt(control="E0004", dob=""))
    assert "PID-7" in ack and message.status == MessageStatus.ERROR


@pytest.mark.parametrize("event", ["A04", "A08"])
def test_hospital_sender_keeps_events_between_visits(practice_a, child_a, event):
    raw = adt(event=event, pid3=f"{child_a.mrn}^^^MERCY^MR", name="García^Sofía", dob="20230517")
    raw = raw.replace("PV1|1|O", "PV1|1|E|ED^^^MERCY" + "|" * 16 + "V1")
    _ack, message = services.receive_hl7(practice=practice_a, raw=raw, at=AT)
    assert message.sender == Sender.HOSPITAL
    assert not Child.objects.filter(mrn="MRN-500").exists()
    if event == "A04":
        assert message.event.kind == "emergency" and message.event.child == child_a
    else:
        assert message.event is None  # an update about a visit never heard of
    child_a.refresh_from_db()
    assert child_a.version == 1


def test_identifiers_of_another_practice_never_reach_its_child(practice_a, practice_b, child_b):
    ChildIdentifier.objects.create(
        practice=practice_b, child=child_b, system=MRN_SYSTEM, value="MRN-500", created_at=AT
    )
    _ack, message = from_ehr(practice_a, adt(event="A08"))
    assert message.status == MessageStatus.UNMATCHED
    from_ehr(practice_a, adt(control="E0005"))
    child_b.refresh_from_db()
    assert child_b.legal_given_name == "Zephyrine" and child_b.version == 1
    assert Child.objects.get(practice=practice_a, mrn="MRN-500").practice == practice_a


def test_a40_merges_the_mrg_record_into_the_pid_record(practice_a):
    from_ehr(practice_a, adt())
    from_ehr(practice_a, adt(control="E0006", pid3="DUP-1^^^CLINIC^MR", name="Okafor^Chidi"))
    survivor, retired = Child.objects.get(mrn="MRN-500"), Child.objects.get(mrn="DUP-1")
    ack, message = from_ehr(practice_a, adt(event="A40", control="E0007", mrg="DUP-1^^^CLINIC^MR"))
    assert "MSA|AA" in ack and message.status == MessageStatus.PROCESSED
    assert not Child.objects.filter(pk=retired.pk).exists()
    retired_ids = ChildIdentifier.objects.filter(child=survivor, retired=True)
    assert ("urn:medhome:hl7:CLINIC", "DUP-1") in retired_ids.values_list("system", "value")
    # A later update carrying the retired MRN updates the survivor.
    _ack, later = from_ehr(
        practice_a,
        adt(
            event="A08", control="E0008", pid3="DUP-1^^^CLINIC^MR", address="2 Pine^^Salem^MA^01970"
        ),
    )
    assert later.status == MessageStatus.PROCESSED
    survivor.refresh_from_db()
    assert survivor.city == "Salem" and survivor.mrn == "MRN-500"


def test_a40_with_only_the_retired_record_known_rekeys_it(practice_a):
    from_ehr(practice_a, adt(pid3="DUP-1^^^CLINIC^MR"))
    _ack, message = from_ehr(practice_a, adt(event="A40", control="E0010", mrg="DUP-1^^^CLINIC^MR"))
    assert message.status == MessageStatus.PROCESSED
    child = Child.objects.get(practice=practice_a)
    assert child.mrn == "MRN-500"
    assert ChildIdentifier.objects.get(child=child, system=MRN_SYSTEM, value="DUP-1").retired


def test_a40_for_unknown_patients_is_queued(practice_a):
    _ack, message = from_ehr(practice_a, adt(event="A40", mrg="DUP-1^^^CLINIC^MR"))
    assert message.status == MessageStatus.UNMATCHED
    assert InboundMessage.objects.count() == 1 and not Child.objects.exists()


def test_feed_routes_by_the_tokens_sender(client, settings, practice_a, staff_a):
    from django.urls import reverse

    from medhome.accounts.roles import Role
    from medhome.events import credentials
    from tests import factories

    settings.ROOT_URLCONF = "medhome.events.tests.urls"
    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    _c, token = credentials.issue_feed_token(actor=admin, name="Our EHR", at=AT, sender="ehr")
    response = client.post(
        reverse("events:feed"),
        data=adt(),
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200 and b"MSA|AA" in response.content
    assert Child.objects.filter(practice=practice_a, mrn="MRN-500").exists()
