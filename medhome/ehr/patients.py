"""The one way a patient from the EHR becomes or updates a child (FHIR Patient, HL7 ADT
A04/A08/A28/A31, a CSV panel row): matched by identifier within the practice, then by MRN;
created with an open panel membership; changed fields audited by name; an unchanged record
writes nothing. Tenancy holds: identifiers are looked up in the importing practice only, so an
identifier of another practice's child can never reach it."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Child, ChildIdentifier, Family, PanelMembership
from medhome.practices.models import Practice

Outcome = Literal["created", "updated", "unchanged"]
CHILD_OBJECT = "child"
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


@dataclass(frozen=True)
class PatientData:
    identifiers: tuple[tuple[str, str], ...]  # (system, value); the MRN's among them
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


def find_child(practice: Practice, identifiers: tuple[tuple[str, str], ...], mrn: str):
    """The practice's child known by one of these identifiers (retired ones included), else
    by MRN; None when the practice has no such child."""
    for system, value in identifiers:
        hit = (
            ChildIdentifier.objects.for_practice(practice)
            .filter(system=system, value=value)
            .select_related("child")
            .first()
        )
        if hit is not None:
            return hit.child
    if mrn:
        return Child.objects.for_practice(practice).filter(mrn=mrn).first()
    return None


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


@transaction.atomic
def upsert_patient(
    *,
    practice: Practice,
    data: PatientData,
    actor: Actor,
    at: datetime,
    family: Family | None = None,
) -> tuple[Child, Outcome]:
    """Create or update the child; ValidationError (nothing written) when the record is
    refused. A new child joins `family` (a CSV panel's household) or a household of its own."""
    errors = patient_errors(data, today=clock.local_date(at))
    if errors:
        raise ValidationError(errors)
    child = find_child(practice, data.identifiers, data.mrn)
    values = {name: getattr(data, name) for name in EHR_FIELDS}
    if data.payer:
        values |= {"payer": data.payer, "payer_member_id": data.payer_member_id}
    if child is None:
        if family is None:
            family = Family.objects.create(
                practice=practice, name=data.legal_family_name, created_at=at
            )
        child = Child(
            practice=practice,
            family=family,
            preferred_language=data.preferred_language or "en",
            payer=values.pop("payer", "uninsured"),
            race_ethnicity=list(data.race_ethnicity),
            created_at=at,
            updated_at=at,
            **values,
        )
        child.refresh_derived_fields()
        child.full_clean(exclude=["family", "practice", "payer"])
        child.save()
        PanelMembership.objects.create(
            practice=practice, child=child, starts_on=clock.local_date(at), created_at=at
        )
        outcome: Outcome = "created"
        changed = sorted(values)
    else:
        if _is_retired_mrn(child, data.mrn):
            # A message still carrying a merged record's MRN: it finds the survivor, which
            # keeps its own MRN (docs/clinical-rules.md#ehr-merge).
            del values["mrn"]
        changed = [name for name, value in values.items() if getattr(child, name) != value]
        if data.preferred_language and not child.preferred_language:
            child.preferred_language = data.preferred_language
            changed.append("preferred_language")
        if not changed:
            _add_identifiers(practice, child, data.identifiers, at)
            return child, "unchanged"
        for name in changed:
            setattr(child, name, values[name] if name in values else getattr(data, name))
        child.refresh_derived_fields()
        child.version += 1
        child.updated_at = at
        child.full_clean(exclude=["family", "practice"])
        child.save()
        outcome = "updated"
    _add_identifiers(practice, child, data.identifiers, at)
    record(
        actor=actor,
        action=Action.CREATE if outcome == "created" else Action.UPDATE,
        object_type=CHILD_OBJECT,
        object_id=child.pk,
        at=at,
        practice=practice,
        detail={"fields": changed, "source": "ehr"},
    )
    return child, outcome


def _is_retired_mrn(child: Child, mrn: str) -> bool:
    return (
        bool(mrn) and ChildIdentifier.objects.filter(child=child, value=mrn, retired=True).exists()
    )


def _add_identifiers(
    practice: Practice, child: Child, identifiers: tuple[tuple[str, str], ...], at: datetime
) -> None:
    known = set(ChildIdentifier.objects.filter(child=child).values_list("system", "value"))
    ChildIdentifier.objects.bulk_create(
        [
            ChildIdentifier(practice=practice, child=child, system=s, value=v, created_at=at)
            for s, v in identifiers
            if (s, v) not in known
        ],
        ignore_conflicts=True,
    )
