"""SIU S12/S13/S14/S15/S26 → visits, through the hl7 package, idempotent, refusals in words."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.ehr.siu import apply_siu, read_siu
from medhome.events import services
from medhome.events.models import MessageStatus, Sender
from medhome.events.parsing import Malformed, parse_hl7
from medhome.families.models import Child
from medhome.practices.models import Site
from medhome.visits.models import Visit

AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ZONE = ZoneInfo("America/New_York")


def siu(
    trigger="S12",
    control="SIU0001",
    filler="APT-778^EPIC",
    mrn="SG-100234^^^EPIC^MR",
    dob="20230517",
    start="20261123090000",
    minutes="20",
    reason="WELLCHILD^Well child visit",
    kind="NORMAL",
    clinician="a-pediatrician^Okafor^Amara",
    location="^^^Main Street",
    filler_status="Booked",
):
    sch = ["SCH", "P-1^EPIC", filler, "", "", "", "", reason, kind, minutes, "MIN"]
    sch += [f"^^{minutes}^{start}", *[""] * 13, filler_status]
    segments = [
        f"MSH|^~\\&|EPIC|PEDS|MEDHOME|PEDS|20261120100000||SIU^{trigger}^SIU_S12|{control}|P|2.5",
        "|".join(sch),
        f"PID|1||{mrn}||García^Sofía||{dob}|F",
        "RGS|1|A",
        f"AIS|1|A|99392^Preventive visit|{start}|||{minutes}|min",
        f"AIL|1|A|{location}",
        f"AIP|1|A|{clinician}|MD",
    ]
    return "\r".join(segments)


def apply(practice, raw, at=AT):
    parsed, _key = parse_hl7(raw)
    return apply_siu(practice=practice, parsed=parsed, at=at)


@pytest.fixture
def main_street(practice_a):
    return Site.objects.create(practice=practice_a, name="Main Street", zip_code="02128")


def test_s12_creates_a_booked_visit_with_site_clinician_kind(
    practice_a, child_a, clinician_a, main_street
):
    applied = apply(practice_a, siu())

    assert (applied.status, applied.outcome) == (MessageStatus.PROCESSED, "created")
    visit = applied.visit
    assert visit.child == child_a and visit.external_id == "EPIC|APT-778"
    assert visit.starts_at == datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)
    assert (visit.duration_minutes, visit.kind, visit.modality) == (20, "well_child", "in_person")
    assert (visit.status, visit.site, visit.clinician) == ("scheduled", main_street, clinician_a)
    assert AuditEvent.objects.filter(object_type="visit", object_id=str(visit.pk)).count() == 1


def test_a_resent_s12_changes_nothing(practice_a, child_a, main_street):
    apply(practice_a, siu())
    audits = AuditEvent.objects.count()
    visit = Visit.objects.get()

    again = apply(practice_a, siu(control="SIU0002"))

    assert again.outcome == "unchanged" and Visit.objects.count() == 1
    assert AuditEvent.objects.count() == audits
    assert Visit.objects.get().updated_at == visit.updated_at


def test_s13_moves_the_visit(practice_a, child_a):
    apply(practice_a, siu())

    moved = apply(practice_a, siu("S13", control="2", start="20261124140000"))

    assert moved.outcome == "updated"
    assert Visit.objects.get().starts_at == datetime(2026, 11, 24, 14, 0, tzinfo=ZONE)


def test_s14_modifies_type_length_and_modality_keeping_arrival(practice_a, child_a):
    apply(practice_a, siu())
    Visit.objects.update(status="arrived")

    apply(
        practice_a,
        siu(
            "S14", control="2", minutes="40", reason="FOLLOWUP^Follow up by video", filler_status=""
        ),
    )

    visit = Visit.objects.get()
    assert (visit.kind, visit.modality, visit.duration_minutes) == ("follow_up", "video", 40)
    assert visit.status == "arrived"  # a modification does not undo the arrival


def test_s15_cancels_and_s26_marks_no_show(practice_a, child_a):
    apply(practice_a, siu())
    apply(practice_a, siu("S15", control="2", filler_status="Cancelled"))
    assert Visit.objects.get().status == "cancelled"

    apply(practice_a, siu(filler="APT-779^EPIC", control="3"))
    apply(practice_a, siu("S26", filler="APT-779^EPIC", control="4", filler_status=""))
    assert Visit.objects.get(external_id="EPIC|APT-779").status == "no_show"


def test_unknown_patient_is_kept_unmatched_and_no_child_is_made(practice_a, child_a):
    before = Child.objects.count()

    applied = apply(practice_a, siu(mrn="NOPE-1^^^EPIC^MR"))

    assert (applied.status, applied.outcome, applied.visit) == (
        MessageStatus.UNMATCHED,
        "unmatched",
        None,
    )
    assert Child.objects.count() == before and not Visit.objects.exists()


def test_another_practices_child_is_never_reached(practice_a, child_b):
    # child_b's MRN sent to practice A: A has no such child.
    applied = apply(practice_a, siu(mrn="ZQ-884213^^^EPIC^MR"))
    assert applied.status == MessageStatus.UNMATCHED and not Visit.objects.exists()


def test_a_visit_before_birth_is_refused_in_words(practice_a, child_a):
    with pytest.raises(Malformed) as refused:
        apply(practice_a, siu(start="20230101090000"))

    assert refused.value.text == "The visit is before the child's date of birth."
    assert refused.value.code == "AR"
    assert not Visit.objects.exists() and not AuditEvent.objects.filter(object_type="visit")


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (
            siu(start="2026-11-23"),
            "SCH-11.4 (start) is not a valid HL7 date/time (YYYYMMDDHHMM[SS][+/-ZZZZ]).",
        ),
        (siu(start="20261399090000"), "SCH-11.4 (start) is not a valid HL7 date/time."),
        (
            siu(filler="").replace("P-1^EPIC", ""),
            "The message carries no appointment id (SCH-1 or SCH-2).",
        ),
        (siu(mrn=""), "PID-3 names no patient identifier."),
        (siu(minutes="600"), "The appointment's length must be 1 to 240 minutes."),
    ],
)
def test_unreadable_messages_are_refused_with_a_reason(practice_a, child_a, raw, text):
    with pytest.raises(Malformed) as refused:
        apply(practice_a, raw)
    assert refused.value.text == text and refused.value.code == "AR"
    assert not Visit.objects.exists()


def test_start_from_ais_when_sch11_is_empty(practice_a, child_a):
    raw = siu().replace("|^^20^20261123090000|", "||")
    appointment = read_siu(parse_hl7(raw)[0])
    assert appointment.starts_at == datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("reason", "kind", "modality"),
    [
        ("CHECKUP^Checkup", "well_child", "in_person"),
        ("SICK^Sick visit", "sick", "in_person"),
        ("WALKIN^Walk in", "sick", "in_person"),
        ("FOLLOWUP^Follow-up by phone", "follow_up", "audio"),
        ("ROUTINE^Routine", "follow_up", "in_person"),
        ("TELE^Telehealth sick visit", "sick", "video"),
    ],
)
def test_appointment_type_gives_kind_and_modality(reason, kind, modality):
    raw = siu(reason=reason).replace("99392^Preventive visit", "")
    appointment = read_siu(parse_hl7(raw)[0])
    assert (appointment.kind, appointment.modality) == (kind, modality)


def test_clinician_by_name_when_the_id_is_unknown_and_none_when_nobody_matches(
    practice_a, child_a, staff_a
):
    apply(practice_a, siu(clinician="X123^Parkhurst^Lena"))
    assert Visit.objects.get().clinician == staff_a[Role.NURSE_PRACTITIONER]

    apply(practice_a, siu(filler="APT-9^EPIC", clinician="X9^Nobody^Here"))
    assert Visit.objects.get(external_id="EPIC|APT-9").clinician is None


def test_a_clinician_of_another_practice_is_not_matched(practice_a, child_a, clinician_b):
    apply(practice_a, siu(clinician="b-pediatrician^Volkov^Dmitri"))
    assert Visit.objects.get().clinician is None


def test_other_siu_triggers_change_nothing(practice_a, child_a):
    applied = apply(practice_a, siu("S17"))
    assert applied.outcome == "ignored" and not Visit.objects.exists()


def test_the_feed_actor_is_audited_without_phi(practice_a, child_a):
    visit = apply(practice_a, siu()).visit
    event = AuditEvent.objects.get(object_type="visit", object_id=str(visit.pk))
    assert event.role == "feed" and "SG-100234" not in str(event.detail)


# --- Through the feed: stored, keyed, acknowledged, reprocessed -------------------------------


def feed(practice, raw):
    return services.receive_hl7(practice=practice, raw=raw, at=AT, sender=Sender.EHR)


def test_the_feed_applies_s12_and_answers_aa(practice_a, child_a):
    ack, message = feed(practice_a, siu())

    assert "MSA|AA|SIU0001" in ack
    assert message.status == MessageStatus.PROCESSED and message.message_type == "S12"
    assert Visit.objects.get().child == child_a


def test_the_feed_refuses_a_visit_before_birth_with_an_ar_and_its_reason(practice_a, child_a):
    ack, message = feed(practice_a, siu(start="20230101090000"))

    assert "MSA|AR|SIU0001|The visit is before the child's date of birth." in ack
    assert message.status == MessageStatus.ERROR
    assert message.error == "The visit is before the child's date of birth."
    assert not Visit.objects.exists()


def test_an_unmatched_schedule_waits_and_is_applied_once_the_patient_arrives(practice_a, child_a):
    raw = siu(mrn="LATE-7^^^EPIC^MR")
    _ack, message = feed(practice_a, raw)
    assert message.status == MessageStatus.UNMATCHED and not Visit.objects.exists()

    Child.objects.filter(pk=child_a.pk).update(mrn="LATE-7")  # the panel brings the patient
    services.reprocess(message=message, at=AT)

    message.refresh_from_db()
    assert message.status == MessageStatus.PROCESSED
    assert Visit.objects.get().child == child_a


def test_a_well_child_visit_the_ehr_completes_completes_the_preventive_visit_row(
    practice_a, child_a
):
    from medhome.periodicity.engine import VISIT_ROW
    from medhome.periodicity.models import RowCompletion

    apply(practice_a, siu())
    rows = RowCompletion.objects.filter(child=child_a, row=VISIT_ROW)
    assert not rows.exists()
    done_at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)

    apply(practice_a, siu("S14", control="2", filler_status="Complete"), at=done_at)

    assert Visit.objects.get().status == "completed"
    assert rows.get().source == "ehr"
