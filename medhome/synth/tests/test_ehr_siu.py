"""The synthetic EHR's clinic day as HL7 v2.5 SIU messages: parseable, one S12 per booked
visit, a few changes, unique control ids, the ids the FHIR export uses."""

from datetime import UTC, date, datetime
from random import Random

import hl7
import pytest

from medhome.synth.ehr import codes as C
from medhome.synth.ehr.clinic_day import plan_clinic
from medhome.synth.ehr.export import windows_of
from medhome.synth.ehr.siu import day_messages, escape
from medhome.synth.tests.test_ehr_export import AS_OF, TZ, population


@pytest.fixture(scope="module")
def day():
    made, sites = population(300)
    windows = {child.pk: windows_of(child, AS_OF) for child in made.children}
    bookings = plan_clinic(
        Random(3),
        made.children,
        windows,
        as_of=AS_OF,
        sites=sites,
        clinicians=[("pediatrician@test.demo", "Grace Okafor"), ("np@test.demo", "Daniel Reyes")],
    )
    sent = day_messages(
        bookings,
        day=AS_OF,
        facility="Harbor Test Pediatrics",
        practice_tag="a1b2c3d4",
        sent_at=datetime(2026, 12, 4, 6, 0, tzinfo=UTC),
        tz=TZ,
        rng=Random(4),
    )
    return bookings, sent


def field(message: hl7.Message, segment: str, number: int, component: int = 1) -> str:
    return str(message.extract_field(segment, 1, number, 1, component) or "")


def test_one_s12_per_visit_of_the_day_then_a_few_changes(day) -> None:
    bookings, sent = day
    todays = [b for b in bookings if b.day == AS_OF]
    assert len(todays) == 13  # 10 well-child visits and 3 sick visits
    triggers = [s.trigger for s in sent]
    assert triggers == ["S12"] * len(todays) + ["S13", "S15", "S26"]
    assert {s.booking.key for s in sent if s.trigger == "S12"} == {b.key for b in todays}
    changed = [s.booking for s in sent if s.trigger != "S12"]
    assert all(
        b.kind != "well_child" or (AS_OF - b.child.date_of_birth).days >= 365 for b in changed
    )


def test_control_ids_are_unique_and_fit_hl7(day) -> None:
    _bookings, sent = day
    ids = [s.control_id for s in sent]
    assert len(set(ids)) == len(ids)
    assert all(len(i) <= 20 for i in ids)


def test_messages_parse_with_the_segments_and_ids_the_import_reads(day) -> None:
    _bookings, sent = day
    for s in sent:
        parsed = hl7.parse(s.text)
        names = [str(segment[0]) for segment in parsed]
        assert names[:4] == ["MSH", "SCH", "TQ1", "PID"]
        assert {"RGS", "AIS", "AIG", "AIL", "AIP"} <= set(names)
        assert field(parsed, "MSH", 9, 2) == s.trigger
        assert field(parsed, "MSH", 10) == s.control_id
        assert field(parsed, "MSH", 12) == "2.5"
        assert (field(parsed, "SCH", 2, 1), field(parsed, "SCH", 2, 2)) == (
            s.booking.key,
            C.APPOINTMENT_SYSTEM,
        )
        assert (field(parsed, "PID", 3, 1), field(parsed, "PID", 3, 4)) == (
            s.booking.child.mrn,
            C.MRN_SYSTEM,
        )
        assert field(parsed, "PID", 5, 1) == escape(s.booking.child.legal_family_name)
        start = datetime.combine(s.booking.day, s.booking.starts, tzinfo=TZ)
        starts_at = hl7.parse_datetime(field(parsed, "SCH", 11, 4))
        if s.trigger == "S13":
            assert (starts_at - start).total_seconds() == 3600
        else:
            assert starts_at == start
        reason = field(parsed, "SCH", 7)
        assert reason == ("CHECKUP" if s.booking.kind == "well_child" else "WALKIN")
        assert field(parsed, "AIP", 3, 1) in ("pediatrician@test.demo", "np@test.demo")
        assert field(parsed, "AIL", 3, 1) == s.booking.site[1]
        assert field(parsed, "SCH", 25) == {"S15": "Cancelled", "S26": "Noshow"}.get(
            s.trigger, "Booked"
        )


def test_delimiters_in_names_are_escaped() -> None:
    assert escape("A^B|C&D~E\\F") == "A\\S\\B\\F\\C\\T\\D\\R\\E\\E\\F"


def test_the_schedule_reads_each_message_as_the_visit_it_books(day) -> None:
    """Against the SIU reader of ehr."""
    from medhome.ehr import siu
    from medhome.events.parsing import parse_hl7

    _bookings, sent = day
    for s in sent:
        parsed, _key = parse_hl7(s.text)
        appointment = siu.read_siu(parsed)
        assert appointment.trigger == s.trigger
        assert appointment.external_id == f"{C.APPOINTMENT_SYSTEM}|{s.booking.key}"
        assert appointment.kind == s.booking.kind
        assert appointment.duration_minutes == 20
        assert appointment.mrn == s.booking.child.mrn
        assert s.booking.clinician[0] in appointment.clinician_ids
        assert s.booking.site[1] in appointment.locations
        start = datetime.combine(s.booking.day, s.booking.starts, tzinfo=TZ)
        shift = 3600 if s.trigger == "S13" else 0
        assert (appointment.starts_at - start).total_seconds() == shift
        expected = {"S15": "cancelled", "S26": "no_show"}.get(s.trigger, "scheduled")
        assert appointment.status == expected


def test_the_demo_day_is_a_clinic_day_even_on_a_weekend():
    """The demo's Today is never empty: loaded on a Saturday it is a Saturday clinic."""
    from medhome.synth.clinic import clinic_days

    saturday = date(2026, 12, 5)
    assert clinic_days(saturday, 4) == [saturday, date(2026, 12, 7), date(2026, 12, 8)]
    assert clinic_days(date(2026, 12, 4), 4) == [date(2026, 12, 4), date(2026, 12, 7)]
