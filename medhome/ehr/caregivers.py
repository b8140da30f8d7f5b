"""The one way a caregiver from the EHR (a FHIR RelatedPerson) joins or updates the family of
the child it is related to: matched by identifier within the practice, the EHR's fields (name,
relationship, phone, email) brought in step, audited by field name. What the family told medhome
in its own words (channel, availability, transport, culture) is never overwritten.

Siblings: a caregiver the practice already knows (same identifier) related to a child of
another family joins nobody; instead, when that child's family has no caregiver and no other
child (the family the import made for it), the child moves into the caregiver's family,
audited as a change of the child, and the family the import made for it, now empty, is deleted.
Two households that each have caregivers are never merged."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.actor import Actor
from medhome.core.batches import first_disjoint
from medhome.core.copy import insert_rows, update_rows
from medhome.families.models import Caregiver, CaregiverIdentifier, Child, Family
from medhome.practices.models import Practice

from .patients import BULK_ROWS, CHILD_OBJECT, Outcome

CAREGIVER_OBJECT = "caregiver"
EHR_FIELDS = ("given_name", "family_name", "relationship", "phone", "email")


@dataclass(frozen=True)
class CaregiverData:
    identifiers: tuple[tuple[str, str], ...]
    given_name: str
    family_name: str
    relationship: str
    phone: str = ""
    email: str = ""
    preferred_language: str = ""
    is_birth_parent: bool = False


def find_caregiver(
    practice: Practice, identifiers: tuple[tuple[str, str], ...]
) -> Caregiver | None:
    return _Known.load(practice, [identifiers]).find(identifiers)


Upserted = tuple[Caregiver, Outcome] | ValidationError


def upsert_caregiver(
    *, practice: Practice, child: Child, data: CaregiverData, actor: Actor, at: datetime
) -> tuple[Caregiver, Outcome]:
    """Create the caregiver in the child's family, or update the one these identifiers name;
    ValidationError (nothing written) when the record is refused. One record of
    `upsert_caregivers`."""
    (outcome,) = upsert_caregivers(practice=practice, records=[(child, data)], actor=actor, at=at)
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


@transaction.atomic
def upsert_caregivers(
    *,
    practice: Practice,
    records: Sequence[tuple[Child, CaregiverData]],
    actor: Actor,
    at: datetime,
) -> list[Upserted]:
    """Each (child, record): the caregiver created in the child's family or brought in step,
    in one transaction and a handful of queries whatever their number; one outcome per record,
    in order, as `patients.upsert_patients` (records naming the same caregiver or identifier go
    in later rounds, so the result is the one of upserting them one by one)."""
    outcomes: list[Upserted | None] = [None] * len(records)
    pending = []
    for index, (child, _data) in enumerate(records):
        if child.practice_id != practice.pk:
            outcomes[index] = ValidationError("The child is not this practice's.")
        else:
            pending.append(index)
    entries: list[Entry] = []
    while pending:
        known = _Known.load(practice, [records[i][1].identifiers for i in pending])
        targets = {i: known.find(records[i][1].identifiers) for i in pending}
        keys = {i: _keys(records[i][1], targets[i]) for i in pending}
        taken, pending = first_disjoint(pending, keys.__getitem__)
        batch = _Round(practice=practice, at=at, known=known)
        batch.load_sizes([records[i][0] for i in taken])
        for index in taken:
            child, data = records[index]
            outcomes[index] = batch.apply(child, data, targets[index], entries)
        batch.write()
    record_many(actor=actor, entries=entries, at=at, practice=practice)
    return [outcome for outcome in outcomes if outcome is not None]


def _keys(data: CaregiverData, caregiver: Caregiver | None) -> list[object]:
    return [*data.identifiers, *([caregiver.pk] if caregiver is not None else [])]


@dataclass
class _Known:
    """The caregivers the practice knows by these identifiers (two queries; this practice
    only)."""

    by_identifier: dict[tuple[str, str], object]
    caregivers: dict[object, Caregiver]

    @classmethod
    def load(cls, practice: Practice, records: list[tuple[tuple[str, str], ...]]) -> "_Known":
        values = {value for identifiers in records for _system, value in identifiers}
        by_identifier = {
            (system, value): caregiver_id
            for system, value, caregiver_id in CaregiverIdentifier.objects.for_practice(practice)
            .filter(value__any_of=values)
            .values_list("system", "value", "caregiver_id")
        }
        ids = list(set(by_identifier.values()))
        caregivers = Caregiver.objects.for_practice(practice).in_bulk(ids) if ids else {}
        return cls(by_identifier, caregivers)

    def find(self, identifiers: tuple[tuple[str, str], ...]) -> Caregiver | None:
        for identifier in identifiers:
            if identifier in self.by_identifier:
                return self.caregivers[self.by_identifier[identifier]]
        return None


@dataclass
class _Round:
    practice: Practice
    at: datetime
    known: _Known
    created: list[Caregiver] = field(default_factory=list)
    updated: list[Caregiver] = field(default_factory=list)
    updated_fields: set[str] = field(default_factory=set)
    identifiers: list[CaregiverIdentifier] = field(default_factory=list)
    # family id → [caregivers, children], for the round's children's families
    sizes: dict[Any, list[int]] = field(default_factory=dict)
    moved: dict[Any, Child] = field(default_factory=dict)
    emptied: set[Any] = field(default_factory=set)  # families a sibling left (made by the import)

    def load_sizes(self, children: list[Child]) -> None:
        """Caregivers and children of these children's families (two queries)."""
        ids = {child.family_id for child in children}
        self.sizes = {family_id: [0, 0] for family_id in ids}
        for index, related in enumerate(("caregivers", "children")):
            for family_id, n in (
                Family.objects.filter(practice=self.practice, pk__in=ids)
                .annotate(n=Count(related))
                .values_list("pk", "n")
            ):
                self.sizes[family_id][index] = n

    def join_sibling(self, child: Child, caregiver: Caregiver, entries: list[Entry]) -> None:
        """The child into the known caregiver's family, if its own is only itself."""
        own = self.sizes.get(child.family_id, [1, 1])
        if caregiver.family_id == child.family_id or own != [0, 1]:
            return
        left = child.family_id
        own[1] = 0
        self.sizes.setdefault(caregiver.family_id, [1, 0])[1] += 1
        child.family_id = caregiver.family_id
        child.version += 1
        child.updated_at = self.at
        self.moved[child.pk] = child
        self.emptied.add(left)
        entries.append(
            Entry(
                Action.UPDATE,
                CHILD_OBJECT,
                child.pk,
                {
                    "fields": ["family"],
                    "source": "ehr",
                    "family": str(caregiver.family_id),
                    "from_family": str(left),
                },
            )
        )

    def apply(
        self, child: Child, data: CaregiverData, caregiver: Caregiver | None, entries: list[Entry]
    ) -> Upserted:
        if caregiver is not None:
            self.join_sibling(child, caregiver, entries)
        values: dict[str, Any] = {name: getattr(data, name) for name in EHR_FIELDS}
        if caregiver is None:
            caregiver = Caregiver(
                practice=self.practice,
                family_id=child.family_id,
                preferred_language=data.preferred_language or child.preferred_language or "en",
                # How to reach them is the family's choice; until asked, what the EHR gives.
                preferred_channel="phone" if data.phone else "email" if data.email else "print",
                is_birth_parent=data.is_birth_parent,
                created_at=self.at,
                updated_at=self.at,
                **values,
            )
            changed = sorted(values)
            action = Action.CREATE
        else:
            changed = [n for n, v in values.items() if str(getattr(caregiver, n) or "") != str(v)]
            if not changed:
                self._identifiers(caregiver, data)
                return caregiver, "unchanged"
            for name in changed:
                setattr(caregiver, name, values[name])
            caregiver.version += 1
            caregiver.updated_at = self.at
            action = Action.UPDATE
        try:
            # Field checks only: a caregiver has no unique constraint but its new id.
            caregiver.clean_fields(exclude=["family", "practice"])
        except ValidationError as error:
            return error
        if action == Action.CREATE:
            self.created.append(caregiver)
            self.sizes.setdefault(caregiver.family_id, [0, 1])[0] += 1
        else:
            self.updated.append(caregiver)
            self.updated_fields.update(changed)
        self._identifiers(caregiver, data)
        entries.append(
            Entry(
                action,
                CAREGIVER_OBJECT,
                caregiver.pk,
                {"family": str(caregiver.family_id), "fields": changed, "source": "ehr"},
            )
        )
        return caregiver, "created" if action == Action.CREATE else "updated"

    def _identifiers(self, caregiver: Caregiver, data: CaregiverData) -> None:
        self.identifiers += [
            CaregiverIdentifier(
                practice=self.practice,
                caregiver=caregiver,
                system=system,
                value=value,
                created_at=self.at,
            )
            for system, value in dict.fromkeys(data.identifiers)
            if (system, value) not in self.known.by_identifier
        ]

    def write(self) -> None:
        update_rows(Child, list(self.moved.values()), ["family", "version", "updated_at"])
        insert_rows(Caregiver, self.created)
        if self.updated:
            update_rows(
                Caregiver, self.updated, sorted(self.updated_fields | {"version", "updated_at"})
            )
        CaregiverIdentifier.objects.bulk_create(
            self.identifiers, ignore_conflicts=True, batch_size=BULK_ROWS
        )
        # The household a sibling's own record made, now nobody's: no empty family is left
        # behind (checked again in the database, as a caregiver written above may belong to it).
        Family.objects.filter(
            practice=self.practice,
            pk__in=self.emptied,
            children__isnull=True,
            caregivers__isnull=True,
        ).delete()
