"""Every write to the family record: one function per use case, in one transaction, audited."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.practices.models import Practice
from medhome.practices.selectors import clinicians_of

from . import attribution
from .languages import normalize_language
from .models import AvailabilityWindow, Caregiver, Child, Family
from .vocabulary import Payer, RaceEthnicity

CHILD_OBJECT = "child"
CAREGIVER_OBJECT = "caregiver"
FAMILY_OBJECT = "family"


DUPLICATE_MRN = gettext_lazy("Another child in this practice already has this MRN.")
DECLINED_ALONE = gettext_lazy("“Prefers not to answer” cannot be combined with other categories.")
MEMBER_ID_NEEDED = gettext_lazy("Medicaid and CHIP need the member ID.")


class StaleEdit(Exception):
    """Someone else saved this record since the form was opened."""


@dataclass(frozen=True)
class Window:
    weekday: int
    starts_at: time
    ends_at: time


def _require(actor: Actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionError(capability)


def mrn_is_taken(practice: Practice, mrn: str, *, except_child: Child | None = None) -> bool:
    children = Child.objects.for_practice(practice).filter(mrn=mrn.strip().upper())
    if except_child is not None:
        children = children.exclude(pk=except_child.pk)
    return children.exists()


def validate_child(child: Child, *, today: date) -> None:
    """Model rules plus the ones that need today or the practice; raises ValidationError."""
    errors: dict[str, list[Any]] = {}
    if future := birth_date_errors(child.date_of_birth, today=today):
        errors["date_of_birth"] = future
    if child.gestational_age_days is not None and child.gestational_age_weeks is None:
        errors.setdefault("gestational_age_days", []).append(
            _("Give the completed weeks as well as the days.")
        )
    discharged = child.birth_discharged_on
    if discharged is not None and (discharged < child.date_of_birth or discharged > today):
        errors.setdefault("birth_discharged_on", []).append(
            _("The discharge date must be between the date of birth and today.")
        )
    if child.mrn and mrn_is_taken(child.practice, child.mrn, except_child=child):
        errors.setdefault("mrn", []).append(DUPLICATE_MRN)
    categories = list(child.race_ethnicity or [])
    if RaceEthnicity.DECLINED in categories and len(categories) > 1:
        errors.setdefault("race_ethnicity", []).append(DECLINED_ALONE)
    if unknown := sorted(set(categories) - set(RaceEthnicity.values)):
        errors.setdefault("race_ethnicity", []).append(
            _("Unknown race or ethnicity category: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if child.payer in {Payer.MEDICAID, Payer.CHIP} and not child.payer_member_id:
        errors.setdefault("payer_member_id", []).append(MEMBER_ID_NEEDED)
    clinician_id = child.primary_clinician_id
    if clinician_id and not clinicians_of(child.practice).filter(user_id=clinician_id).exists():
        errors.setdefault("primary_clinician", []).append(
            _("The primary care clinician must be a pediatrician or nurse practitioner here.")
        )
    try:
        child.full_clean(exclude=["practice", "family"], validate_unique=False)
    except ValidationError as invalid:
        for field, messages in invalid.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def channel_contact_errors(channel: str, phone: object, email: str) -> dict[str, list[Any]]:
    """The preferred channel must be reachable with the contact details given."""
    errors: dict[str, list[Any]] = {}
    if channel in {"text", "phone"} and not phone:
        errors["phone"] = [_("A phone number is needed to reach this caregiver by text or call.")]
    if channel == "email" and not email:
        errors["email"] = [_("An email address is needed to reach this caregiver by email.")]
    return errors


def birth_date_errors(birth_date: date | None, *, today: date) -> list[str]:
    if birth_date and birth_date > today:
        return [_("The date of birth cannot be in the future.")]
    return []


def validate_caregiver(caregiver: Caregiver) -> None:
    errors = channel_contact_errors(caregiver.preferred_channel, caregiver.phone, caregiver.email)
    try:
        caregiver.full_clean(exclude=["practice", "family"])
    except ValidationError as invalid:
        for field, messages in invalid.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def validate_windows(windows: list[Window]) -> None:
    for window in windows:
        if window.ends_at <= window.starts_at:
            raise ValidationError(_("Each time window must end after it starts."))
    by_day: dict[int, list[Window]] = {}
    for window in sorted(windows, key=lambda w: (w.weekday, w.starts_at)):
        earlier = by_day.setdefault(window.weekday, [])
        if earlier and earlier[-1].ends_at > window.starts_at:
            raise ValidationError(_("Two time windows on the same day overlap."))
        earlier.append(window)


def _fill(instance: Any, values: dict[str, Any]) -> list[str]:
    """Set the given fields; return the names of those that changed (for the audit trail)."""
    changed = []
    for field, value in values.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    return changed


def _prepare_child(child: Child, values: dict[str, Any]) -> list[str]:
    values = dict(values)
    if "mrn" in values:
        values["mrn"] = values["mrn"].strip().upper()
    if "preferred_language" in values:
        values["preferred_language"] = normalize_language(values["preferred_language"])
    if "race_ethnicity" in values:
        values["race_ethnicity"] = sorted(set(values["race_ethnicity"]))
    changed = _fill(child, values)
    child.refresh_derived_fields()
    return changed


def _prepare_caregiver(caregiver: Caregiver, values: dict[str, Any]) -> list[str]:
    values = dict(values)
    if "preferred_language" in values:
        values["preferred_language"] = normalize_language(values["preferred_language"])
    return _fill(caregiver, values)


def _save_windows(caregiver: Caregiver, windows: list[Window]) -> bool:
    current = [Window(w.weekday, w.starts_at, w.ends_at) for w in caregiver.availability.all()]
    wanted = sorted(windows, key=lambda w: (w.weekday, w.starts_at))
    if sorted(current, key=lambda w: (w.weekday, w.starts_at)) == wanted:
        return False
    caregiver.availability.all().delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            practice=caregiver.practice,
            caregiver=caregiver,
            weekday=w.weekday,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
        )
        for w in wanted
    )
    return True


def _save_or_explain(instance: Any) -> None:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as conflict:
        # Two people registered the same MRN at once: the database constraint decides.
        raise ValidationError({"mrn": [DUPLICATE_MRN]}) from conflict


@transaction.atomic
def register_family(
    *,
    actor: Actor,
    family_name: str,
    caregiver: dict[str, Any],
    windows: list[Window],
    child: dict[str, Any],
    at: datetime,
    panel_from: date | None = None,
) -> tuple[Family, Child]:
    """A new household with its first caregiver and first child; all or nothing. The child
    joins the panel on `panel_from` (default: the day of registration)."""
    _require(actor, Capability.FAMILY_CREATE)
    family = Family(practice=actor.practice, name=family_name.strip(), created_at=at)
    if not family.name:
        raise InvalidPart(
            "family", ValidationError({"family_name": [_("Give the household a name.")]})
        )
    family.save()
    record(actor=actor, action=Action.CREATE, object_type=FAMILY_OBJECT, object_id=family.pk, at=at)
    try:
        add_caregiver(
            actor=actor,
            family=family,
            values=caregiver,
            windows=windows,
            at=at,
            capability=Capability.FAMILY_CREATE,
        )
    except ValidationError as invalid:
        raise InvalidPart("caregiver", invalid) from invalid
    try:
        first_child = add_child(
            actor=actor,
            family=family,
            values=child,
            at=at,
            capability=Capability.FAMILY_CREATE,
            panel_from=panel_from,
        )
    except ValidationError as invalid:
        raise InvalidPart("child", invalid) from invalid
    return family, first_child


@transaction.atomic
def add_child(
    *,
    actor: Actor,
    family: Family,
    values: dict[str, Any],
    at: datetime,
    capability: str = Capability.FAMILY_EDIT,
    panel_from: date | None = None,
) -> Child:
    """A new child, on the panel from `panel_from` (default: the day of registration) with its
    primary clinician (docs/clinical-rules.md#attribution)."""
    _require(actor, capability)
    child = Child(practice=family.practice, family=family, created_at=at, updated_at=at)
    _prepare_child(child, values)
    today = clock.local_date(at)
    validate_child(child, today=today)
    starts_on = today if panel_from is None else panel_from
    if not child.date_of_birth <= starts_on <= today:
        raise ValidationError(
            {"date_of_birth": [_("The child joins the panel between birth and today.")]}
        )
    _save_or_explain(child)
    attribution.open_membership(child=child, starts_on=starts_on, at=at)
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=CHILD_OBJECT,
        object_id=child.pk,
        at=at,
        detail={"fields": sorted(values)},
    )
    return child


@transaction.atomic
def update_child(
    *, actor: Actor, child: Child, values: dict[str, Any], version: int, at: datetime
) -> Child:
    _require(actor, Capability.FAMILY_EDIT)
    child = Child.objects.select_for_update().get(pk=child.pk, practice=actor.practice)
    if child.version != version:
        raise StaleEdit
    changed = _prepare_child(child, values)
    if not changed:
        return child
    validate_child(child, today=clock.local_date(at))
    child.version += 1
    child.updated_at = at
    _save_or_explain(child)
    if "primary_clinician" in changed:  # one truth: the open membership says the same
        attribution.keep_clinician_in_step(child)
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CHILD_OBJECT,
        object_id=child.pk,
        at=at,
        detail={"fields": sorted(changed)},
    )
    return child


@transaction.atomic
def record_birth_discharge(
    *, actor: Actor, child: Child, discharged_on: date, at: datetime
) -> bool:
    """The hospital feed's discharge of the birth stay (an A03, events app) sets the date the
    first-week visit is timed by (docs/clinical-rules.md#periodicity). Staff correct it with
    update_child;
    the feed is an authenticated machine source, so no person's capability applies. Returns
    whether the date changed; a date outside birth..today is ignored, never stored."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.birth_discharged_on == discharged_on:
        return False
    if not child.date_of_birth <= discharged_on <= clock.local_date(at):
        return False
    child.birth_discharged_on = discharged_on
    child.version += 1
    child.updated_at = at
    child.save(update_fields=["birth_discharged_on", "version", "updated_at"])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CHILD_OBJECT,
        object_id=child.pk,
        at=at,
        practice=child.practice,
        detail={"fields": ["birth_discharged_on"], "source": "hospital feed"},
    )
    return True


@transaction.atomic
def add_caregiver(
    *,
    actor: Actor,
    family: Family,
    values: dict[str, Any],
    windows: list[Window],
    at: datetime,
    capability: str = Capability.FAMILY_EDIT,
) -> Caregiver:
    _require(actor, capability)
    caregiver = Caregiver(practice=family.practice, family=family, created_at=at, updated_at=at)
    _prepare_caregiver(caregiver, values)
    validate_caregiver(caregiver)
    validate_windows(windows)
    caregiver.save()
    _save_windows(caregiver, windows)
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=CAREGIVER_OBJECT,
        object_id=caregiver.pk,
        at=at,
        detail={"family": str(family.pk)},
    )
    return caregiver


@transaction.atomic
def update_caregiver_preferences(
    *,
    actor: Actor,
    caregiver: Caregiver,
    values: dict[str, Any],
    windows: list[Window],
    version: int,
    at: datetime,
) -> Caregiver:
    """How the family wants to be reached and what it wants the team to know."""
    _require(actor, Capability.FAMILY_EDIT)
    caregiver = Caregiver.objects.select_for_update().get(pk=caregiver.pk, practice=actor.practice)
    if caregiver.version != version:
        raise StaleEdit
    changed = _prepare_caregiver(caregiver, values)
    validate_caregiver(caregiver)
    validate_windows(windows)
    if _save_windows(caregiver, windows):
        changed.append("availability")
    if not changed:
        return caregiver
    caregiver.version += 1
    caregiver.updated_at = at
    caregiver.save()
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CAREGIVER_OBJECT,
        object_id=caregiver.pk,
        at=at,
        detail={"family": str(caregiver.family_id), "fields": sorted(changed)},
    )
    return caregiver


def record_chart_opened(*, actor: Actor, child: Child, at: datetime) -> None:
    record(actor=actor, action=Action.VIEW, object_type=CHILD_OBJECT, object_id=child.pk, at=at)


def record_opened(*, actor: Actor, record_of: Child | Caregiver | Family, at: datetime) -> None:
    """A page showed this part of the record (an edit form is a read too)."""
    object_type = {
        Child: CHILD_OBJECT,
        Caregiver: CAREGIVER_OBJECT,
        Family: FAMILY_OBJECT,
    }[type(record_of)]
    record(actor=actor, action=Action.VIEW, object_type=object_type, object_id=record_of.pk, at=at)


def record_search(*, actor: Actor, result_count: int, at: datetime) -> None:
    # The query itself may be a name or birth date: only the count is kept.
    record(
        actor=actor,
        action=Action.SEARCH,
        object_type=CHILD_OBJECT,
        at=at,
        detail={"results": result_count},
    )


class InvalidPart(Exception):
    """A registration failed on one of its parts (family, caregiver or child)."""

    def __init__(self, part: str, error: ValidationError):
        super().__init__(part)
        self.part, self.error = part, error
