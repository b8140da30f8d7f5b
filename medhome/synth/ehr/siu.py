"""A clinic day as the synthetic EHR sends it: HL7 v2.5 SIU messages (MSH, SCH, TQ1, PID, PV1,
RGS, AIS, AIG, AIL, AIP), one S12 per booked visit, then a few changes: a visit moved later the
same day (S13), a cancellation (S15) and a child who did not come (S26).

The appointment is the same one the FHIR export's Appointment names: SCH-1/SCH-2 carry its id
with the appointment identifier system as namespace, so either path finds the same visit; PID-3
carries the MRN with the MRN system as assigning authority and type MR. Every MSH-10 is unique
(practice tag, day, sequence: at most 20 characters, as HL7 v2.5 allows). Segments end in CR.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from random import Random

from medhome.families.models import Child

from . import codes as C
from .clinic_day import Booking
from .resources import SICK_VISIT, WELL_CHILD
from .visits import WELL

SENDING_APPLICATION = "SYNTHEHR"
RECEIVING_APPLICATION = "MEDHOME"
# The day's changes (a few, never the infants' well visits the demo's Today relies on).
RESCHEDULED = 1
CANCELLED = 1
NO_SHOWS = 1
EVENT_REASON = {
    "S12": "Booked",
    "S13": "Rescheduled",
    "S14": "Modified",
    "S15": "Cancelled",
    "S26": "Noshow",
}
FILLER_STATUS = {"S12": "Booked", "S13": "Booked", "S14": "Booked", "S15": "Cancelled"}
FILLER_STATUS["S26"] = "Noshow"
REASON = {WELL: ("CHECKUP", "Well-child check-up")}
SICK_REASON = ("WALKIN", "Sick visit")


def escape(text: str) -> str:
    """HL7 v2 escape sequences for the delimiters (a name like "Smith^Jones" stays one value)."""
    return (
        text.replace("\\", "\\E\\")
        .replace("|", "\\F\\")
        .replace("^", "\\S\\")
        .replace("&", "\\T\\")
        .replace("~", "\\R\\")
    )


def hl7_time(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S%z")


@dataclass(frozen=True)
class Sent:
    """One message and what it says (for tests and the demo's summary)."""

    trigger: str
    control_id: str
    booking: Booking
    text: str


def _split(display: str) -> tuple[str, str]:
    given, _, family = display.rpartition(" ")
    return family or display, given


def message(
    trigger: str,
    booking: Booking,
    *,
    control_id: str,
    sent_at: datetime,
    starts_at: datetime,
    facility: str,
) -> str:
    """One SIU message for `booking` starting at `starts_at`."""
    child: Child = booking.child
    minutes = booking.minutes
    ends_at = starts_at + timedelta(minutes=minutes)
    code, text = REASON.get(booking.kind, SICK_REASON)
    service = WELL_CHILD if booking.kind == WELL else SICK_VISIT
    appointment_id = f"{booking.key}^{C.APPOINTMENT_SYSTEM}"
    sch = [
        "SCH",
        appointment_id,
        appointment_id,
        "",
        "",
        "",
        f"{trigger}^{EVENT_REASON[trigger]}^HL70276",
        f"{code}^{text}^HL70276",
        "Normal^Normal^HL70277",
        str(minutes),
        "min",
        f"^^{minutes}^{hl7_time(starts_at)}^{hl7_time(ends_at)}",
        *[""] * 13,
        FILLER_STATUS[trigger],
    ]
    segments = [
        f"MSH|^~\\&|{SENDING_APPLICATION}|{escape(facility)}|{RECEIVING_APPLICATION}|"
        f"{escape(facility)}|{hl7_time(sent_at)}||SIU^{trigger}^SIU_S12|{control_id}|P|2.5",
        "|".join(sch),
        f"TQ1|1||||||{hl7_time(starts_at)}|{hl7_time(ends_at)}",
        pid_segment(child),
    ]
    site_name = escape(booking.site[1]) if booking.site else ""
    segments.append(f"PV1|1|O|{site_name}^^^{escape(facility)}")
    segments.append("RGS|1|A")
    segments.append(
        f"AIS|1|A|{service.code}^{service.display}^SCT|{hl7_time(starts_at)}|||"
        f"{minutes}|min||{FILLER_STATUS[trigger]}"
    )
    if booking.clinician is not None:
        login, display = booking.clinician
        family, given = _split(display)
        segments.append(f"AIG|1|A|{escape(login)}^{escape(display)}^SYNTHSTAFF|PROV^Provider")
        segments.append(
            f"AIP|1|A|{escape(login)}^{escape(family)}^{escape(given)}|PED^Pediatric clinician"
        )
    if booking.site is not None:
        segments.append(f"AIL|1|A|{site_name}^^^{escape(facility)}^^^^^{site_name}")
    return "\r".join(segments)


def pid_segment(child: Child) -> str:
    """PID-3 the MRN (assigning authority the MRN system, type MR), PID-5 name, PID-7 birth
    date, PID-8 sex, PID-11 address."""
    sex = {"female": "F", "male": "M"}.get(child.sex_at_birth, "U")
    address = "^".join(
        escape(part)
        for part in (
            child.address_line1,
            child.address_line2,
            child.city,
            child.state,
            child.zip_code,
        )
    )
    return (
        f"PID|1||{child.mrn}^^^{C.MRN_SYSTEM}^MR||"
        f"{escape(child.legal_family_name)}^{escape(child.legal_given_name)}||"
        f"{child.date_of_birth:%Y%m%d}|{sex}|||{address}"
    )


def day_messages(
    bookings: Sequence[Booking],
    *,
    day: date,
    facility: str,
    practice_tag: str,
    sent_at: datetime,
    tz: tzinfo,
    rng: Random,
) -> list[Sent]:
    """S12 for every visit booked on `day`, then one S13 (moved an hour later), one S15 and one
    S26 among the day's visits that are not an infant's well visit."""
    todays = sorted((b for b in bookings if b.day == day), key=lambda b: (b.starts, b.key))
    sent: list[Sent] = []

    def send(trigger: str, booking: Booking, starts_at: datetime) -> None:
        control = f"{practice_tag[:6]}{day:%y%m%d}{len(sent):05d}"
        moment = sent_at + timedelta(seconds=len(sent))
        text = message(
            trigger,
            booking,
            control_id=control,
            sent_at=moment,
            starts_at=starts_at,
            facility=facility,
        )
        sent.append(Sent(trigger, control, booking, text))

    def start_of(booking: Booking) -> datetime:
        return datetime.combine(booking.day, booking.starts, tzinfo=tz)

    for booking in todays:
        send("S12", booking, start_of(booking))
    changeable = [b for b in todays if b.kind != WELL or (day - b.child.date_of_birth).days >= 365]
    rng.shuffle(changeable)
    for booking in changeable[:RESCHEDULED]:
        send("S13", booking, start_of(booking) + timedelta(hours=1))
    for booking in changeable[RESCHEDULED : RESCHEDULED + CANCELLED]:
        send("S15", booking, start_of(booking))
    for booking in changeable[RESCHEDULED + CANCELLED : RESCHEDULED + CANCELLED + NO_SHOWS]:
        send("S26", booking, start_of(booking))
    return sent
