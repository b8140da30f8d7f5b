"""Every write to the practice's programs: add a program, offer, enrol, change a tier, decline,
graduate, leave, assign to a caseload, and record a contact (with the strengths seen and the
concrete supports the family needs).

The rules of docs/clinical-rules.md#programs: eligibility is the program's age range on the day
(outside it, a refusal with the reason, or an override with its reason by a role allowed one);
a contact is recorded only by a role the program lists, for an enrolled child (any eligible child
for a universal program), dated neither before the enrolment nor in the future; a tier changes
only with a reason. Every write is audited (field names, never the words) and all-or-nothing.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from medhome.accounts.roles import Capability, Role
from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core.actor import Actor
from medhome.core.clock import local_date
from medhome.families.models import Caregiver, Child
from medhome.practices.models import Membership

from . import definitions as d
from .models import (
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Agreement,
    Enrolment,
    EnrolmentChange,
    EnrolmentStatus,
    Program,
)

PROGRAM_OBJECT = "program"
ENROLMENT_OBJECT = "program_enrolment"
CONTACT_OBJECT = "program_contact"
S = EnrolmentStatus


def _check(actor: Actor, practice_id: object, capability: str) -> None:
    if not actor.can(capability) or actor.practice_id != practice_id:
        raise PermissionDenied(_("You cannot change this practice's programs."))


def _audit(actor: Actor, action: str, object_type: str, row: Any, at: datetime, **detail) -> None:
    record(
        actor=actor,
        action=Action(action),
        object_type=object_type,
        object_id=row.pk,
        at=at,
        practice=row.practice,
        detail=detail,
    )


def age_days(child: Child, on: date) -> int:
    return (on - child.date_of_birth).days


def _age_words(days: int, *, bound: bool = False) -> str:
    """A child's age is floored (4 years 11 months is "4 years"); a program's bound was set
    in whole months or years and converted to days (years(5) is 1826), so it is rounded back."""
    whole = round if bound else int
    if days < 61:
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if days < 730:
        n = whole(days / d.DAYS_PER_MONTH)
        return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}
    n = whole(days / d.DAYS_PER_YEAR)
    return ngettext("%(n)s year", "%(n)s years", n) % {"n": n}


def eligibility_words(program: Program) -> str:
    low, high = program.min_age_days, program.max_age_days
    if low is None and high is None:
        return _("any age")
    if high is None:
        if not low:
            return _("any age")
        return _("from %(low)s") % {"low": _age_words(low, bound=True)}
    if not low:
        return _("from birth to under %(high)s") % {"high": _age_words(high, bound=True)}
    return _("from %(low)s to under %(high)s") % {
        "low": _age_words(low, bound=True),
        "high": _age_words(high, bound=True),
    }


def ineligibility(program: Program, child: Child, on: date) -> str:
    """Why the child is outside the program's eligibility on that day, or ""."""
    days = age_days(child, on)
    if program.eligible_at(days):
        return ""
    return _("%(child)s is %(age)s old on %(day)s; %(program)s is for children %(range)s.") % {
        "child": child.display_name,
        "age": _age_words(max(days, 0)),
        "day": formats.date_format(on, "SHORT_DATE_FORMAT"),
        "program": program.display_name,
        "range": eligibility_words(program),
    }


# --- the practice's programs ----------------------------------------------------------------


@transaction.atomic
def add_program(*, actor: Actor, definition: str, at: datetime) -> Program:
    """Run a shipped program: its facts are copied onto the practice's row."""
    _check(actor, actor.practice_id, Capability.PROGRAM_MANAGE)
    shipped = d.catalogue().get(definition)
    if shipped is None:
        raise ValidationError({"definition": [_("Choose a program from the list.")]})
    if Program.objects.filter(practice=actor.practice, key=shipped.key).exists():
        raise ValidationError(
            {"definition": [_("The practice already runs %(name)s.") % {"name": shipped.name}]}
        )
    program = Program.objects.create(
        practice=actor.practice,
        key=shipped.key,
        definition=shipped.key,
        source=shipped.source,
        min_age_days=shipped.min_age_days,
        max_age_days=shipped.max_age_days,
        roles=list(shipped.roles),
        contact_kinds=list(shipped.contact_kinds),
        tiers=[
            {
                "key": tier.key,
                "name": str(tier.name),
                "criteria": str(tier.criteria),
                "contact_every_days": tier.contact_every_days,
            }
            for tier in shipped.tiers
        ],
        universal=shipped.universal,
        referral_need=shipped.referral_need,
        contact_every_days=shipped.contact_every_days,
        serves=list(shipped.serves),
        created_at=at,
    )
    _audit(actor, Action.CREATE, PROGRAM_OBJECT, program, at, definition=shipped.key)
    return program


def _clean_own(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = str(fields.get("name", "")).strip()
    if not name:
        errors["name"] = [_("Give the program a name.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("A name is at most %(n)s characters.") % {"n": NAME_MAX_LENGTH}]
    roles = [str(role) for role in fields.get("roles", [])]
    if not roles or any(role not in Role.values for role in roles):
        errors["roles"] = [_("Choose the roles that deliver the program.")]
    low, high = fields.get("min_age_days"), fields.get("max_age_days")
    for key, value in (("min_age_days", low), ("max_age_days", high)):
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[key] = [_("An age is a whole number of days, zero or more.")]
    if isinstance(low, int) and isinstance(high, int) and high <= low:
        errors["max_age_days"] = [_("The upper age must be above the lower age.")]
    every = fields.get("contact_every_days")
    if every is not None and (not isinstance(every, int) or every < 1):
        errors["contact_every_days"] = [_("Give a number of days of 1 or more, or leave it blank.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "summary": str(fields.get("summary", "")).strip()[:TEXT_MAX_LENGTH],
        "roles": roles,
        "min_age_days": low,
        "max_age_days": high,
        "contact_every_days": every,
        "contact_kinds": ["contact"],
    }


@transaction.atomic
def add_own_program(*, actor: Actor, key: str, fields: dict[str, Any], at: datetime) -> Program:
    """The practice's own program (a fathers' circle, a diaper bank hour…), the same way."""
    _check(actor, actor.practice_id, Capability.PROGRAM_MANAGE)
    # The fields first: a missing name is said as such, not as a bad short name made from it.
    cleaned = _clean_own(fields)
    key = key.strip().lower()
    if not key or not key.replace("_", "").replace("-", "").isalnum() or len(key) > 40:
        raise ValidationError({"key": [_("A short name is letters, digits, - or _ (at most 40).")]})
    if key in d.catalogue() or Program.objects.filter(practice=actor.practice, key=key).exists():
        raise ValidationError({"key": [_("That short name is taken; choose another.")]})
    program = Program.objects.create(practice=actor.practice, key=key, created_at=at, **cleaned)
    _audit(actor, Action.CREATE, PROGRAM_OBJECT, program, at, fields=sorted(fields))
    return program


@transaction.atomic
def set_running(*, actor: Actor, program: Program, running: bool, at: datetime) -> Program:
    _check(actor, program.practice_id, Capability.PROGRAM_MANAGE)
    program.is_active = running
    program.save(update_fields=["is_active"])
    _audit(actor, Action.UPDATE, PROGRAM_OBJECT, program, at, fields=["is_active"])
    return program


# --- enrolment --------------------------------------------------------------------------------


def _require_program(actor: Actor, program: Program, child: Child) -> None:
    _check(actor, program.practice_id, Capability.PROGRAM_WORK)
    if child.practice_id != program.practice_id:
        raise PermissionDenied(_("You cannot change this practice's programs."))
    if not program.is_active:
        raise ValidationError(_("%(program)s is not running.") % {"program": program.display_name})
    if program.is_partner:
        raise ValidationError(
            _("%(program)s is a partner program: families reach it by a referral.")
            % {"program": program.display_name}
        )


def _check_day(actor: Actor, on: date, at: datetime, field: str = "on") -> None:
    if on > local_date(at):
        raise ValidationError({field: [_("The date cannot be in the future.")]})


def _check_reason(reason: str, *, required: bool, message: str) -> str:
    reason = reason.strip()
    if required and not reason:
        raise ValidationError({"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [_("A reason is at most %(n)s characters.") % {"n": REASON_MAX_LENGTH}]}
        )
    return reason


def _check_tier(program: Program, tier: str) -> str:
    if not program.has_tiers:
        if tier:
            raise ValidationError({"tier": [_("This program has no tiers.")]})
        return ""
    if tier not in {row["key"] for row in program.tiers}:
        raise ValidationError({"tier": [_("Choose the tier.")]})
    return tier


def _check_staff(program: Program, staff: Any) -> None:
    if staff is None:
        return
    membership = Membership.objects.active().filter(practice=program.practice, user=staff).first()
    if membership is None or (program.roles and membership.role not in program.roles):
        raise ValidationError(
            {"staff": [_("Choose a colleague whose role delivers %(p)s.") % {"p": program}]}
        )


def _change(
    actor: Actor,
    enrolment: Enrolment,
    *,
    on: date,
    at: datetime,
    old: str,
    old_tier: str,
    reason="",
) -> None:
    EnrolmentChange.objects.create(
        practice=enrolment.practice,
        enrolment=enrolment,
        on=on,
        recorded_at=at,
        by=actor.user,
        from_status=old,
        to_status=enrolment.status,
        from_tier=old_tier,
        to_tier=enrolment.tier,
        reason=reason,
    )


def _open(program: Program, child: Child) -> Enrolment | None:
    return (
        Enrolment.objects.select_for_update()
        .filter(program=program, child=child, status__in=[S.OFFERED, S.ENROLLED])
        .first()
    )


@transaction.atomic
def offer(
    *, actor: Actor, program: Program, child: Child, on: date, at: datetime, staff: Any = None
) -> Enrolment:
    """Offer the program to the family (it stays offered until they enrol or decline)."""
    _require_program(actor, program, child)
    _check_day(actor, on, at)
    if _open(program, child) is not None:
        raise ValidationError(
            _("%(child)s already has %(program)s offered or is enrolled.")
            % {"child": child.display_name, "program": program.display_name}
        )
    if reason := ineligibility(program, child, on):
        raise ValidationError({"on": [reason]})
    _check_staff(program, staff)
    enrolment = Enrolment.objects.create(
        practice=program.practice,
        program=program,
        child=child,
        status=S.OFFERED,
        offered_on=on,
        staff=staff,
        updated_at=at,
    )
    _change(actor, enrolment, on=on, at=at, old="", old_tier="")
    _audit(actor, Action.CREATE, ENROLMENT_OBJECT, enrolment, at, child=str(child.pk), to=S.OFFERED)
    return enrolment


@transaction.atomic
def enrol(
    *,
    actor: Actor,
    program: Program,
    child: Child,
    on: date,
    at: datetime,
    agreement: str,
    agreed_by: Caregiver | None = None,
    tier: str = "",
    staff: Any = None,
    override_reason: str = "",
) -> Enrolment:
    """Enrol the child (from an offer, or offered and enrolled the same day) with the family's
    agreement; outside the eligibility only with an override reason by a role allowed one."""
    _require_program(actor, program, child)
    _check_day(actor, on, at)
    errors: dict[str, list[str]] = {}
    if agreement not in Agreement.values:
        errors["agreement"] = [_("Record how the family agreed to take part.")]
    if agreed_by is not None and agreed_by.family_id != child.family_id:
        errors["agreed_by"] = [_("Choose one of the child's caregivers.")]
    try:
        tier = _check_tier(program, tier or (program.tiers[0]["key"] if program.tiers else ""))
    except ValidationError as error:
        errors.update(error.message_dict)
    override_reason = override_reason.strip()[:REASON_MAX_LENGTH]
    if reason := ineligibility(program, child, on):
        if not override_reason:
            errors["on"] = [reason]
        elif not actor.can(Capability.PROGRAM_OVERRIDE):
            errors["override_reason"] = [
                reason + " " + _("Only a clinician can enrol a child outside the eligibility.")
            ]
    else:
        override_reason = ""
    if errors:
        raise ValidationError(errors)
    _check_staff(program, staff)
    enrolment = _open(program, child)
    if enrolment is not None and enrolment.status == S.ENROLLED:
        raise ValidationError(
            _("%(child)s is already enrolled in %(program)s.")
            % {"child": child.display_name, "program": program.display_name}
        )
    if enrolment is not None and on < enrolment.offered_on:
        raise ValidationError({"on": [_("The enrolment cannot come before the offer.")]})
    old = enrolment.status if enrolment else ""
    if enrolment is None:
        enrolment = Enrolment(
            practice=program.practice, program=program, child=child, offered_on=on
        )
    enrolment.status = S.ENROLLED
    enrolment.enrolled_on = on
    enrolment.tier = tier
    enrolment.agreement = agreement
    enrolment.agreed_by = agreed_by
    enrolment.override_reason = override_reason
    enrolment.staff = staff or enrolment.staff
    enrolment.updated_at = at
    enrolment.save()
    _change(actor, enrolment, on=on, at=at, old=old, old_tier="", reason=override_reason)
    _audit(
        actor,
        Action.UPDATE if old else Action.CREATE,
        ENROLMENT_OBJECT,
        enrolment,
        at,
        child=str(child.pk),
        to=S.ENROLLED,
        override=bool(override_reason),
    )
    return enrolment


def _lock(enrolment: Enrolment) -> Enrolment:
    return (
        # Only the enrolment's row (see referrals.acting.locked).
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("program", "child")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def change_tier(
    *, actor: Actor, enrolment: Enrolment, tier: str, reason: str, on: date, at: datetime
) -> Enrolment:
    current = _lock(enrolment)
    _require_program(actor, current.program, current.child)
    _check_day(actor, on, at)
    if current.status != S.ENROLLED:
        raise ValidationError(_("Only an enrolled family's tier can change."))
    tier = _check_tier(current.program, tier)
    if tier == current.tier:
        raise ValidationError({"tier": [_("The family is already in that tier.")]})
    reason = _check_reason(reason, required=True, message=_("Say why the tier changes."))
    old_tier = current.tier
    current.tier = tier
    current.updated_at = at
    current.save(update_fields=["tier", "updated_at"])
    _change(actor, current, on=on, at=at, old=S.ENROLLED, old_tier=old_tier, reason=reason)
    _audit(actor, Action.UPDATE, ENROLMENT_OBJECT, current, at, fields=["tier"])
    return current


# Which step ends which status, and whether it needs a reason (lazy: read in the request's
# language, not the one active when the module was imported).
_ENDINGS: dict[str, tuple[set[EnrolmentStatus], Promise | str]] = {
    S.DECLINED: (
        {S.OFFERED},
        gettext_lazy("Say why the family declined, in their words if they gave one."),
    ),
    S.GRADUATED: ({S.ENROLLED}, ""),
    S.LEFT: ({S.ENROLLED}, gettext_lazy("Say why the family left the program.")),
}


@transaction.atomic
def end(
    *, actor: Actor, enrolment: Enrolment, to: str, reason: str, on: date, at: datetime
) -> Enrolment:
    """Decline an offer, graduate or leave: the enrolment closes with its date and reason."""
    current = _lock(enrolment)
    _require_program(actor, current.program, current.child)
    _check_day(actor, on, at)
    if to not in _ENDINGS:
        raise ValidationError(_("Choose declined, graduated or left."))
    allowed_from, needs_reason = _ENDINGS[to]
    if current.status not in allowed_from:
        raise ValidationError(
            _("A family %(status)s cannot be marked %(to)s.")
            % {"status": current.get_status_display().lower(), "to": S(to).label.lower()}
        )
    start = current.enrolled_on or current.offered_on
    if on < start:
        raise ValidationError({"on": [_("The end cannot come before the enrolment or offer.")]})
    reason = _check_reason(reason, required=bool(needs_reason), message=str(needs_reason))
    old = current.status
    current.status = to
    current.ended_on = on
    current.end_reason = reason
    current.updated_at = at
    current.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    _change(actor, current, on=on, at=at, old=old, old_tier=current.tier, reason=reason)
    _audit(actor, Action.UPDATE, ENROLMENT_OBJECT, current, at, to=to)
    return current


@transaction.atomic
def assign(*, actor: Actor, enrolment: Enrolment, staff: Any, at: datetime) -> Enrolment:
    """Put the family on a colleague's caseload (or take it off any with None)."""
    current = _lock(enrolment)
    _require_program(actor, current.program, current.child)
    if not current.is_open:
        raise ValidationError(_("Only an open enrolment is on a caseload."))
    _check_staff(current.program, staff)
    current.staff = staff
    current.updated_at = at
    current.save(update_fields=["staff", "updated_at"])
    _audit(actor, Action.UPDATE, ENROLMENT_OBJECT, current, at, fields=["staff"])
    return current


# --- reading a caseload -----------------------------------------------------------------------


def record_caseload_read(*, actor: Actor, child_ids: list[Any], at: datetime) -> int:
    """The caseload page shows each child's program record (enrolment, last contact and its
    outcome) and whom to call, so it is audited as a read of each child's record — one event per
    child, the chart's own object type, in one append (as the huddle sheet) — never the names."""
    entries = [
        Entry(
            action=Action.VIEW, object_type="child", object_id=child_id, detail={"via": "caseload"}
        )
        for child_id in dict.fromkeys(child_ids)
    ]
    with transaction.atomic():
        return record_many(actor=actor, entries=entries, at=at)


def record_family_page_read(*, actor: Actor, child: Child, at: datetime) -> None:
    """A program's family page shows part of the child's record (the family's own words, the
    program's enrolments and contacts): a read of the child, audited as the chart is, naming
    the page (docs/clinical-rules.md#parent-partners)."""
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="child",
        object_id=child.pk,
        at=at,
        practice=actor.practice,
        detail={"via": "program_family_page"},
    )
