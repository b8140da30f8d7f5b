"""The one way a patient from the EHR becomes or updates a child (FHIR Patient, HL7 ADT
A04/A08/A28/A31, a CSV panel row): matched by identifier within the practice, then by MRN;
created with an open panel membership; changed fields audited by name; an unchanged record
writes nothing. Tenancy holds: identifiers are looked up in the importing practice only, so an
identifier of another practice's child can never reach it."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.core.batches import first_disjoint
from medhome.core.copy import insert_rows, update_rows
from medhome.families.models import Child, ChildIdentifier, Family, PanelMembership
from medhome.families.services import CHILD_OBJECT
from medhome.practices.models import Practice

Outcome = Literal["created", "updated", "unchanged"]
# Fields an EHR owns on the child; what the family tells medhome in its own words (preferred
# name, pronouns, culture, strengths, channel) is never overwritten by an import.
EHR_FIELDS = (
    "legal_given_name",
    "legal_family_name",
    "date_of_birth",
    "sex_at_birth",
    "mrn",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
)
# What refresh_derived_fields sets, written with every update.
DERIVED_FIELDS = (
    "given_name_key",
    "family_name_key",
    "second_family_name_key",
    "preferred_name_key",
    "race_ethnicity_group",
    "version",
    "updated_at",
)
BULK_ROWS = 1000


Identifiers = tuple[tuple[str, str], ...]  # (system, value)


@dataclass(frozen=True)
class PatientData:
    identifiers: Identifiers  # the MRN's among them
    mrn: str
    legal_given_name: str
    legal_family_name: str
    date_of_birth: date
    sex_at_birth: str
    preferred_language: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    race_ethnicity: tuple[str, ...] = field(default_factory=tuple)
    # Given only by a source that knows the coverage type (a CSV panel); "" leaves it alone.
    payer: str = ""
    payer_member_id: str = ""

    def digest(self) -> str:
        return hashlib.md5(  # noqa: S324 - a change detector, not a security hash
            json.dumps(asdict(self), sort_keys=True, default=str).encode(), usedforsecurity=False
        ).hexdigest()


def find_child(practice: Practice, identifiers: Identifiers, mrn: str) -> Child | None:
    """The practice's child known by one of these identifiers (retired ones included), else
    by MRN; None when the practice has no such child."""
    return _Known.load(practice, [(identifiers, mrn)]).find(identifiers, mrn)


def attach_identifiers(
    *,
    child: Child,
    identifiers: Identifiers,
    actor: Actor,
    at: datetime,
    retired: bool = False,
    detail: dict[str, object] | None = None,
) -> int:
    """The identifiers the practice does not know yet join this child (as retired ones: a merged
    record's), audited on the child; how many joined. The caller has checked that none of them
    names another child."""
    wanted = list(dict.fromkeys(identifiers))
    known = set(
        ChildIdentifier.objects.for_practice(child.practice)
        .filter(value__in={value for _system, value in wanted})
        .values_list("system", "value")
    )
    added = [
        ChildIdentifier(
            practice=child.practice,
            child=child,
            system=system,
            value=value,
            retired=retired,
            created_at=at,
        )
        for system, value in wanted
        if (system, value) not in known
    ]
    if added:
        ChildIdentifier.objects.bulk_create(added)
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=CHILD_OBJECT,
            object_id=child.pk,
            at=at,
            practice=child.practice,
            detail={
                "fields": ["identifiers"],
                "source": "ehr",
                "identifiers": len(added),
                **(detail or {}),
            },
        )
    return len(added)


def find_children(
    practice: Practice, records: Sequence[tuple[Identifiers, str]]
) -> list[Child | None]:
    """`find_child` for many (identifiers, MRN) records at once: three queries in all."""
    known = _Known.load(practice, list(records))
    return [known.find(identifiers, mrn) for identifiers, mrn in records]


def patient_errors(data: PatientData, *, today: date) -> list[str]:
    """Reasons to refuse a patient record, in medhome's words (never its content)."""
    errors = []
    if not data.identifiers and not data.mrn:
        errors.append(_("The patient has no identifier to match on."))
    if not data.legal_given_name or not data.legal_family_name:
        errors.append(_("The patient has no name."))
    if data.date_of_birth > today:
        errors.append(_("The date of birth is in the future."))
    return errors


Upserted = tuple[Child, Outcome] | ValidationError


def upsert_patient(
    *,
    practice: Practice,
    data: PatientData,
    actor: Actor,
    at: datetime,
    family: Family | None = None,
) -> tuple[Child, Outcome]:
    """Create or update the child; ValidationError (nothing written) when the record is
    refused. A new child joins `family` (a CSV panel's household) or a household of its own.
    One record of `upsert_patients`."""
    (outcome,) = upsert_patients(
        practice=practice, records=[data], actor=actor, at=at, families=[family]
    )
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


@transaction.atomic
def upsert_patients(
    *,
    practice: Practice,
    records: Sequence[PatientData],
    actor: Actor,
    at: datetime,
    families: Sequence[Family | None] | None = None,
) -> list[Upserted]:
    """Create or update the children of these records, in one transaction and a handful of
    queries whatever their number: one outcome per record, in order — the child and
    "created" / "updated" / "unchanged", or the ValidationError that refused it (nothing of
    it written). The same as upserting them one by one: records that touch the same child,
    identifier or MRN go in later rounds (`first_disjoint`). `families`, when given, are the
    households (already saved) the new children join, one per record (None: their own)."""
    today = clock.local_date(at)
    outcomes: list[Upserted | None] = [None] * len(records)
    pending = []
    for index, data in enumerate(records):
        errors = patient_errors(data, today=today)
        if errors:
            outcomes[index] = ValidationError(errors)
        else:
            pending.append(index)
    entries: list[Entry] = []
    while pending:
        known = _Known.load(practice, [(records[i].identifiers, records[i].mrn) for i in pending])
        targets = {i: known.find(records[i].identifiers, records[i].mrn) for i in pending}
        keys = {i: _keys(records[i], targets[i]) for i in pending}
        taken, pending = first_disjoint(pending, keys.__getitem__)
        batch = _Round(practice=practice, at=at, known=known)
        for index in taken:
            family = families[index] if families is not None else None
            outcomes[index] = batch.apply(records[index], targets[index], family, entries)
        batch.write()
    record_many(actor=actor, entries=entries, at=at, practice=practice)
    return [outcome for outcome in outcomes if outcome is not None]


def _keys(data: PatientData, child: Child | None) -> list[object]:
    keys: list[object] = [*data.identifiers, ("mrn", data.mrn)] if data.mrn else [*data.identifiers]
    if child is not None:
        keys += [child.pk, ("mrn", child.mrn)]
    return keys


@dataclass
class _Known:
    """What the practice already has for a set of records: two queries (identifiers, MRNs)
    and the matched children. Identifiers are looked up in this practice only (tenancy)."""

    by_identifier: dict[tuple[str, str], object]
    by_mrn: dict[str, object]
    children: dict[object, Child]
    retired: set[tuple[object, str]]  # (child id, value) of a merged record's identifiers

    @classmethod
    def load(cls, practice: Practice, records: list[tuple[Identifiers, str]]) -> "_Known":
        mrns = {mrn for _identifiers, mrn in records if mrn}
        values = {value for identifiers, _mrn in records for _system, value in identifiers}
        by_identifier: dict[tuple[str, str], object] = {}
        retired: set[tuple[object, str]] = set()
        for system, value, child_id, is_retired in (
            ChildIdentifier.objects.for_practice(practice)
            .filter(value__any_of=values | mrns)
            .values_list("system", "value", "child_id", "retired")
        ):
            by_identifier[(system, value)] = child_id
            if is_retired:
                retired.add((child_id, value))
        by_mrn = dict(
            Child.objects.for_practice(practice).filter(mrn__any_of=mrns).values_list("mrn", "id")
        )
        ids = {*by_identifier.values(), *by_mrn.values()}
        children = Child.objects.for_practice(practice).in_bulk(list(ids)) if ids else {}
        for child in children.values():
            child.practice = practice
        return cls(by_identifier, by_mrn, children, retired)

    def find(self, identifiers: Identifiers, mrn: str) -> Child | None:
        """The child known by one of these identifiers (retired ones included), in their
        order, else by this MRN."""
        for identifier in identifiers:
            if identifier in self.by_identifier:
                return self.children[self.by_identifier[identifier]]
        if mrn and mrn in self.by_mrn:
            return self.children[self.by_mrn[mrn]]
        return None


@dataclass
class _Round:
    """The writes of one round, made together by `write`."""

    practice: Practice
    at: datetime
    known: _Known
    families: list[Family] = field(default_factory=list)
    created: list[Child] = field(default_factory=list)
    updated: list[Child] = field(default_factory=list)
    updated_fields: set[str] = field(default_factory=set)
    identifiers: list[ChildIdentifier] = field(default_factory=list)

    def apply(
        self, data: PatientData, child: Child | None, family: Family | None, entries: list[Entry]
    ) -> Upserted:
        values = {name: getattr(data, name) for name in EHR_FIELDS}
        if data.payer:
            values |= {"payer": data.payer, "payer_member_id": data.payer_member_id}
        if child is None:
            own = family is None
            child = Child(
                practice=self.practice,
                family=family
                or Family(practice=self.practice, name=data.legal_family_name, created_at=self.at),
                preferred_language=data.preferred_language or "en",
                payer=values.pop("payer", "uninsured"),
                race_ethnicity=list(data.race_ethnicity),
                created_at=self.at,
                updated_at=self.at,
                **values,
            )
            child.refresh_derived_fields()
            try:
                child.clean_fields(exclude=["family", "practice", "payer"])
            except ValidationError as error:
                return error
            if own:
                self.families.append(child.family)
            self.created.append(child)
            self._identifiers(child, data)
            entries.append(Entry(Action.CREATE, CHILD_OBJECT, child.pk, _detail(sorted(values))))
            return child, "created"
        if data.mrn and (child.pk, data.mrn) in self.known.retired:
            # A message still carrying a merged record's MRN: it finds the survivor, which
            # keeps its own MRN (docs/clinical-rules.md#ehr-merge).
            del values["mrn"]
        changed = [name for name, value in values.items() if getattr(child, name) != value]
        if data.preferred_language and not child.preferred_language:
            changed.append("preferred_language")
        if not changed:
            self._identifiers(child, data)
            return child, "unchanged"
        if "mrn" in changed and self.known.by_mrn.get(data.mrn, child.pk) != child.pk:
            return ValidationError(_("Another child of this practice has this MRN."))
        for name in changed:
            setattr(child, name, values[name] if name in values else getattr(data, name))
        child.refresh_derived_fields()
        try:
            child.clean_fields(exclude=["family", "practice"])
        except ValidationError as error:
            return error
        child.version += 1
        child.updated_at = self.at
        self.updated.append(child)
        self._identifiers(child, data)
        self.updated_fields.update(changed)
        entries.append(Entry(Action.UPDATE, CHILD_OBJECT, child.pk, _detail(changed)))
        return child, "updated"

    def _identifiers(self, child: Child, data: PatientData) -> None:
        """The record's identifiers the practice does not know yet (one of another child is
        left where it is)."""
        self.identifiers += [
            ChildIdentifier(
                practice=self.practice, child=child, system=system, value=value, created_at=self.at
            )
            for system, value in dict.fromkeys(data.identifiers)
            if (system, value) not in self.known.by_identifier
        ]

    def write(self) -> None:
        insert_rows(Family, self.families)
        insert_rows(Child, self.created)
        insert_rows(
            PanelMembership,
            [
                PanelMembership(
                    practice=self.practice,
                    child=child,
                    starts_on=clock.local_date(self.at),
                    created_at=self.at,
                )
                for child in self.created
            ],
        )
        if self.updated:
            update_rows(Child, self.updated, sorted(self.updated_fields | set(DERIVED_FIELDS)))
        ChildIdentifier.objects.bulk_create(
            self.identifiers, ignore_conflicts=True, batch_size=BULK_ROWS
        )


def _detail(fields: list[str]) -> dict[str, object]:
    return {"fields": fields, "source": "ehr"}


GESTATIONAL_FIELDS = ["gestational_age_weeks", "gestational_age_days"]


@transaction.atomic
def set_gestational_ages(
    *,
    practice: Practice,
    records: Sequence[tuple[Child, int, int]],
    actor: Actor,
    at: datetime,
) -> list[Upserted]:
    """Each (child, weeks, days) from the EHR onto the child, audited as a change of the child;
    one outcome per record, in order (a later record of the same child wins)."""
    entries: list[Entry] = []
    changed: dict[object, Child] = {}
    outcomes: list[Upserted] = []
    for child, weeks, days in records:
        if child.practice_id != practice.pk:
            outcomes.append(ValidationError(_("The child is not this practice's.")))
            continue
        if (child.gestational_age_weeks, child.gestational_age_days) == (weeks, days):
            outcomes.append((child, "unchanged"))
            continue
        child.gestational_age_weeks, child.gestational_age_days = weeks, days
        child.version += 1
        child.updated_at = at
        changed[child.pk] = child
        entries.append(Entry(Action.UPDATE, CHILD_OBJECT, child.pk, _detail(GESTATIONAL_FIELDS)))
        outcomes.append((child, "updated"))
    update_rows(Child, list(changed.values()), [*GESTATIONAL_FIELDS, "version", "updated_at"])
    record_many(actor=actor, entries=entries, at=at, practice=practice)
    return outcomes
