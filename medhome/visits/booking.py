"""Booking visits in medhome and moving them through their day.

A visit is booked → arrived → completed, or booked → cancelled / did not come; nothing leaves
completed, cancelled or did-not-come (a cancelled visit is booked again as a new visit, so the
history of what happened stays true). The allowed moves are data (`TRANSITIONS`), and every
change goes through `_move` — checked, saved, audited in one transaction.

A booking respects the one practice calendar (working days, opening hours, holidays:
practices.calendar) and never puts one clinician in two rooms: an overlapping visit of the same
clinician that is still expected (booked or arrived) refuses it — except the group well-child
visits of one session (medhome.groupcare): the children of a group are seen together, so group
visits at the same moment and of the same length share the clinician's time.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.calendar import Calendar, calendar_of
from medhome.practices.models import Membership, Practice, Site

from . import hooks
from .models import CancelReason, Modality, Visit, VisitKind, VisitStatus
from .services import VISIT_OBJECT

S = VisitStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SCHEDULED: frozenset({S.ARRIVED, S.CANCELLED, S.NO_SHOW}),
    S.ARRIVED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset(),
}
# Still expected: these hold the clinician's time.
HOLDS_TIME = (S.SCHEDULED, S.ARRIVED)
MIN_MINUTES, MAX_MINUTES = 5, 240


def _require(actor: Actor, practice_id: object) -> None:
    if not actor.can(Capability.VISIT_BOOK) or actor.practice_id != practice_id:
        raise PermissionDenied(_("You cannot book or change visits of this practice."))


def outside_calendar(starts_at: datetime, minutes: int, calendar: Calendar) -> str:
    """Why the practice is closed for this visit, in medhome's words; "" when it is open."""
    local = starts_at.astimezone(calendar.zone)
    day = local.date()
    if day in calendar.holidays:
        return _("The practice is closed on that day (a holiday). Choose another day.")
    if not calendar.is_business_day(day):
        return _("The practice is closed on that day of the week. Choose another day.")
    ends = (local + timedelta(minutes=minutes)).time()
    if local.time() < calendar.opens_at or ends > calendar.closes_at or ends < local.time():
        return _("The visit must fit within opening hours (%(opens)s to %(closes)s).") % {
            "opens": calendar.opens_at.strftime("%H:%M"),
            "closes": calendar.closes_at.strftime("%H:%M"),
        }
    return ""


def clinician_conflict(
    *,
    practice_id: UUID,
    clinician_id: int,
    starts_at: datetime,
    minutes: int,
    skip: UUID | None,
    kind: str = "",
) -> Visit | None:
    """The clinician's expected visit that overlaps [starts_at, starts_at + minutes), if any;
    for a group visit, the other group visits of the same session (same start, same length) do
    not count."""
    ends_at = starts_at + timedelta(minutes=minutes)
    # A visit overlaps when it starts before this one ends and ends after it starts; visits are
    # at most MAX_MINUTES long, so the candidates start after (starts_at - MAX_MINUTES).
    candidates = Visit.objects.filter(
        practice_id=practice_id,
        clinician_id=clinician_id,
        status__in=HOLDS_TIME,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(minutes=MAX_MINUTES),
    )
    if skip is not None:
        candidates = candidates.exclude(pk=skip)
    if kind == VisitKind.GROUP:
        candidates = candidates.exclude(
            kind=VisitKind.GROUP, starts_at=starts_at, duration_minutes=minutes
        )
    for visit in candidates.order_by("starts_at"):
        if visit.starts_at + timedelta(minutes=visit.duration_minutes) > starts_at:
            return visit
    return None


def _slot_errors(
    *,
    practice: Practice,
    child: Child,
    starts_at: datetime,
    minutes: int,
    clinician_id: int | None,
    at: datetime,
    skip: UUID | None = None,
    kind: str = "",
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["duration_minutes"] = [
            _("A visit lasts between %(low)d and %(high)d minutes.")
            % {"low": MIN_MINUTES, "high": MAX_MINUTES}
        ]
        return errors
    if starts_at.date() < child.date_of_birth:
        errors["starts_at"] = [_("The visit is before the child's date of birth.")]
    elif starts_at < at:
        errors["starts_at"] = [_("Choose a time that has not passed yet.")]
    else:
        closed = outside_calendar(starts_at, minutes, calendar_of(practice))
        if closed:
            errors["starts_at"] = [closed]
    if clinician_id is not None and "starts_at" not in errors:
        other = clinician_conflict(
            practice_id=practice.pk,
            clinician_id=clinician_id,
            starts_at=starts_at,
            minutes=minutes,
            skip=skip,
            kind=kind,
        )
        if other is not None:
            local = other.starts_at.astimezone(calendar_of(practice).zone)
            errors["clinician"] = [
                _(
                    "This clinician already has a visit from %(start)s to %(end)s. "
                    "Choose another time or another clinician."
                )
                % {
                    "start": local.strftime("%H:%M"),
                    "end": (local + timedelta(minutes=other.duration_minutes)).strftime("%H:%M"),
                }
            ]
    return errors


def _clinician_errors(child: Child, clinician_id: int | None) -> dict[str, list[str]]:
    if clinician_id is None:
        return {}
    member = Membership.objects.filter(
        practice_id=child.practice_id, user_id=clinician_id, is_active=True
    ).exists()
    return {} if member else {"clinician": [_("Choose a clinician of this practice.")]}


def _audit(actor: Actor, visit: Visit, action: Action, fields: list[str], at: datetime, **extra):
    record(
        actor=actor,
        action=action,
        object_type=VISIT_OBJECT,
        object_id=visit.pk,
        at=at,
        practice=visit.practice,
        detail={"child": str(visit.child_id), "fields": fields, **extra},
    )


def book_visit(
    *,
    actor: Actor,
    child: Child,
    site: Site | None,
    clinician_id: int | None,
    starts_at: datetime,
    kind: str,
    modality: str,
    duration_minutes: int,
    at: datetime,
    confidential: bool = False,
) -> Visit:
    """A new booked visit; ValidationError by field (nothing written) when it cannot be."""
    _require(actor, child.practice_id)
    errors: dict[str, list[str]] = {}
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose the type of visit.")]
    if modality not in Modality.values:
        errors["modality"] = [_("Choose in person or telehealth.")]
    if site is not None and site.practice_id != child.practice_id:
        errors["site"] = [_("Choose one of this practice's sites.")]
    if modality == Modality.IN_PERSON and site is None:
        errors["site"] = [_("Choose the site where the family comes in.")]
    errors.update(_clinician_errors(child, clinician_id))
    with transaction.atomic():
        if not errors:
            # Lock the practice's row so two people booking the same clinician at the same
            # moment cannot both pass the conflict check.
            _lock_practice(child.practice_id)
            errors.update(
                _slot_errors(
                    practice=child.practice,
                    child=child,
                    starts_at=starts_at,
                    minutes=duration_minutes,
                    clinician_id=clinician_id,
                    at=at,
                    kind=kind,
                )
            )
        if errors:
            raise ValidationError(errors)
        visit = Visit.objects.create(
            practice=child.practice,
            child=child,
            site=site,
            clinician_id=clinician_id,
            starts_at=starts_at,
            kind=kind,
            modality=modality,
            duration_minutes=duration_minutes,
            status=VisitStatus.SCHEDULED,
            confidential=confidential,
            created_at=at,
            updated_at=at,
        )
        _audit(
            actor,
            visit,
            Action.CREATE,
            ["starts_at", "kind", "modality", "site", "clinician", "duration_minutes"]
            + (["confidential"] if confidential else []),
            at,
        )
    return visit


def _lock_practice(practice_id: UUID) -> None:
    Practice.objects.select_for_update().filter(pk=practice_id).exists()


def move_visit(
    *,
    actor: Actor,
    visit: Visit,
    starts_at: datetime,
    at: datetime,
    clinician_id: int | None = None,
    keep_clinician: bool = True,
) -> Visit:
    """The same booked visit at another time (and, when asked, with another clinician)."""
    _require(actor, visit.practice_id)
    if visit.status != VisitStatus.SCHEDULED:
        raise ValidationError(
            {
                "starts_at": [
                    _("Only a booked visit can be moved; this one is “%(status)s”.")
                    % {"status": visit.get_status_display()}
                ]
            }
        )
    new_clinician = visit.clinician_id if keep_clinician else clinician_id
    errors = _clinician_errors(visit.child, new_clinician)
    with transaction.atomic():
        _lock_practice(visit.practice_id)
        if not errors:
            errors = _slot_errors(
                practice=visit.practice,
                child=visit.child,
                starts_at=starts_at,
                minutes=visit.duration_minutes,
                clinician_id=new_clinician,
                at=at,
                skip=visit.pk,
                kind=visit.kind,
            )
        if errors:
            raise ValidationError(errors)
        changed = []
        if visit.starts_at != starts_at:
            changed.append("starts_at")
        if visit.clinician_id != new_clinician:
            changed.append("clinician")
        if not changed:
            return visit
        visit.starts_at = starts_at
        visit.clinician_id = new_clinician
        visit.updated_at = at
        visit.save(update_fields=["starts_at", "clinician_id", "updated_at"])
        _audit(actor, visit, Action.UPDATE, changed, at)
    return visit


def _move(actor: Actor, visit: Visit, to: str, at: datetime, **fields: object) -> Visit:
    """The one way a visit's status changes: check the table, save, audit."""
    _require(actor, visit.practice_id)
    with transaction.atomic():
        current = Visit.objects.select_for_update().get(pk=visit.pk)
        if to not in TRANSITIONS[current.status]:
            raise ValidationError(
                {
                    "status": [
                        _("The visit is “%(current)s”; it cannot change to “%(target)s”.")
                        % {
                            "current": current.get_status_display(),
                            "target": VisitStatus(to).label,
                        }
                    ]
                }
            )
        current.status = to
        current.updated_at = at
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=["status", "updated_at", *fields])
        _audit(actor, current, Action.UPDATE, ["status", *fields], at, status=to)
        if to == VisitStatus.COMPLETED:
            hooks.visit_completed(current, at)
    visit.refresh_from_db()
    return visit


def cancel_visit(*, actor: Actor, visit: Visit, reason: str, at: datetime) -> Visit:
    if reason not in CancelReason.values:
        raise ValidationError({"reason": [_("Choose why the visit is cancelled.")]})
    return _move(actor, visit, VisitStatus.CANCELLED, at, cancel_reason=reason)


def mark_arrived(*, actor: Actor, visit: Visit, at: datetime) -> Visit:
    return _move(actor, visit, VisitStatus.ARRIVED, at)


def mark_completed(*, actor: Actor, visit: Visit, at: datetime) -> Visit:
    return _move(actor, visit, VisitStatus.COMPLETED, at)


def mark_no_show(*, actor: Actor, visit: Visit, at: datetime) -> Visit:
    return _move(actor, visit, VisitStatus.NO_SHOW, at)


MOVES: dict[str, Callable[..., Visit]] = {
    VisitStatus.ARRIVED: mark_arrived,
    VisitStatus.COMPLETED: mark_completed,
    VisitStatus.NO_SHOW: mark_no_show,
}
