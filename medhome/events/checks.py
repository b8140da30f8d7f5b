"""What a feed message must satisfy before it changes an event: the child it names (matching),
the same patient as the visit's event, and values that fit their columns."""

from django.db import models

from medhome.families.models import MRN_SYSTEM, Child, ChildIdentifier
from medhome.families.names import name_key
from medhome.practices.models import Practice

from . import parsing
from .models import CareEvent
from .parsing import Adt, Malformed


def match_child(practice: Practice, identity: parsing.Identity) -> Child | None:
    """By MRN in the practice (or an MRN a merged record had); else exact name key + birth
    date with exactly one candidate."""
    children = Child.objects.for_practice(practice)
    for mrn in identity.mrns:
        child = children.filter(mrn=mrn).first()
        if child is not None:
            return child
        retired = (
            ChildIdentifier.objects.for_practice(practice)
            .filter(system=MRN_SYSTEM, value=mrn)
            .select_related("child")
            .first()
        )
        if retired is not None:
            return retired.child
    given, family = name_key(identity.given_name), name_key(identity.family_name)
    if not (given and family and identity.date_of_birth):
        return None
    candidates = list(
        children.filter(
            given_name_key=given, family_name_key=family, date_of_birth=identity.date_of_birth
        )[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


# What the feed may fill in, and the column each value goes to (their lengths are the limits).
FEED_LENGTHS = {
    "visit_number": "visit number",
    "sending_facility": "sending facility",
    "facility": "facility",
}
IDENTITY_LENGTHS = {
    "incoming_mrn": "MRN",
    "incoming_given_name": "given name",
    "incoming_family_name": "family name",
}


def column_length(column: str) -> int:
    """The length limit of a CareEvent text column (the one source of the feed's limits)."""
    field = CareEvent._meta.get_field(column)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


def check_lengths(adt: Adt) -> None:
    """Values longer than their column are refused, never cut: a cut visit number could name
    another visit, and PostgreSQL would refuse the row anyway (a DataError)."""
    identity = adt.identity
    values = {name: getattr(adt, name) for name in FEED_LENGTHS} | {
        "incoming_mrn": identity.mrns[0] if identity.mrns else "",  # the one kept
        "incoming_given_name": identity.given_name,
        "incoming_family_name": identity.family_name,
    }
    for column, value in values.items():
        if len(value) > column_length(column):
            label = (FEED_LENGTHS | IDENTITY_LENGTHS)[column]
            raise Malformed(
                f"The {label} is longer than {column_length(column)} characters.", code="AE"
            )


def same_patient(practice: Practice, event: CareEvent, identity: parsing.Identity) -> bool:
    """Whether a message about a visit is about the patient of the visit's event: a visit number
    is only unique per sender, so a typo or a reused number must not move another child's
    event. The same patient: a child matched from the message is the event's child, or the
    message repeats the identity the event was filed with (an MRN, or names and birth date)."""
    if event.child_id is not None:
        matched = match_child(practice, identity)
        if matched is not None:
            return matched.pk == event.child_id
    if event.incoming_mrn and event.incoming_mrn in identity.mrns:
        return True
    return bool(
        event.incoming_date_of_birth
        and identity.date_of_birth == event.incoming_date_of_birth
        and name_key(identity.given_name) == name_key(event.incoming_given_name)
        and name_key(identity.family_name) == name_key(event.incoming_family_name)
    )
