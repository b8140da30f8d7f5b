"""A batch of the resource types that become people and visits rather than EHR records:
Patient (`patients.upsert_patients`), RelatedPerson (`caregivers.upsert_caregivers`),
Appointment and Encounter (`visits.services.upsert_external_visits`). Each line is validated and
mapped on its own (a bad one is a problem with its line), then the batch goes through its one
service together: a handful of queries, bulk writes and one audit append per batch. The
SourceDigest of each (key, hash, sender's id, medhome's row) makes an unchanged resource cost
nothing but its share of one query. `run_batch` is the one loop of every handler that is not an
EHR record table (ehr.bulk_records), those the apps above register (`register`) included."""

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.core.copy import insert_values, update_values
from medhome.core.ids import new_ids
from medhome.families.models import Child
from medhome.practices.models import Site
from medhome.visits.models import Visit
from medhome.visits.services import ExternalVisit, upsert_external_visits

from .caregivers import CaregiverData, upsert_caregivers
from .fhir_in.common import Refused, resolve_child
from .fhir_in.gestational import gestational_age
from .fhir_in.patient import patient_data
from .fhir_in.related_person import also_caregiver_of, caregiver_data
from .fhir_in.visits import VisitData, appointment_visit, encounter_visit
from .models import SourceDigest
from .patients import PatientData, set_gestational_ages, upsert_patients

if TYPE_CHECKING:
    from .bulk import BatchResult, Context, Line

# What a resource became: (outcome "created" or "imported" / "updated" / "unchanged", medhome's
# row id, child id); None when it is skipped (the handler counted why); or the Refused or the
# service's ValidationError that refused it.
Applied = tuple[str, Any, Any] | Refused | ValidationError | None
# A line's resource mapped for its service, or None when it is skipped (a reason counted).
Prepare = Callable[["Line", dict[str, Any]], Any]
Apply = Callable[[list[Any], dict[str, Any]], list[Applied]]
Write = Callable[[Any, dict[str, Any]], Applied]


def run_batch(
    kind: str,
    lines: list["Line"],
    context: "Context",
    result: "BatchResult",
    prepare: Prepare,
    apply: Apply,
    *,
    needs_children: bool = True,
    hash_of: Callable[["Line"], str] = lambda line: line.hash,
    stored: Callable[["Context", list["Line"]], dict[str, str]] | None = None,
) -> None:
    """The import's one loop for the handlers of ehr and of the apps that register theirs.
    A line whose hash (`hash_of`) is the one its source key was imported with costs nothing
    but its share of one query; the others are validated (R4B), mapped by `prepare` and written
    together by `apply` (set-wise, or `each` line in its own savepoint). A line sent again later
    in the batch is applied after the earlier one, as if sent in the next file: unchanged, it is
    counted so. The hashes are the SourceDigests', written here, unless `stored` reads them from
    the handler's own rows (a screen keeps its source key and hash)."""
    hashes = {line.number: hash_of(line) for line in lines}
    digests = _digests(kind, lines, context) if stored is None else {}
    # The hash each source key was imported with (before this batch or earlier in it).
    known = (
        stored(context, lines) if stored is not None else {k: h for k, (_pk, h) in digests.items()}
    )
    changed = [line for line in lines if known.get(line.key) != hashes[line.number]]
    result.counts["unchanged"] += len(lines) - len(changed)
    if not changed:
        return
    validated = context.refusals(changed)
    shared: dict[str, Any] = {
        "children": context.children(changed) if needs_children else {},
        # A changed line of a known key: a handler whose rows are never rewritten refuses it
        # in `prepare`.
        "known": known,
    }
    invalid = validated()
    digested: dict[str, dict[str, Any]] = {}  # source key → the digest's row
    for run in _runs(changed):
        for line, outcome in _outcomes(run, hashes, invalid, shared, prepare, apply, result):
            if outcome is None:
                continue
            if isinstance(outcome, Refused):
                result.refuse(line, line.resource_id, outcome.code, outcome.reason)
                continue
            if isinstance(outcome, ValidationError):
                # The service's own reasons (medhome's words, never the record's values).
                result.refuse(line, line.resource_id, "refused", " ".join(outcome.messages))
                continue
            done, object_id, child_id = outcome
            result.counts[{"created": "imported"}.get(done, done)] += 1
            if done != "unchanged":
                result.child_ids.add(child_id)
            known[line.key] = hashes[line.number]
            digested[line.key] = {
                "resource_id": line.resource_id,
                "content_hash": hashes[line.number],
                "object_id": str(object_id),
                "imported_at": context.at,
            }
    if stored is None:
        _write_digests(kind, digests, digested, context)


def _runs(lines: list["Line"]) -> Iterator[list["Line"]]:
    """The lines cut before a source key comes again: each run is prepared and applied after
    the one before, so a line sees what the earlier line of its key left."""
    run: list[Line] = []
    keys: set[str] = set()
    for line in lines:
        if line.key in keys:
            yield run
            run, keys = [], set()
        run.append(line)
        keys.add(line.key)
    yield run


def _outcomes(
    run: list["Line"],
    hashes: dict[int, str],
    invalid: dict[int, Refused],
    shared: dict[str, Any],
    prepare: Prepare,
    apply: Apply,
    result: "BatchResult",
) -> list[tuple["Line", Applied]]:
    """What became of each line of a run, in line order (the problems' order)."""
    outcomes: dict[int, Applied] = {}
    prepared: list[tuple[Line, Any]] = []
    for line in run:
        if shared["known"].get(line.key) == hashes[line.number]:
            result.counts["unchanged"] += 1  # sent twice in this batch: kept the first time
            continue
        try:
            if line.number in invalid:
                raise invalid[line.number]
            item = prepare(line, shared)
        except Refused as refusal:
            outcomes[line.number] = refusal
            continue
        if item is None:
            outcomes[line.number] = None
        else:
            prepared.append((line, item))
    applied = apply([item for _line, item in prepared], shared) if prepared else []
    for (line, _item), outcome in zip(prepared, applied, strict=True):
        outcomes[line.number] = outcome
    return [(line, outcomes[line.number]) for line in run if line.number in outcomes]


def each(write: Write) -> Apply:
    """An `apply` that writes item by item, each in its own savepoint: a refused line leaves
    nothing of itself, whatever it had written before its refusal."""

    def apply(items: list[Any], shared: dict[str, Any]) -> list[Applied]:
        return [_kept(write, item, shared) for item in items]

    return apply


def _kept(write: Write, item: Any, shared: dict[str, Any]) -> Applied:
    try:
        with transaction.atomic():
            return write(item, shared)
    except (Refused, ValidationError) as refusal:
        return refusal


def _digests(kind: str, lines: list["Line"], context: "Context") -> dict[str, tuple[Any, str]]:
    """The SourceDigests of these lines' keys: source key → (pk, content hash)."""
    return {
        key: (pk, digest)
        for key, pk, digest in SourceDigest.objects.for_practice(context.practice)
        .filter(resource_type=kind, source_key__any_of=[line.key for line in lines])
        .values_list("source_key", "pk", "content_hash")
    }


def _write_digests(
    kind: str,
    digests: dict[str, tuple[Any, str]],
    digested: dict[str, dict[str, Any]],
    context: "Context",
) -> None:
    new = [key for key in digested if key not in digests]
    insert_values(
        SourceDigest,
        [
            {
                "id": pk,
                "practice_id": context.practice.pk,
                "resource_type": kind,
                "source_key": key,
                **digested[key],
            }
            for key, pk in zip(new, new_ids(len(new)), strict=True)
        ],
    )
    update_values(
        SourceDigest,
        {digests[key][0]: row for key, row in digested.items() if key in digests},
    )


def child_rows(
    context: "Context", shared: dict[str, Any], *, reload: bool = False
) -> dict[Any, Child]:
    """The batch's children as models (the services take them), loaded once per batch (again
    with `reload` when the batch's children map grew since)."""
    ids = {ref.child_id for ref in shared["children"].values()}
    if "child_rows" not in shared or (reload and not ids <= shared["child_rows"].keys()):
        loaded = Child.objects.for_practice(context.practice).in_bulk(list(ids)) if ids else {}
        for child in loaded.values():
            child.practice = context.practice
        shared["child_rows"] = loaded
    rows: dict[Any, Child] = shared["child_rows"]
    return rows


def import_patients(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    def apply(records: list[PatientData], shared: dict[str, Any]) -> list[Applied]:
        outcomes = upsert_patients(
            practice=context.practice, records=records, actor=context.actor, at=context.at
        )
        return [o if isinstance(o, ValidationError) else (o[1], o[0].pk, o[0].pk) for o in outcomes]

    run_batch(
        "Patient",
        lines,
        context,
        result,
        lambda line, _shared: patient_data(line.resource),
        apply,
        needs_children=False,
    )


def import_gestational_ages(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    """Observations of the gestational age at birth (`fhir_in.gestational`): the child's."""

    def prepare(line: "Line", shared: dict[str, Any]) -> tuple[Child, int, int] | None:
        found = gestational_age(line.resource, children=shared["children"])
        if found is None:
            result.skipped["not_a_result"] += 1
            return None
        ref, weeks, days = found
        return child_rows(context, shared)[ref.child_id], weeks, days

    def apply(records: list[tuple[Child, int, int]], shared: dict[str, Any]) -> list[Applied]:
        outcomes = set_gestational_ages(
            practice=context.practice, records=records, actor=context.actor, at=context.at
        )
        return [o if isinstance(o, ValidationError) else (o[1], o[0].pk, o[0].pk) for o in outcomes]

    run_batch("Observation", lines, context, result, prepare, apply)


def import_related_people(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    """Each line is the caregiver of its patient, then of the household's other children it
    names (fhir_in.related_person.also_caregiver_of): those records come after the first, so
    the caregiver is known by then and a sibling alone in the household the import made for
    it joins the caregiver's (ehr.caregivers, `join_sibling`)."""

    def prepare(line: "Line", shared: dict[str, Any]) -> list[tuple[Child, CaregiverData]]:
        ref = resolve_child(line.resource.get("patient"), shared["children"])
        data = caregiver_data(line.resource)
        if "siblings" not in shared:
            named = {pid for each in lines for pid in also_caregiver_of(each.resource)}
            shared["siblings"] = context.children_by_ids(named)
            shared["children"] = {**shared["siblings"], **shared["children"]}
        # A sibling this practice does not have (not in the export) is nobody to join.
        found = (shared["siblings"].get(pid) for pid in also_caregiver_of(line.resource))
        siblings = [sib for sib in found if sib is not None]
        rows = child_rows(context, shared, reload=True)
        return [(rows[ref.child_id], data)] + [
            (rows[sib.child_id], data) for sib in siblings if sib.child_id != ref.child_id
        ]

    def apply(
        records: list[list[tuple[Child, CaregiverData]]], shared: dict[str, Any]
    ) -> list[Applied]:
        pairs = [pair for record in records for pair in record]
        outcomes = iter(
            upsert_caregivers(
                practice=context.practice, records=pairs, actor=context.actor, at=context.at
            )
        )
        applied: list[Applied] = []
        for record in records:
            first, *_siblings = [next(outcomes) for _pair in record]
            child = record[0][0]
            applied.append(
                first if isinstance(first, ValidationError) else (first[1], first[0].pk, child.pk)
            )
        return applied

    run_batch("RelatedPerson", lines, context, result, prepare, apply)


def _site(context: "Context", shared: dict[str, Any], names: tuple[str, ...]) -> Site | None:
    """The practice's Site a Location names (by name, case-insensitive; one query per batch);
    an unknown one is no site, not a refusal."""
    if "sites" not in shared:
        shared["sites"] = {
            site.name.strip().casefold(): site
            for site in Site.objects.filter(practice=context.practice).order_by("-name")
        }
    sites: dict[str, Site] = shared["sites"]
    return next((sites[n.casefold()] for n in names if n.casefold() in sites), None)


def _external(
    context: "Context", shared: dict[str, Any], data: VisitData, external_id: str
) -> ExternalVisit:
    return ExternalVisit(
        child=child_rows(context, shared)[data.child.child_id],
        external_id=external_id,
        starts_at=data.starts_at,
        kind=data.kind,
        status=data.status,
        modality=data.modality,
        duration_minutes=data.duration_minutes,
        site=_site(context, shared, data.site_names),
        confidential=data.confidential,
    )


def _apply_visits(context: "Context") -> Apply:
    def apply(visits: Sequence[ExternalVisit], shared: dict[str, Any]) -> list[Applied]:
        outcomes = upsert_external_visits(
            actor=context.actor, practice=context.practice, visits=visits, at=context.at
        )
        return [
            o if isinstance(o, ValidationError) else (o[1], o[0].pk, visit.child.pk)
            for o, visit in zip(outcomes, visits, strict=True)
        ]

    return apply


def import_appointments(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    def prepare(line: "Line", shared: dict[str, Any]) -> ExternalVisit:
        data = appointment_visit(line.resource, children=shared["children"])
        return _external(context, shared, data, line.key)

    run_batch("Appointment", lines, context, result, prepare, _apply_visits(context))


def import_encounters(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    def prepare(line: "Line", shared: dict[str, Any]) -> ExternalVisit | None:
        data = encounter_visit(line.resource, children=shared["children"])
        if data is None:
            result.skipped["not_an_office_visit"] += 1
            return None
        booked = _booked(context, shared, lines).get(data.appointment_id)
        if booked is None:
            return _external(context, shared, data, line.key)
        # The encounter of a booked appointment: that visit moves on, no second visit.
        if booked.child_id != data.child.child_id:
            raise Refused(
                "appointment_mismatch",
                _("The encounter's appointment is another patient's."),
            )
        kept = VisitData(
            child=data.child,
            starts_at=booked.starts_at,
            kind=booked.kind,
            status=data.status,
            modality=booked.modality,
            duration_minutes=booked.duration_minutes,
            # The encounter's location, else the appointment's site.
            site_names=data.site_names or ((booked.site.name,) if booked.site else ()),
            confidential=data.confidential or booked.confidential,
        )
        return _external(context, shared, kept, booked.external_id)

    run_batch("Encounter", lines, context, result, prepare, _apply_visits(context))


def _booked(context: "Context", shared: dict[str, Any], lines: list["Line"]) -> dict[str, Visit]:
    """The visits of the Appointments the batch's encounters name, by the sender's appointment
    id (two queries per batch, loaded at the first encounter that names one)."""
    if "booked" not in shared:
        named = {
            str(a.get("reference")).rpartition("/")[2]
            for line in lines
            for a in line.resource.get("appointment") or []
            if isinstance(a, dict) and str(a.get("reference", "")).startswith("Appointment/")
        }
        digests = dict(
            SourceDigest.objects.for_practice(context.practice)
            .filter(resource_type="Appointment", resource_id__any_of=named)
            .values_list("resource_id", "object_id")
        )
        visits = {
            str(pk): visit
            for pk, visit in Visit.objects.for_practice(context.practice)
            .select_related("site")
            .in_bulk(list(digests.values()))
            .items()
        }
        shared["booked"] = {
            appointment_id: visits[visit_id]
            for appointment_id, visit_id in digests.items()
            if visit_id in visits
        }
    booked: dict[str, Visit] = shared["booked"]
    return booked


HANDLERS: dict[str, Callable[[list["Line"], "Context", "BatchResult"], None]] = {
    "Patient": import_patients,
    "RelatedPerson": import_related_people,
    "Appointment": import_appointments,
    "Encounter": import_encounters,
}


def register(kind: str, handler: Callable[[list["Line"], "Context", "BatchResult"], None]) -> None:
    """The handler of a resource type an app above this one keeps (screening: the
    QuestionnaireResponse, a screen); `kind` must be in fhir_in.ORDER to be read at all."""
    HANDLERS[kind] = handler
