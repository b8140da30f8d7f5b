"""The one way a caregiver from the EHR (a FHIR RelatedPerson) joins or updates the family of
the child it is related to: matched by identifier within the practice, the EHR's fields (name,
relationship, phone, email) brought in step, audited by field name. What the family told medhome
in its own words (channel, availability, transport, culture) is never overwritten."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, CaregiverIdentifier, Child
from medhome.practices.models import Practice

from .patients import Outcome

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
    for system, value in identifiers:
        hit = (
            CaregiverIdentifier.objects.for_practice(practice)
            .filter(system=system, value=value)
            .select_related("caregiver")
            .first()
        )
        if hit is not None:
            return hit.caregiver
    return None


@transaction.atomic
def upsert_caregiver(
    *, practice: Practice, child: Child, data: CaregiverData, actor: Actor, at: datetime
) -> tuple[Caregiver, Outcome]:
    """Create the caregiver in the child's family, or update the one these identifiers name;
    ValidationError (nothing written) when the record is refused."""
    if child.practice_id != practice.pk:
        raise ValidationError("The child is not this practice's.")
    caregiver = find_caregiver(practice, data.identifiers)
    values: dict[str, Any] = {name: getattr(data, name) for name in EHR_FIELDS}
    if caregiver is None:
        caregiver = Caregiver(
            practice=practice,
            family_id=child.family_id,
            preferred_language=data.preferred_language or child.preferred_language or "en",
            # How to reach them is the family's choice; until asked, what the EHR gives.
            preferred_channel="phone" if data.phone else "email" if data.email else "print",
            is_birth_parent=data.is_birth_parent,
            created_at=at,
            updated_at=at,
            **values,
        )
        changed = sorted(values)
        outcome: Outcome = "created"
    else:
        changed = [n for n, v in values.items() if str(getattr(caregiver, n) or "") != str(v)]
        if not changed:
            _add_identifiers(practice, caregiver, data.identifiers, at)
            return caregiver, "unchanged"
        for name in changed:
            setattr(caregiver, name, values[name])
        caregiver.version += 1
        caregiver.updated_at = at
        outcome = "updated"
    caregiver.full_clean(exclude=["family", "practice"])
    caregiver.save()
    _add_identifiers(practice, caregiver, data.identifiers, at)
    record(
        actor=actor,
        action=Action.CREATE if outcome == "created" else Action.UPDATE,
        object_type=CAREGIVER_OBJECT,
        object_id=caregiver.pk,
        at=at,
        practice=practice,
        detail={"family": str(caregiver.family_id), "fields": changed, "source": "ehr"},
    )
    return caregiver, outcome


def _add_identifiers(
    practice: Practice, caregiver: Caregiver, identifiers: tuple[tuple[str, str], ...], at: datetime
) -> None:
    known = set(
        CaregiverIdentifier.objects.filter(caregiver=caregiver).values_list("system", "value")
    )
    CaregiverIdentifier.objects.bulk_create(
        [
            CaregiverIdentifier(
                practice=practice, caregiver=caregiver, system=s, value=v, created_at=at
            )
            for s, v in identifiers
            if (s, v) not in known
        ],
        ignore_conflicts=True,
    )
