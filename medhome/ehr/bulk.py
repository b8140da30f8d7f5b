"""Import a FHIR Bulk Data `$export` directory (one NDJSON file per resource type).

Files are read in `fhir_in.ORDER`, in batches of lines. Each batch is one transaction that also
moves the run's checkpoint, so a killed import started again (`import_export` finds the latest
running run of the same directory) resumes after the last committed line without losing or
repeating anything. A bad line is an ImportProblem (file, line, resource id, medhome's reason)
and is skipped; it never stops the others. An unchanged resource (same content hash) is skipped
before validation, with one query per batch and no write.

A batch is written set-wise: each resource type's one service takes the whole batch (patients,
caregivers, visits, EHR records), with a handful of queries, COPY / bulk writes and one audit
append per batch. The R4B validation of a batch's changed lines runs in `workers` spawned
processes (`r4b.Validator`) while this one maps them; the problems and the checkpoint are the
same as with no workers.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import Any

import orjson
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import ChildIdentifier
from medhome.practices.models import Practice

from . import bulk_people, bulk_records, completions_pool, waiting
from .fhir_in import ORDER, RECORD_TYPES, patient_reference
from .fhir_in.common import (
    PATIENT_ID_SYSTEM,
    PatientRef,
    Refused,
    content_hash,
    invalid_fhir,
    patient_id,
    source_key,
)
from .fhir_in.gestational import is_gestational_age
from .models import ImportKind, ImportProblem, ImportRun, ImportStatus
from .r4b import Validator

logger = logging.getLogger(__name__)
BATCH_LINES = 5000
# The actor's role of an import run by the system (the command, the demo): what it writes is
# labelled as imported (careplan's history: "Imported from another system").
IMPORT_ROLE = "ehr_import"
# What ehr.completions reads: the child's birth date (Patient), its visits (Appointment,
# Encounter: the preventive-visit row), observations, immunizations and procedures. Children
# touched by these types' lines have their schedule rows recomputed once, after the last of
# these files (recomputing after each file did it up to six times a child), beside the files
# that follow when it can (ehr.completions_pool).
COMPLETING_TYPES = frozenset(
    {"Patient", "Appointment", "Encounter", "Immunization", "Observation", "Procedure"}
)


@dataclass
class Line:
    """One parsed line of a file: where it is, what it says, its key and hash."""

    number: int
    raw: bytes
    resource: dict[str, Any]
    resource_id: str
    key: str
    hash: str


@dataclass
class BatchResult:
    """What a batch did; the handlers fill it."""

    counts: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, id, reason)
    child_ids: set[Any] = field(default_factory=set)

    def refuse(self, line: "Line | int", resource_id: str, code: str, reason: str) -> None:
        number = line.number if isinstance(line, Line) else line
        self.refused[code] += 1
        self.problems.append((number, resource_id[:100], reason[:300]))


@dataclass
class ImportResult:
    run: ImportRun
    child_ids: set[Any]

    @property
    def counts(self) -> dict[str, Any]:
        return self.run.counts


def export_files(directory: Path) -> list[Path]:
    """The export's NDJSON files, known types in ORDER first, then the others (counted and
    skipped)."""
    found = {path.stem: path for path in directory.glob("*.ndjson")}
    known = [found.pop(kind) for kind in ORDER if kind in found]
    return known + sorted(found.values())


def count_lines(directory: Path) -> int:
    total = 0
    for path in export_files(directory):
        with path.open("rb") as stream:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return total


def latest_running(practice: Practice, source_name: str) -> ImportRun | None:
    return (
        ImportRun.objects.for_practice(practice)
        .filter(kind=ImportKind.FHIR_BULK, source_name=source_name, status=ImportStatus.RUNNING)
        .order_by("-started_at")
        .first()
    )


def import_export(
    *,
    practice: Practice,
    directory: Path,
    actor: Actor,
    at: datetime,
    batch_lines: int = BATCH_LINES,
    progress: Callable[[int], None] | None = None,
    now: Callable[[], datetime] | None = None,
    workers: int = 0,
) -> ImportResult:
    """Import (or resume importing) the export in `directory` for `practice`; `at` stamps
    the records and audit events, `now` (the command's clock) the run's end; `workers`
    processes validate the resources (0: this one)."""
    run = latest_running(practice, directory.name)
    resumed = run is not None
    if run is None:
        run = ImportRun.objects.create(
            practice=practice,
            kind=ImportKind.FHIR_BULK,
            source_name=directory.name[:300],
            started_at=at,
            counts=empty_counts(),
        )
    else:
        logger.info("import %s resumes after its checkpoint", run.pk)
    child_ids: set[Any] = set()
    completing: set[Any] = set()  # children whose schedule rows the lines may change
    files = export_files(directory)
    last_completing = max(
        (i for i, path in enumerate(files) if path.stem in COMPLETING_TYPES), default=-1
    )
    # The workers validate the next batch while this one is written, once batches show new
    # resources (a re-import's unchanged lines are never validated).
    new_resources = False
    beside = workers > 0 and completions_pool.can_run_beside()
    with Validator(workers) as validator, completions_pool.Beside(workers) as recompute:
        for index, path in enumerate(files):
            file_started = perf_counter()
            done = int(run.checkpoint.get(path.name, 0))
            batches = read_batches(path, after=done, size=batch_lines)
            following = next(batches, None)
            while following is not None:
                batch, following = following, next(batches, None)
                if new_resources and following is not None:
                    validator.look_ahead(path.stem, following)
                with transaction.atomic():
                    result = process_batch(
                        practice=practice,
                        kind=path.stem,
                        lines=batch,
                        actor=actor,
                        at=at,
                        validator=validator,
                    )
                    save_batch(run, path.name, batch[-1][0], result)
                child_ids |= result.child_ids
                if path.stem in COMPLETING_TYPES:
                    completing |= result.child_ids
                new_resources = result.counts["unchanged"] * 2 < len(batch)
                if progress is not None:
                    progress(len(batch))
            # Counts and times only: file names are resource types, never PHI.
            logger.info(
                "import %s: %s read in %.1f s", run.pk, path.name, perf_counter() - file_started
            )
            if index == last_completing:
                if resumed:
                    # The killed process's children are not known here: every child the EHR
                    # sent.
                    completing = set(ehr_children(practice))
                if beside:
                    recompute.start(practice=practice, child_ids=completing, at=at)
                else:
                    completions_pool.run_here(practice=practice, child_ids=completing, at=at)
                logger.info(
                    "import %s: schedule rows of %d children %s",
                    run.pk,
                    len(completing),
                    "being recomputed beside" if beside else "recomputed",
                )
        waited = perf_counter()
    logger.info("import %s: waited %.1f s for the schedule rows", run.pk, perf_counter() - waited)
    # The run's patients may be the ones EHR messages were waiting for (an SIU sent before
    # the panel arrived): they are applied now, once per run, not per batch.
    waiting.replay_waiting(practice, at)
    run.status = ImportStatus.DONE
    run.finished_at = now() if now is not None else at
    run.save(update_fields=["status", "finished_at"])
    return ImportResult(run=run, child_ids=child_ids)


def empty_counts() -> dict[str, Any]:
    return {
        "imported": 0,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "refused": {},
        "skipped": {},
        "skipped_types": {},
    }


def read_batches(path: Path, *, after: int, size: int) -> Iterator[list[tuple[int, bytes]]]:
    """Lists of (line number from 1, raw line) after line `after`; blank lines are left out
    but still numbered, so a problem's line is the line an editor shows."""
    batch: list[tuple[int, bytes]] = []
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if number <= after:
                continue
            batch.append((number, raw))
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def process_batch(
    *,
    practice: Practice,
    kind: str,
    lines: list[tuple[int, bytes]],
    actor: Actor,
    at: datetime,
    validator: Validator | None = None,
) -> BatchResult:
    result = BatchResult()
    parsed: list[Line] = []
    for number, raw in lines:
        if not raw.strip():
            continue
        try:
            resource = orjson.loads(raw)
        except orjson.JSONDecodeError:
            result.refuse(number, "", "invalid_json", _("The line is not valid JSON."))
            continue
        if not isinstance(resource, dict) or not resource.get("resourceType"):
            result.refuse(number, "", "invalid_fhir", _("The line is not a FHIR resource."))
            continue
        found = str(resource["resourceType"])
        if found != kind or kind not in ORDER or not readable(kind):
            result.skipped[f"type:{found[:40]}"] += 1
            continue
        parsed.append(
            Line(
                number=number,
                raw=raw,
                resource=resource,
                resource_id=str(resource.get("id") or "")[:100],
                key=source_key(resource),
                hash=content_hash(resource),
            )
        )
    if not parsed:
        return result
    context = Context(
        practice=practice,
        actor=actor,
        at=at,
        today=clock.local_date(at),
        validator=validator or Validator(),
    )
    if kind == "Observation":
        # The gestational age at birth is the child's, not an observation row.
        child_facts = [line for line in parsed if is_gestational_age(line.resource)]
        if child_facts:
            bulk_people.import_gestational_ages(child_facts, context, result)
            parsed = [line for line in parsed if not is_gestational_age(line.resource)]
    if kind in RECORD_TYPES:
        if parsed:
            bulk_records.import_records(kind, parsed, context, result)
    else:
        bulk_people.HANDLERS[kind](parsed, context, result)
    return result


def readable(kind: str) -> bool:
    """Whether medhome keeps this type: an EHR record, or a type an app registered a handler
    for (bulk_people.register); any other type in the export is counted, not kept."""
    return kind in RECORD_TYPES or kind in bulk_people.HANDLERS


@dataclass
class Context:
    practice: Practice
    actor: Actor
    at: datetime
    today: Any
    validator: Validator

    def refusals(self, lines: list[Line]) -> Callable[[], dict[int, Refused]]:
        """Start validating these lines together (in the validator's workers when it has
        them); the returned function waits for the refused ones, by line number."""
        answers = self.validator.start(
            [line.resource for line in lines],
            [line.raw for line in lines],
            kind=lines[0].resource["resourceType"] if lines else "",
            numbers=[line.number for line in lines],
        )

        def refused() -> dict[int, Refused]:
            return {
                line.number: invalid_fhir(paths)
                for line, paths in zip(lines, answers(), strict=True)
                if paths is not None
            }

        return refused

    def children(self, lines: list[Line]) -> dict[str, PatientRef]:
        """The practice's children these lines refer to, by the sender's patient id (one
        query; another practice's child is never among them)."""
        return self.children_by_ids(
            {patient_id(patient_reference(line.resource)) for line in lines}
        )

    def children_by_ids(self, ids: set[str]) -> dict[str, PatientRef]:
        """The practice's children by these sender's patient ids (one query)."""
        ids = ids - {""}
        rows = (
            ChildIdentifier.objects.for_practice(self.practice)
            .filter(system=PATIENT_ID_SYSTEM, value__any_of=ids)
            .values_list("value", "child_id", "child__date_of_birth")
        )
        return {value: PatientRef(child_id, born) for value, child_id, born in rows}


def save_batch(run: ImportRun, file: str, last_line: int, result: BatchResult) -> None:
    """Problems, counts and the checkpoint, in the batch's transaction."""
    ImportProblem.objects.bulk_create(
        ImportProblem(
            practice_id=run.practice_id,
            run=run,
            file=file[:200],
            line=line,
            resource_id=resource_id,
            reason=reason,
        )
        for line, resource_id, reason in result.problems
    )
    counts = run.counts or empty_counts()
    for name in ("imported", "updated", "unchanged", "withdrawn"):
        counts[name] = counts.get(name, 0) + result.counts[name]
    for name, counter in (("refused", result.refused), ("skipped", result.skipped)):
        merged = Counter(counts.get(name) or {})
        merged.update(counter)
        counts[name] = dict(merged)
    skipped_types = Counter(counts.get("skipped_types") or {})
    for reason, n in result.skipped.items():
        if reason.startswith("type:"):
            skipped_types[reason.removeprefix("type:")] += n
    counts["skipped_types"] = dict(skipped_types)
    counts["skipped"] = {k: v for k, v in counts["skipped"].items() if not k.startswith("type:")}
    run.counts = counts
    run.checkpoint = {**run.checkpoint, file: last_line}
    run.save(update_fields=["counts", "checkpoint"])


def ehr_children(practice: Practice) -> Iterator[Any]:
    return (
        ChildIdentifier.objects.for_practice(practice)
        .filter(system=PATIENT_ID_SYSTEM)
        .values_list("child_id", flat=True)
        .distinct()
        .iterator()
    )
