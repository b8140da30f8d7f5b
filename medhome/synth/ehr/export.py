"""Write a synthetic population as a FHIR Bulk Data export: one directory per practice, one
NDJSON file per resource type (`Patient.ndjson`, `Observation.ndjson`, …), as `$export` gives.

Streaming: one child at a time is turned into resources and written through buffered files
(orjson), so a million resources take seconds and memory does not grow with the export. Each
child's history and facts come from an rng seeded by the run's seed and the child's key, so
the same seed writes the same bytes, whatever the order or the number of practices.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from random import Random
from time import perf_counter
from types import TracebackType
from typing import IO, Any, Self
from uuid import UUID

import orjson
from django.utils.text import slugify

from medhome.core.progress import Progress
from medhome.families.models import Caregiver, Child
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import Window

from . import codes as C
from . import resources as R
from .clinic_day import Booking
from .clinical import child_record
from .visits import WELL, child_windows, past_visits

RESOURCE_TYPES = (
    "Patient",
    "RelatedPerson",
    "Coverage",
    "Encounter",
    "Appointment",
    "Immunization",
    "Observation",
    "Procedure",
    "Condition",
    "AllergyIntolerance",
    "MedicationStatement",
)
BUFFER_BYTES = 1 << 20
LABS = frozenset({C.LEAD.code, C.HEMOGLOBIN.code})


class NdjsonWriter:
    """One buffered file per resource type under `directory`, opened on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: dict[str, IO[bytes]] = {}
        self.counts: Counter[str] = Counter()
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, resource: Mapping[str, Any]) -> None:
        kind = resource["resourceType"]
        handle = self.files.get(kind)
        if handle is None:
            handle = self.files[kind] = open(  # noqa: SIM115 - closed in close()
                self.directory / f"{kind}.ndjson", "wb", buffering=BUFFER_BYTES
            )
        handle.write(orjson.dumps(resource, option=orjson.OPT_APPEND_NEWLINE))
        self.counts[kind] += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        self.files.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass
class Export:
    """Where each practice's files went and how many resources of each type."""

    directories: dict[UUID, Path] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def practice_directory(root: Path, name: str) -> Path:
    return root / (slugify(name) or "practice")


def child_rng(seed: str, child: Child) -> Random:
    return Random(f"medhome-ehr:{seed}:{child.pk}")


def windows_of(child: Child, as_of: date) -> list[tuple[str, int, Window]]:
    return child_windows(child, current_schedule(as_of))


def child_resources(
    child: Child,
    caregivers: Sequence[Caregiver],
    *,
    as_of: date,
    seed: str,
    tz: tzinfo,
    sites: Sequence[tuple[str, str]],
    staff: Mapping[int, tuple[str, str]],
    windows: list[tuple[str, int, Window]] | None = None,
    bookings: Sequence[Booking] = (),
    booked_well: bool = False,
    since: date | None = None,
) -> Iterable[dict[str, Any]]:
    """Every resource of one child, Patient first. `since`: like `$export?_since=`, leave out
    what is older — visits, measurements, influenza doses and fluoride varnish before that day
    (routine immunizations, screens, labs and problems are kept whole: the schedule reads
    them at any age)."""
    rng = child_rng(seed, child)
    clinician = staff.get(child.primary_clinician_id) if child.primary_clinician_id else None
    yield R.patient(child, clinician)
    for caregiver in caregivers:
        yield R.related_person(caregiver, child)
    cover = R.coverage(child)
    if cover is not None:
        yield cover
    ga = R.gestational_age(child)
    if ga is not None:
        yield ga
    booked_well = booked_well or any(b.kind == WELL for b in bookings)
    visits = past_visits(
        child,
        windows if windows is not None else windows_of(child, as_of),
        as_of=as_of,
        rng=rng,
        skip_open_window=booked_well,
    )
    seen_by = list(staff.values())
    site = sites[child.pk.int % len(sites)] if sites else None  # each child's home site
    for visit in visits:
        if since is not None and visit.day < since:
            continue
        yield R.encounter(
            child,
            number=visit.number,
            kind=visit.kind,
            start=R.at(visit.day, visit.starts, tz),
            video=visit.video,
            clinician=clinician or (rng.choice(seen_by) if seen_by else None),
            site=site,
        )
    for booking in bookings:
        yield R.appointment(
            child,
            rid=booking.key,
            kind=booking.kind,
            start=R.at(booking.day, booking.starts, tz),
            minutes=booking.minutes,
            clinician=booking.clinician,
            site=booking.site,
        )
    record = child_record(rng, child, visits, as_of=as_of)
    for n, dose in enumerate(record.doses):
        if since is None or dose.day >= since or dose.vaccine.cvx != C.INFLUENZA.cvx:
            yield R.immunization(child, dose, n)
    for n, measure in enumerate(record.measures):
        if since is None or measure.day >= since or measure.code.code in LABS:
            yield R.measurement(child, measure, n)
    for n, screen in enumerate(record.screens):
        yield R.screen(child, screen, n)
    for n, day in enumerate(record.varnish):
        if since is None or day >= since:
            yield R.varnish(child, day, n)
    for n, problem in enumerate(record.problems):
        yield R.condition(child, problem, n)
    for n, allergy in enumerate(record.allergies):
        yield R.allergy(child, allergy, n)
    for n, medication in enumerate(record.medications):
        yield R.medication_statement(child, medication, n)


def write_export(
    children: Sequence[Child],
    caregivers: Sequence[Caregiver],
    root: Path,
    *,
    practice_names: Mapping[UUID, str],
    as_of: date,
    seed: str,
    tz: tzinfo,
    sites: Mapping[UUID, Sequence[tuple[str, str]]] | None = None,
    staff: Mapping[int, tuple[str, str]] | None = None,
    bookings: Sequence[Booking] = (),
    windows: Mapping[UUID, list[tuple[str, int, Window]]] | None = None,
    terminal: bool | None = None,
    booked_by_siu: Sequence[Booking] = (),
    since: date | None = None,
) -> Export:
    """The children's export under `root/<practice name slug>/`; `bookings` become
    Appointments; `booked_by_siu` (today's, sent as HL7 SIU instead) are not written but, like
    them, keep the child's open visit window without a visit already made."""
    started = perf_counter()
    export = Export()
    family_caregivers: dict[UUID, list[Caregiver]] = defaultdict(list)
    for caregiver in caregivers:
        family_caregivers[caregiver.family_id].append(caregiver)
    booked: dict[UUID, list[Booking]] = defaultdict(list)
    for booking in bookings:
        booked[booking.child.pk].append(booking)
    well_by_siu = {b.child.pk for b in booked_by_siu if b.kind == WELL}
    writers: dict[UUID, NdjsonWriter] = {}
    sites, staff, windows = sites or {}, staff or {}, windows or {}
    try:
        with Progress("FHIR export", total=len(children), unit="children", terminal=terminal) as p:
            for child in children:
                writer = writers.get(child.practice_id)
                if writer is None:
                    directory = practice_directory(root, practice_names[child.practice_id])
                    writer = writers[child.practice_id] = NdjsonWriter(directory)
                    export.directories[child.practice_id] = directory
                for resource in child_resources(
                    child,
                    family_caregivers[child.family_id],
                    as_of=as_of,
                    seed=seed,
                    tz=tz,
                    sites=sites.get(child.practice_id, ()),
                    staff=staff,
                    windows=windows.get(child.pk),
                    bookings=booked.get(child.pk, ()),
                    booked_well=child.pk in well_by_siu,
                    since=since,
                ):
                    writer.write(resource)
                p.advance()
    finally:
        for writer in writers.values():
            writer.close()
            export.counts.update(writer.counts)
    export.seconds = perf_counter() - started
    return export
