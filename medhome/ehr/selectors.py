"""Reads of the EHR's record of a child (already scoped: callers pass a child they may see)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.events.models import InboundMessage, MessageStatus, Sender
from medhome.families.models import Child
from medhome.families.names import name_key
from medhome.practices.scoping import get_scoped, scoped
from medhome.visits.models import Visit

from .merge import child_relations
from .models import (
    Allergy,
    Condition,
    Coverage,
    Immunization,
    ImportRun,
    Medication,
    Observation,
    ObservationKind,
    Procedure,
)
from .waiting import Identity

GROWTH_KINDS = (
    ObservationKind.WEIGHT,
    ObservationKind.LENGTH,
    ObservationKind.HEIGHT,
    ObservationKind.HEAD_CIRCUMFERENCE,
    ObservationKind.BMI,
)


def growth_measurements(child: Child) -> list[Observation]:
    return list(
        Observation.objects.filter(
            practice_id=child.practice_id, child=child, kind__in=GROWTH_KINDS
        ).order_by("effective_on", "kind")
    )


def import_runs(actor: Actor) -> QuerySet[ImportRun]:
    """The practice's imports of every kind (panel spreadsheets, FHIR bulk exports), newest
    first."""
    return scoped(actor, ImportRun, need=Capability.PANEL_IMPORT).order_by("-started_at")


def access_import_run(actor: Actor, run_id: UUID | str) -> ImportRun:
    try:
        return get_scoped(actor, ImportRun, need=Capability.PANEL_IMPORT, pk=run_id)
    except ValidationError as malformed:
        raise Http404 from malformed


def refusals_of(run: ImportRun) -> list[tuple[str, int]]:
    """A run's refused lines counted by medhome's sentence, not by the importer's code: the
    same words as the table of lines under it (every refused line is kept as a problem)."""
    rows = (
        run.problems.order_by()
        .values_list("reason")
        .annotate(lines=Count("pk"))
        .order_by("-lines", "reason")
    )
    return [(reason, lines) for reason, lines in rows]


# --- EHR messages waiting for a child (waiting.py) -------------------------------------------

CANDIDATE_POOL = 500  # children read for one page of waiting messages, at most


def waiting_messages(actor: Actor) -> QuerySet[InboundMessage]:
    """The practice's EHR messages that found no child, oldest first (the queue)."""
    return (
        scoped(actor, InboundMessage, need=Capability.FAMILY_EDIT)
        .filter(sender=Sender.EHR, status=MessageStatus.UNMATCHED)
        .order_by("received_at")
    )


def waiting_count(actor: Actor) -> int:
    return waiting_messages(actor).count()


def access_waiting_message(actor: Actor, message_id: UUID | str) -> InboundMessage:
    """One of the practice's EHR messages (its status is checked by the service: a message
    handled a moment ago says so rather than a 404)."""
    try:
        return get_scoped(
            actor, InboundMessage, need=Capability.FAMILY_EDIT, pk=message_id, sender=Sender.EHR
        )
    except ValidationError as malformed:
        raise Http404 from malformed


def likely_children(actor: Actor, identities: list[Identity], limit: int = 5) -> list[list[Child]]:
    """For each incoming identity, the practice's children born the same day with the same
    family name or the same MRN — for a person to check and choose. One query in all."""
    births = {i.date_of_birth for i in identities if i.date_of_birth}
    if not births:
        return [[] for _identity in identities]
    names = {name_key(i.family_name) for i in identities if i.family_name}
    mrns = {i.mrn for i in identities if i.mrn}
    pool = list(
        scoped(actor, Child, need=Capability.FAMILY_EDIT)
        .filter(date_of_birth__in=births)
        .filter(Q(family_name_key__in=names) | Q(mrn__in=mrns))
        .order_by("legal_family_name", "legal_given_name")[:CANDIDATE_POOL]
    )
    found = []
    for identity in identities:
        key = name_key(identity.family_name) if identity.family_name else None
        found.append(
            [
                child
                for child in pool
                if child.date_of_birth == identity.date_of_birth
                and (child.family_name_key == key or (identity.mrn and child.mrn == identity.mrn))
            ][:limit]
        )
    return found


def child_by_mrn(actor: Actor, mrn: str, *, need: str) -> Child | None:
    """The practice's child with exactly this MRN (another practice's is never found)."""
    if not mrn:
        return None
    return scoped(actor, Child, need=need).filter(mrn=mrn).select_related("family").first()


# --- Merging two records by hand ----------------------------------------------------------

EHR_RECORDS = (Coverage, Immunization, Observation, Procedure, Condition, Allergy, Medication)
SCREENS = "screening.Administration"  # counted through Child's relations: screening sits above


def record_counts(child: Child) -> dict[str, Any]:
    """What each record holds, for a person deciding which survives a merge."""
    screens = sum(
        relation.related_model._default_manager.filter(**{relation.field.name: child}).count()
        for relation in child_relations()
        if getattr(relation.related_model, "_meta", None) is not None
        and relation.related_model._meta.label == SCREENS
    )
    return {
        "visits": Visit.objects.filter(child=child).count(),
        "screens": screens,
        "ehr_records": sum(model.objects.filter(child=child).count() for model in EHR_RECORDS),
    }
