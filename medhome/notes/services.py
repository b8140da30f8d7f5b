"""Every write to team notes: add a note (its mentions become tasks) and retract one.

A note's words never leave the note: not into the audit trail (field names only), the mention's
task (the author's name only: tasks.kinds builds the sentence), a log line or a URL.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.tasks import services as tasks
from medhome.tasks.kinds import TaskKind

from . import selectors
from .handles import handles_in, resolve
from .models import BODY_MAX_LENGTH, REASON_MAX_LENGTH, NoteMention, TeamNote

NOTE_OBJECT = "team_note"


def _check_writer(actor: Actor, practice_id: object) -> None:
    if not actor.can(Capability.NOTE_WRITE) or actor.practice_id != practice_id:
        raise PermissionDenied(_("You cannot write team notes in this practice."))


def _mention_error(unknown: list[str], ambiguous: list[str]) -> ValidationError:
    messages = []
    if unknown:
        messages.append(
            _(
                "No colleague in this practice can be mentioned as %(handles)s. Check the "
                "handles listed beside the note; nothing was saved."
            )
            % {"handles": ", ".join(f"@{h}" for h in unknown)}
        )
    if ambiguous:
        messages.append(
            _(
                "More than one colleague answers to %(handles)s. Write the handle of the one "
                "you mean; nothing was saved."
            )
            % {"handles": "; ".join(ambiguous)}
        )
    return ValidationError(messages)


def validate_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the note before saving it."))
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            _("A note is at most %(limit)s characters; this one has %(count)s.")
            % {"limit": BODY_MAX_LENGTH, "count": len(body)}
        )
    return body


@transaction.atomic
def add_note(*, actor: Actor, child: Child, body: str, at: datetime) -> TeamNote:
    """Write a note on the child's chart; each colleague it mentions gets a task (not the
    author, who needs no reminder of their own words). An unknown handle saves nothing."""
    _check_writer(actor, child.practice_id)
    body = validate_body(body)
    everyone = selectors.colleagues(child.practice)
    resolution = resolve(handles_in(body), everyone)
    if resolution.unknown or resolution.ambiguous:
        raise _mention_error(resolution.unknown, resolution.ambiguous)
    note = TeamNote.objects.create(
        practice=child.practice, child=child, author=actor.user, body=body, created_at=at
    )
    NoteMention.objects.bulk_create(
        NoteMention(practice=child.practice, note=note, user=user) for user in resolution.users
    )
    roles = {c.user.pk: c.role for c in everyone}
    for user in resolution.users:
        if user.pk == actor.user.pk:
            continue
        tasks.open_task(
            practice=child.practice,
            child=child,
            kind=TaskKind.MENTION,
            due_at=at,
            source_type=NOTE_OBJECT,
            source_id=note.pk,
            dedupe_key=f"mention:{note.pk}:{user.pk}",
            at=at,
            details={"author": str(actor.user)},
            assignee=user,
            assignee_role=roles[user.pk],
        )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=NOTE_OBJECT,
        object_id=note.pk,
        at=at,
        detail={"fields": ["body"], "child": str(child.pk), "mentions": len(resolution.users)},
    )
    return note


@transaction.atomic
def retract_note(*, actor: Actor, note: TeamNote, reason: str, at: datetime) -> TeamNote:
    """The author marks their own note entered in error, with a reason; it stays on the chart,
    struck through, and the tasks its mentions opened are cancelled (if still open)."""
    _check_writer(actor, note.practice_id)
    current = TeamNote.objects.select_for_update().get(pk=note.pk)
    if current.author_id != getattr(actor.user, "pk", None):
        raise PermissionDenied(_("Only the note's author can mark it entered in error."))
    if current.is_retracted:
        raise ValidationError(_("This note is already marked entered in error."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the note was entered in error."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason is at most %(limit)s characters.") % {"limit": REASON_MAX_LENGTH}
        )
    current.retracted_at = at
    current.retracted_by = actor.user
    current.retraction_reason = reason
    current.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    tasks.cancel_tasks_for(NOTE_OBJECT, current.pk, TaskKind.MENTION, at=at, actor=actor)
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=NOTE_OBJECT,
        object_id=current.pk,
        at=at,
        detail={"fields": ["retracted_at", "retracted_by", "retraction_reason"]},
    )
    return current


def record_notes_read(*, actor: Actor, child: Child, shown: int, at: datetime) -> None:
    """The notes page (all of a child's notes) is a read of the child's record, audited as the
    chart is: on the child, naming the section and how many notes it showed."""
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="child",
        object_id=child.pk,
        at=at,
        detail={"section": "notes", "shown": shown},
    )
