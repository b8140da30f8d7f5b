"""Opening, ending and reviewing break-glass grants: each one transaction, audited in it.

A grant lifts, for one child of the person's own practice, the capabilities of
accounts.roles.BREAK_GLASS_LIFTS their role lacks, read only, until it expires or they end it
(docs/architecture.md#break-glass). Opening one tells the practice admin at once: a task for the
role in the one room for tasks, closed when the grant is reviewed.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from medhome.accounts.roles import BREAK_GLASS_LIFTS, Capability, Role, capabilities_of
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.calendar import add_business_days, calendar_of
from medhome.practices.models import Practice
from medhome.tasks import services as tasks
from medhome.tasks.kinds import TaskKind

from .models import REASON_MAX_LENGTH, REVIEW_NOTE_MAX_LENGTH, BreakGlassGrant, ReasonCategory

GRANT_OBJECT = "break_glass_grant"
TASK_SOURCE = "break_glass"


def minutes() -> int:
    return int(settings.MEDHOME_BREAK_GLASS["minutes"])


def reason_min_length() -> int:
    return int(settings.MEDHOME_BREAK_GLASS["reason_min_length"])


def lifted_for(role: str) -> frozenset[str]:
    """What a grant opens for this role: what it may lift and the role lacks."""
    return BREAK_GLASS_LIFTS - capabilities_of(role)


def active_grant(
    *, practice: Practice, user: Any, child_id: Any, at: datetime
) -> BreakGlassGrant | None:
    return (
        BreakGlassGrant.objects.filter(
            practice=practice,
            user=user,
            child_id=child_id,
            ended_at__isnull=True,
            started_at__lte=at,
            expires_at__gt=at,
        )
        .order_by("-expires_at")
        .first()
    )


def _check_reason(category: str, text: str) -> str:
    text = (text or "").strip()
    errors = {}
    if category not in ReasonCategory.values:
        errors["reason_category"] = _("Choose why you need access to this child now.")
    shortest = reason_min_length()
    if len(text) < shortest:
        errors["reason_text"] = _(
            "Say in at least %(count)d characters why you need this child's record now."
        ) % {"count": shortest}
    elif len(text) > REASON_MAX_LENGTH:
        errors["reason_text"] = _("Keep the reason under %(count)d characters.") % {
            "count": REASON_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    return text


def open_grant(
    *, actor: Actor, child: Child, reason_category: str, reason_text: str, at: datetime
) -> BreakGlassGrant:
    """A grant for `child`, from now for the configured minutes; refused, with nothing saved,
    without a reason, across practices, or when the role has nothing to lift."""
    if not actor.can(Capability.BREAK_GLASS):
        raise PermissionDenied
    if actor.practice is None or child.practice_id != actor.practice.pk:
        raise PermissionDenied  # tenancy is absolute: break-glass never crosses practices
    if not lifted_for(actor.role):
        raise ValidationError(_("Your role already opens everything emergency access can open."))
    text = _check_reason(reason_category, reason_text)
    with transaction.atomic():
        current = active_grant(practice=actor.practice, user=actor.user, child_id=child.pk, at=at)
        if current is not None:
            raise ValidationError(
                _("You already have emergency access to this child until %(time)s.")
                % {"time": time_format(localtime(current.expires_at))}
            )
        grant = BreakGlassGrant.objects.create(
            practice=actor.practice,
            user=actor.user,
            child=child,
            role=actor.role,
            reason_category=reason_category,
            reason_text=text,
            started_at=at,
            expires_at=at + timedelta(minutes=minutes()),
        )
        # The reason's words stay on the grant: the audit trail and the task carry none.
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=GRANT_OBJECT,
            object_id=grant.pk,
            at=at,
            detail={
                "child": str(child.pk),
                "break_glass": str(grant.pk),
                "reason_category": reason_category,
                "minutes": minutes(),
                "lifted": sorted(lifted_for(actor.role)),
            },
        )
        tasks.open_task(
            practice=actor.practice,
            child=child,
            kind=TaskKind.BREAK_GLASS_REVIEW,
            due_at=add_business_days(at, 1, calendar=calendar_of(actor.practice)),
            source_type=TASK_SOURCE,
            source_id=grant.pk,
            dedupe_key=f"break_glass:{grant.pk}",
            at=at,
            details={"user": actor.user.get_full_name() or str(actor.user)},
            assignee_role=Role.PRACTICE_ADMIN,
        )
    return grant


def end_grant(*, actor: Actor, child: Child, at: datetime) -> BreakGlassGrant:
    """The person ends their own active grant for `child` before it expires."""
    with transaction.atomic():
        grant = active_grant(practice=actor.practice, user=actor.user, child_id=child.pk, at=at)
        if grant is None:
            raise ValidationError(_("You have no emergency access to this child to end."))
        grant.ended_at = at
        grant.save(update_fields=["ended_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=GRANT_OBJECT,
            object_id=grant.pk,
            at=at,
            detail={"child": str(child.pk), "ended_early": True},
        )
    return grant


def review_grant(
    *, actor: Actor, grant: BreakGlassGrant, note: str, at: datetime
) -> BreakGlassGrant:
    """The practice admin marks a grant reviewed with a note; the admin's task is closed."""
    if not actor.can(Capability.BREAK_GLASS_REVIEW) or grant.practice_id != actor.practice_id:
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what you found, even a few words.")})
    if len(note) > REVIEW_NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("Keep the note under %(count)d characters.")
                % {"count": REVIEW_NOTE_MAX_LENGTH}
            }
        )
    if grant.user_id == getattr(actor.user, "pk", None):
        raise ValidationError(_("Someone else must review your own emergency access."))
    with transaction.atomic():
        grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.reviewed_at is not None:
            raise ValidationError(_("This emergency access was already reviewed."))
        grant.reviewed_at, grant.reviewed_by, grant.review_note = at, actor.user, note
        grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=GRANT_OBJECT,
            object_id=grant.pk,
            at=at,
            detail={"child": str(grant.child_id), "reviewed": True},
        )
        # The review is the task's work: once written, the admin's task has nothing left to do.
        tasks.cancel_tasks_for(
            TASK_SOURCE, grant.pk, TaskKind.BREAK_GLASS_REVIEW, at=at, actor=actor
        )
    return grant
