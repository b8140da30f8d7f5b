"""FHIR R4B validation of a resource, in this process or in a pool of worker processes.

Validation with the R4B models is the largest share of a first import's time that does not
touch the database (about 0.1–0.25 ms a resource), and it depends on the line alone, so
`Validator` runs it in worker processes while the importing process reads, maps and writes.
This module imports neither Django nor medhome's models, so a worker starts without them
("spawn": a forked worker would share the importer's database connection). The answer is the
invalid element paths, never the values (they may be PHI)."""

import multiprocessing
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Any

import orjson
from pydantic import ValidationError

# R4B model of each resource type medhome reads (fhir.resources' package root is R5).
R4B_MODULES = {
    "Patient": "patient",
    "RelatedPerson": "relatedperson",
    "Coverage": "coverage",
    "Appointment": "appointment",
    "Encounter": "encounter",
    "Immunization": "immunization",
    "Observation": "observation",
    "Procedure": "procedure",
    "Condition": "condition",
    "AllergyIntolerance": "allergyintolerance",
    "MedicationStatement": "medicationstatement",
    "QuestionnaireResponse": "questionnaireresponse",
    "ServiceRequest": "servicerequest",
    "Task": "task",
    "Consent": "consent",
    "CareTeam": "careteam",
    "Goal": "goal",
    "CarePlan": "careplan",
}
CHUNK_LINES = 250  # lines a worker validates per message
_models: dict[str, Any] = {}
Answer = list[str] | None


def invalid_paths(resource: dict[str, Any]) -> list[str] | None:
    """None when the R4B model of the resource's type accepts it, else the paths of the
    elements it refuses (sorted)."""
    kind = resource["resourceType"]
    model = _models.get(kind)
    if model is None:
        module = import_module(f"fhir.resources.R4B.{R4B_MODULES[kind]}")
        model = _models[kind] = getattr(module, kind)
    try:
        model.model_validate(resource)
    except ValidationError as error:
        return sorted({".".join(str(part) for part in e["loc"]) for e in error.errors()})
    return None


def _check_raw(lines: list[bytes]) -> list[list[str] | None]:
    """A worker's task: lines already read as resources of a type in R4B_MODULES."""
    return [invalid_paths(orjson.loads(line)) for line in lines]


def _check_numbered(kind: str, lines: list[tuple[int, bytes]]) -> list[tuple[int, Answer]]:
    """A worker's look-ahead task: (line number, answer) of the lines that are resources of
    `kind` (the others are refused or skipped by the importer before any validation)."""
    answers = []
    for number, line in lines:
        try:
            resource = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if (
            kind in R4B_MODULES
            and isinstance(resource, dict)
            and resource.get("resourceType") == kind
        ):
            answers.append((number, invalid_paths(resource)))
    return answers


class Validator:
    """`invalid_paths` of many lines: in `processes` spawned workers, or in this process
    when processes is 0. A context manager (the workers stop at its end)."""

    def __init__(self, processes: int = 0):
        self.processes = processes
        self.pool: Any = None
        # The next batch's answers, asked for before this batch is written:
        # (kind, first line number, the workers' pending result or the answers by line).
        self.ahead: tuple[str, int, Any] | None = None

    def __enter__(self) -> "Validator":
        if self.processes > 0:
            self.pool = multiprocessing.get_context("spawn").Pool(self.processes)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None

    def look_ahead(self, kind: str, lines: list[tuple[int, bytes]]) -> None:
        """Start validating the next batch of a file of `kind` (its raw numbered lines) while
        the importer writes this one; `start` then finds the answers ready. Nothing without
        workers."""
        if self.pool is None or not lines:
            return
        chunks = [(kind, lines[i : i + CHUNK_LINES]) for i in range(0, len(lines), CHUNK_LINES)]
        self.ahead = (kind, lines[0][0], self.pool.starmap_async(_check_numbered, chunks))

    def _looked_ahead(self, kind: str, numbers: Sequence[int]) -> dict[int, Answer] | None:
        if self.ahead is None or not numbers:
            return None
        ahead_kind, first, pending = self.ahead
        if ahead_kind != kind or numbers[0] < first:
            return None  # not (yet) the batch looked ahead: never wait for it
        if not isinstance(pending, dict):
            pending = {number: answer for part in pending.get() for number, answer in part}
            self.ahead = (kind, first, pending)
        return pending if all(number in pending for number in numbers) else None

    def start(
        self,
        resources: Sequence[dict[str, Any]],
        raw: Sequence[bytes],
        *,
        kind: str = "",
        numbers: Sequence[int] = (),
    ) -> Callable[[], list[Answer]]:
        """Start validating (each resource given both parsed and as its raw line, with its
        line number in a file of `kind` when known); the returned function waits for the
        answers, one per resource, in order. The workers validate while the caller does other
        work (maps the same lines); answers looked ahead are used as they are."""
        known = self._looked_ahead(kind, numbers)
        if known is not None:
            return lambda: [known[number] for number in numbers]
        if self.pool is None or len(raw) < CHUNK_LINES:
            return lambda: [invalid_paths(resource) for resource in resources]
        chunks = [list(raw[i : i + CHUNK_LINES]) for i in range(0, len(raw), CHUNK_LINES)]
        pending = self.pool.map_async(_check_raw, chunks)
        return lambda: [answer for part in pending.get() for answer in part]
