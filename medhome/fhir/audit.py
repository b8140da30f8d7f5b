"""Every FHIR answer is audited: one row per child whose data is in it, with the client's id
(issue 20, "every read is audited with the client's id"); an answer that holds no child's data
leaves one row for the request. Never PHI in `detail`: the client, the channel, the type and
the interaction. A fixed number of queries whatever the page size (record_many)."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core import clock
from medhome.families.models import Child
from medhome.families.services import CHILD_OBJECT
from medhome.smart.principal import FhirPrincipal

from .registry import ResourceType

REQUEST_OBJECT = "fhir_request"


def children_of(resource_type: ResourceType, rows: list[Model]) -> set[Any]:
    """The ids of the children the rows are about (none outside the patient compartment)."""
    path = resource_type.patient_path
    if path is None or not rows:
        return set()
    if path == "":
        return {row.pk for row in rows}
    if "__" not in path:
        attname = getattr(resource_type.model._meta.get_field(path), "attname", f"{path}_id")
        return {getattr(row, attname) for row in rows} - {None}
    return set(
        resource_type.model._default_manager.filter(pk__in=[row.pk for row in rows])
        .values_list(path, flat=True)
        .distinct()
    ) - {None}


def audit_answer(
    principal: FhirPrincipal,
    *,
    resource_type: ResourceType,
    interaction: str,
    answered: Iterable[tuple[ResourceType, list[Model]]],
) -> None:
    children: set[Any] = set()
    for kind, rows in answered:
        children |= children_of(kind, rows)
    detail = {
        "client": principal.client_id,
        "via": "fhir",
        "type": resource_type.name,
        "interaction": interaction,
    }
    actor = principal.actor
    at = clock.now()
    if actor.practice is not None:
        entries = [
            Entry(action=Action.VIEW, object_type=CHILD_OBJECT, object_id=c, detail=detail)
            for c in sorted(children, key=str)
        ]
        if not entries:
            action = Action.VIEW if interaction in ("read", "vread") else Action.SEARCH
            entries = [
                Entry(
                    action=action,
                    object_type=REQUEST_OBJECT,
                    object_id=resource_type.name,
                    detail=detail,
                )
            ]
        record_many(actor=actor, entries=entries, at=at)
        return
    # A partner's client acts for its organization, in no practice: each child's row goes to
    # the chain of the child's practice (an answer without a child's data has no chain).
    by_practice: dict[Any, list[Any]] = defaultdict(list)
    for child_id, practice_id in Child.objects.filter(pk__in=children).values_list(
        "pk", "practice_id"
    ):
        by_practice[practice_id].append(child_id)
    from medhome.practices.models import Practice

    practices = Practice.objects.in_bulk(list(by_practice))
    for practice_id, ids in by_practice.items():
        record_many(
            actor=actor,
            practice=practices[practice_id],
            entries=[
                Entry(action=Action.VIEW, object_type=CHILD_OBJECT, object_id=c, detail=detail)
                for c in sorted(ids, key=str)
            ],
            at=at,
        )
