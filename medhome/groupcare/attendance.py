"""The session's day in group well-child care: each child attended (the group visit arrives and
completes through the visits app's own steps, so the schedule's rows close and W30 counts it),
missed (the visit is a did-not-come) or given a make-up individual visit
(docs/clinical-rules.md#group-care). Each use case is one transaction."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.visits import booking
from medhome.visits.models import Modality, Visit, VisitKind, VisitStatus

from .models import Attendance, AttendanceStatus
from .services import ATTENDANCE_OBJECT, _require


def _set(actor: Actor, attendance: Attendance, status: str, at: datetime, **fields: Any) -> None:
    attendance.status = status
    attendance.updated_at = at
    for name, value in fields.items():
        setattr(attendance, name, value)
    attendance.save(update_fields=["status", "updated_at", *fields])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=ATTENDANCE_OBJECT,
        object_id=attendance.pk,
        at=at,
        detail={"child": str(attendance.child_id), "status": status, "fields": ["status", *fields]},
    )


def _booked(attendance: Attendance) -> Visit:
    if attendance.status != AttendanceStatus.BOOKED or attendance.visit is None:
        raise ValidationError(
            {
                "status": [
                    _("The child's attendance is already “%(status)s”.")
                    % {"status": attendance.get_status_display()}
                ]
            }
        )
    return attendance.visit


def mark_attended(*, actor: Actor, attendance: Attendance, at: datetime) -> Attendance:
    """The child was there: the group visit arrives and completes through the visits app (which
    completes the schedule's visit row, as for any well-child visit)."""
    _require(actor, attendance.practice_id)
    with transaction.atomic():
        visit = _booked(attendance)
        if visit.starts_at > at:
            raise ValidationError({"status": [_("The session has not started yet.")]})
        if visit.status == VisitStatus.SCHEDULED:
            visit = booking.mark_arrived(actor=actor, visit=visit, at=at)
        booking.mark_completed(actor=actor, visit=visit, at=at)
        _set(actor, attendance, AttendanceStatus.ATTENDED, at)
    return attendance


def mark_missed(*, actor: Actor, attendance: Attendance, at: datetime) -> Attendance:
    """The child did not come: the group visit is a no-show (visits' own transition)."""
    _require(actor, attendance.practice_id)
    with transaction.atomic():
        visit = _booked(attendance)
        if visit.starts_at > at:
            raise ValidationError({"status": [_("The session has not started yet.")]})
        booking.mark_no_show(actor=actor, visit=visit, at=at)
        _set(actor, attendance, AttendanceStatus.MISSED, at)
    return attendance


def book_makeup(
    *,
    actor: Actor,
    attendance: Attendance,
    starts_at: datetime | None,
    clinician_id: int | None,
    at: datetime,
) -> Visit:
    """An individual well-child visit to make up a missed session, linked to the attendance."""
    _require(actor, attendance.practice_id)
    if attendance.status != AttendanceStatus.MISSED:
        raise ValidationError({"starts_at": [_("Only a missed session is made up.")]})
    if attendance.makeup_visit_id is not None:
        raise ValidationError({"starts_at": [_("A make-up visit is already booked.")]})
    if starts_at is None:
        raise ValidationError({"starts_at": [_("Give the make-up visit's day and time.")]})
    with transaction.atomic():
        visit = booking.book_visit(
            actor=actor,
            child=attendance.child,
            site=attendance.session.cohort.site,
            clinician_id=clinician_id,
            starts_at=starts_at,
            kind=VisitKind.WELL_CHILD,
            modality=Modality.IN_PERSON,
            duration_minutes=20,
            at=at,
        )
        _set(actor, attendance, AttendanceStatus.MISSED, at, makeup_visit=visit)
    return visit
