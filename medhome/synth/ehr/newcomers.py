"""Two patients the synthetic EHR knows and medhome does not yet, so the demo's "EHR messages
waiting for a child" page (ehr:waiting) has work on it: a newborn whose first visit was booked
before the EHR's panel export named her (SIU S12), and a child transferring in whose record the
EHR updated before registering it at the practice (ADT A08). Made-up people only (synth.names)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from random import Random

from medhome.families.models import Child

from ..names import POOLS
from .clinic_day import Booking
from .siu import RECEIVING_APPLICATION, SENDING_APPLICATION, escape, hl7_time, pid_segment
from .visits import WELL


@dataclass(frozen=True)
class Newcomers:
    booked: Booking  # the newborn's first visit, sent as an S12 with the day's messages
    update: str  # the transferring child's ADT A08


def newcomers(
    *,
    practice_tag: str,
    neighbour: Child,
    as_of: date,
    sent_at: datetime,
    facility: str,
    rng: Random,
) -> Newcomers:
    """`neighbour`, a child of the practice, lends the newcomers an address in its town."""
    pool = POOLS["white"] if rng.random() < 0.5 else POOLS["hispanic"]
    newborn = _child(
        mrn=f"N{practice_tag[:6].upper()}1",
        family=rng.choice(pool.surnames),
        given=rng.choice(pool.girls),
        born=as_of - timedelta(days=4),
        sex="female",
        neighbour=neighbour,
    )
    mover = _child(
        mrn=f"N{practice_tag[:6].upper()}2",
        family=rng.choice(pool.surnames),
        given=rng.choice(pool.boys),
        born=as_of - timedelta(days=round(6.5 * 365.25)),
        sex="male",
        neighbour=neighbour,
    )
    booked = Booking(
        key=f"new-{practice_tag[:8]}-1",
        child=newborn,
        day=as_of,
        starts=time(16, 20),
        kind=WELL,
        site=None,
        clinician=None,
    )
    update = "\r".join(
        [
            f"MSH|^~\\&|{SENDING_APPLICATION}|{escape(facility)}|{RECEIVING_APPLICATION}|"
            f"{escape(facility)}|{hl7_time(sent_at)}||ADT^A08^ADT_A01|"
            f"{practice_tag[:6]}{as_of:%y%m%d}A0801|P|2.5",
            f"EVN|A08|{hl7_time(sent_at)}",
            pid_segment(mover),
            "PV1|1|O",
        ]
    )
    return Newcomers(booked=booked, update=update)


def _child(*, mrn: str, family: str, given: str, born: date, sex: str, neighbour: Child) -> Child:
    """Unsaved: only what the messages carry."""
    street = neighbour.address_line1.split(" ", 1)[-1]
    return Child(
        mrn=mrn,
        legal_family_name=family,
        legal_given_name=given,
        date_of_birth=born,
        sex_at_birth=sex,
        address_line1=f"{(sum(map(ord, mrn)) % 180) + 10} {street}",
        city=neighbour.city,
        state=neighbour.state,
        zip_code=neighbour.zip_code,
    )
