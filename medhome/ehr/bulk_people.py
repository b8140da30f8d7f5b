"""A batch of the resource types that become people and visits rather than EHR records:
Patient (through `patients.upsert_patient`), RelatedPerson (`caregivers.upsert_caregiver`),
Appointment and Encounter (`visits.services.upsert_external_visit`). Each goes through its one
service, resource by resource; the SourceDigest of each (key, hash, sender's id, medhome's row)
makes an unchanged resource cost nothing but its share of one query."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from medhome.families.models import Child
from medhome.visits.models import Visit
from medhome.visits.services import upsert_external_visit

from .caregivers import upsert_caregiver
from .fhir_in.common import Refused, resolve_child, validate
from .fhir_in.patient import patient_data
from .fhir_in.related_person import caregiver_data
from .fhir_in.visits import VisitData, appointment_visit, encounter_visit
from .models import SourceDigest
from .patients import upsert_patient

if TYPE_CHECKING:
    from .bulk import BatchResult, Context, Line

# What a resource became: (outcome "created" / "updated" / "unchanged", medhome's row id,
# child id), or None when it is skipped (a reason counted by the handler).
Applied = tuple[str, Any, Any] | None


def _run(
    kind: str,
    lines: list["Line"],
    context: "Context",
    result: "BatchResult",
    apply: Callable[["Line", dict[str, Any]], Applied],
    *,
    needs_children: bool = True,
) -> None:
    digests = {
        d.source_key: d
        for d in SourceDigest.objects.for_practice(context.practice).filter(
            resource_type=kind, source_key__in=[line.key for line in lines]
        )
    }
    changed = [
        line
        for line in lines
        if line.key not in digests or digests[line.key].content_hash != line.hash
    ]
    result.counts["unchanged"] += len(lines) - len(changed)
    if not changed:
        return
    shared: dict[str, Any] = {"children": context.children(changed) if needs_children else {}}
    creates: dict[str, SourceDigest] = {}
    updates: list[SourceDigest] = []
    for line in changed:
        try:
            validate(line.resource)
            applied = apply(line, shared)
        except Refused as refusal:
            result.refuse(line, line.resource_id, refusal.code, refusal.reason)
            continue
        except ValidationError as error:
            # The service's own reasons (medhome's words, never the record's values).
            result.refuse(line, line.resource_id, "refused", " ".join(error.messages))
            continue
        if applied is None:
            continue
        outcome, object_id, child_id = applied
        result.counts[{"created": "imported"}.get(outcome, outcome)] += 1
        if outcome != "unchanged":
            result.child_ids.add(child_id)
        digest = digests.get(line.key) or creates.get(line.key)
        if digest is None:
            creates[line.key] = SourceDigest(
                practice=context.practice,
                resource_type=kind,
                source_key=line.key,
                resource_id=line.resource_id,
                content_hash=line.hash,
                object_id=str(object_id),
                imported_at=context.at,
            )
            continue
        digest.resource_id, digest.content_hash = line.resource_id, line.hash
        digest.object_id, digest.imported_at = str(object_id), context.at
        if digest.pk in {d.pk for d in updates} or line.key in creates:
            continue
        updates.append(digest)
    SourceDigest.objects.bulk_create(creates.values(), batch_size=500)
    SourceDigest.objects.bulk_update(
        updates, ["resource_id", "content_hash", "object_id", "imported_at"], batch_size=500
    )


def _children(context: "Context", shared: dict[str, Any], child_id: Any) -> Child:
    """The child as a model (the services take one), loaded once per batch."""
    loaded: dict[Any, Child] = shared.setdefault("child_rows", {})
    if child_id not in loaded:
        ids = {ref.child_id for ref in shared["children"].values()}
        for child in Child.objects.for_practice(context.practice).filter(pk__in=ids):
            child.practice = context.practice
            loaded[child.pk] = child
    return loaded[child_id]


def import_patients(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    def apply(line: "Line", shared: dict[str, Any]) -> Applied:
        data = patient_data(line.resource)
        child, outcome = upsert_patient(
            practice=context.practice, data=data, actor=context.actor, at=context.at
        )
        return outcome, child.pk, child.pk

    _run("Patient", lines, context, result, apply, needs_children=False)


def import_related_people(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    def apply(line: "Line", shared: dict[str, Any]) -> Applied:
        ref = resolve_child(line.resource.get("patient"), shared["children"])
        data = caregiver_data(line.resource)
        child = _children(context, shared, ref.child_id)
        caregiver, outcome = upsert_caregiver(
            practice=context.practice, child=child, data=data, actor=context.actor, at=context.at
        )
        return outcome, caregiver.pk, child.pk

    _run("RelatedPerson", lines, context, result, apply)


def _visit(
    context: "Context", shared: dict[str, Any], data: VisitData, external_id: str
) -> Applied:
    child = _children(context, shared, data.child.child_id)
    visit, outcome = upsert_external_visit(
        actor=context.actor,
        child=child,
        external_id=external_id,
        starts_at=data.starts_at,
        kind=data.kind,
        status=data.status,
        modality=data.modality,
        duration_minutes=data.duration_minutes,
        at=context.at,
    )
    return outcome, visit.pk, child.pk


def import_appointments(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    def apply(line: "Line", shared: dict[str, Any]) -> Applied:
        data = appointment_visit(line.resource, children=shared["children"])
        return _visit(context, shared, data, line.key)

    _run("Appointment", lines, context, result, apply)


def import_encounters(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    def apply(line: "Line", shared: dict[str, Any]) -> Applied:
        data = encounter_visit(line.resource, children=shared["children"])
        if data is None:
            result.skipped["not_an_office_visit"] += 1
            return None
        booked = _appointment_visit(context, data)
        if booked is None:
            return _visit(context, shared, data, line.key)
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
        )
        return _visit(context, shared, kept, booked.external_id)

    _run("Encounter", lines, context, result, apply)


def _appointment_visit(context: "Context", data: VisitData) -> Visit | None:
    if not data.appointment_id:
        return None
    digest = (
        SourceDigest.objects.for_practice(context.practice)
        .filter(resource_type="Appointment", resource_id=data.appointment_id)
        .first()
    )
    if digest is None:
        return None
    return Visit.objects.for_practice(context.practice).filter(pk=digest.object_id).first()


HANDLERS: dict[str, Callable[[list["Line"], "Context", "BatchResult"], None]] = {
    "Patient": import_patients,
    "RelatedPerson": import_related_people,
    "Appointment": import_appointments,
    "Encounter": import_encounters,
}
