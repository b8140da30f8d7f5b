"""A batch of one EHR-record resource type (Coverage, Immunization, Observation, Procedure,
Condition, AllergyIntolerance, MedicationStatement) written set-wise: one query for the batch's
existing keys and hashes, then bulk inserts, updates and deletes, and the audit events appended
together (`audit.services.record_many`): one event per child and batch, on the child's record,
naming the rows created, updated (with the fields that changed) and removed."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.copy import insert_values, update_rows
from medhome.core.ids import new_ids
from medhome.families.services import CHILD_OBJECT

from . import payers
from .fhir_in import NEVER_RECORDS, RECORD_TYPES
from .fhir_in.common import Mapped, Refused
from .models import Coverage, EhrRecord, Observation

if TYPE_CHECKING:
    from .bulk import BatchResult, Context, Line

# An Observation may be several rows (a blood pressure panel): their keys are the resource's
# key plus one of these suffixes.
ROW_SUFFIXES: dict[type[EhrRecord], tuple[str, ...]] = {
    Observation: ("#bp_systolic", "#bp_diastolic")
}


def object_type(model: type[EhrRecord]) -> str:
    return f"ehr_{model._meta.model_name}"


def import_records(
    kind: str, lines: list["Line"], context: "Context", result: "BatchResult"
) -> None:
    model, mapper = RECORD_TYPES[kind]
    suffixes = ("", *ROW_SUFFIXES.get(model, ()))
    keys = [line.key + suffix for line in lines for suffix in suffixes]
    existing: dict[str, dict[str, tuple[Any, str]]] = defaultdict(dict)
    rows = (
        model.objects.for_practice(context.practice)
        .filter(source_key__any_of=keys)
        .values_list("source_key", "id", "content_hash")
    )
    for key, pk, digest in rows:
        existing[key.split("#", 1)[0]][key] = (pk, digest)

    never = NEVER_RECORDS.get(kind)
    changed = [
        line
        for line in lines
        if not _unchanged(existing.get(line.key), line.hash)
        or (never is not None and never(line.resource))
    ]
    result.counts["unchanged"] += len(lines) - len(changed)
    if not changed:
        return
    refusals = context.refusals(changed)
    children = context.children(changed)
    # Mapped while the workers validate; a resource R4B refuses is refused for that whatever
    # its mapping gave (even an error of a mapper that expects valid FHIR).
    tried: list[Mapped | Exception] = []
    for line in changed:
        try:
            tried.append(mapper(line.resource, children=children, today=context.today))
        except Exception as error:  # noqa: BLE001 - kept until validation says which it is
            tried.append(error)
    invalid = refusals()
    mapped: dict[str, tuple[Line, Mapped]] = {}
    for line, found in zip(changed, tried, strict=True):
        if line.number in invalid:
            found = invalid[line.number]
        if isinstance(found, Refused):
            result.refuse(line, line.resource_id, found.code, found.reason)
            continue
        if isinstance(found, Exception):
            raise found
        if found.skipped:
            result.skipped[found.skipped] += 1
            if line.key in existing:  # kept by an earlier import: withdrawn now
                mapped[line.key] = (line, Mapped(found.child_id, []))
            continue
        if line.key in mapped:  # sent twice in one batch: the later line wins
            result.counts["updated"] += 1
        mapped[line.key] = (line, found)
    _write(model, mapped, existing, context, result)


def _unchanged(rows: dict[str, tuple[Any, str]] | None, digest: str) -> bool:
    return bool(rows) and all(known == digest for _pk, known in (rows or {}).values())


def _write(
    model: type[EhrRecord],
    mapped: dict[str, tuple["Line", Mapped]],
    existing: dict[str, dict[str, tuple[Any, str]]],
    context: "Context",
    result: "BatchResult",
) -> None:
    creates: list[dict[str, Any]] = []
    updates: dict[Any, tuple[dict[str, Any], str, Any]] = {}  # pk → (values, hash, child)
    deletes: list[tuple[Any, Any]] = []  # (pk, child)
    changes: dict[Any, _Changes] = defaultdict(_Changes)  # by child
    ids = iter(new_ids(sum(len(found.rows) for _line, found in mapped.values())))
    for base, (line, found) in mapped.items():
        had = existing.get(base, {})
        wanted = {base + suffix: values for suffix, values in found.rows}
        for key, values in wanted.items():
            if key in had:
                updates[had[key][0]] = (values, line.hash, found.child_id)
            else:
                pk = next(ids)
                creates.append(
                    {
                        "id": pk,
                        "practice_id": context.practice.pk,
                        "child_id": found.child_id,
                        "source_key": key,
                        "content_hash": line.hash,
                        "imported_at": context.at,
                        **values,
                    }
                )
                changes[found.child_id].created.append(str(pk))
        deletes += [(pk, found.child_id) for key, (pk, _h) in had.items() if key not in wanted]
        if not found.rows:
            result.counts["withdrawn"] += 1
        elif had:
            result.counts["updated"] += 1
        else:
            result.counts["imported"] += 1
        result.child_ids.add(found.child_id)
    if updates:
        _update(model, updates, context, changes)
    if deletes:
        model.objects.filter(practice=context.practice, pk__in=[pk for pk, _c in deletes]).delete()
        for pk, child_id in deletes:
            changes[child_id].removed.append(str(pk))
    insert_values(model, creates)
    record_many(
        actor=context.actor,
        entries=[
            Entry(Action.UPDATE, CHILD_OBJECT, child_id, done.detail(object_type(model)))
            for child_id, done in changes.items()
        ],
        at=context.at,
        practice=context.practice,
    )
    if model is Coverage:
        payers.apply_payers(
            practice=context.practice,
            coverages=[
                (found.child_id, values)
                for _line, found in mapped.values()
                for _suffix, values in found.rows
            ],
            actor=context.actor,
            at=context.at,
        )


@dataclass
class _Changes:
    """What a batch did to one child's EHR rows of one type: row ids (and changed field
    names), never values."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def detail(self, kind: str) -> dict[str, Any]:
        done: dict[str, Any] = {"ehr": kind, "source": "ehr"}
        for name in ("created", "updated", "removed"):
            if getattr(self, name):
                done[name] = getattr(self, name)
        return done


def _update(
    model: type[EhrRecord],
    updates: dict[Any, tuple[dict[str, Any], str, Any]],
    context: "Context",
    changes: dict[Any, _Changes],
) -> None:
    """Rows whose resource changed: the fields that differ are set and named in the audit."""
    rows = model.objects.filter(practice=context.practice).in_bulk(list(updates))
    fields: set[str] = {"content_hash", "imported_at", "child_id"}
    for pk, row in rows.items():
        values, digest, child_id = updates[pk]
        values = {**values, "child_id": child_id}
        differ = sorted(name for name, value in values.items() if getattr(row, name) != value)
        for name in differ:
            setattr(row, name, values[name])
        fields.update(values)
        row.content_hash, row.imported_at = digest, context.at
        changes[child_id].updated[str(pk)] = [n.removesuffix("_id") for n in differ]
    update_rows(
        model,
        list(rows.values()),
        sorted(f.removesuffix("_id") if f == "child_id" else f for f in fields),
    )
