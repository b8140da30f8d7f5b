"""Every write of parent groups: a group made or changed, a meeting added or cancelled, a
caregiver signed up or withdrawn (by staff or from the family's link), attendance taken, and the
family's groups link sent. Each one transaction, audited in it; a refusal is a ValidationError
with a code and a sentence in the language active at the call (the family page's own), and
nothing is saved.

Rules (decision 0014): a group holds at most `capacity` live sign-ups; one live sign-up per
caregiver and group (also a database constraint); families sign up only to a running group
open for sign-up, staff to any running group (they may seat someone the group closed its doors
to); attendance is taken once a meeting has begun, for caregivers signed up at its start or
since (a walk-in is signed up first), never for a cancelled meeting.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core.actor import Actor
from medhome.core.languages import normalize_language
from medhome.families.models import Caregiver
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose

from . import selectors
from .models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_TOPICS,
    NAME_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
    GroupKind,
    Meeting,
    MeetingAttendance,
    ParentGroup,
    SignUp,
    SignUpHow,
)

GROUP_OBJECT = "parentgroups.group"
MEETING_OBJECT = "parentgroups.meeting"
SIGN_UP_OBJECT = "parentgroups.signup"
ATTENDANCE_OBJECT = "parentgroups.attendance"
# A meeting longer than a working day is a typing mistake.
MAX_MEETING_MINUTES = 480
GROUP_FIELDS = (
    "kind",
    "other_kind",
    "name",
    "languages",
    "description",
    "leader",
    "place",
    "video_link",
    "capacity",
    "open_for_sign_up",
    "is_active",
)


def _require(actor: Actor) -> None:
    if not actor.can(Capability.PARENT_GROUPS_RUN):
        raise PermissionDenied


def _same_practice(actor: Actor, *rows: Any) -> None:
    if any(row.practice_id != actor.practice_id for row in rows):
        raise Http404


# --- Groups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupValues:
    kind: str
    name: str
    languages: list[str]
    leader: Any
    capacity: int
    other_kind: str = ""
    description: str = ""
    place: str = ""
    video_link: str = ""
    open_for_sign_up: bool = True
    is_active: bool = True


def _clean_group(actor: Actor, values: GroupValues) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = (values.name or "").strip()
    other_kind = (values.other_kind or "").strip() if values.kind == GroupKind.OTHER else ""
    if values.kind not in GroupKind.values:
        errors["kind"] = _("Choose the kind of group.")
    elif values.kind == GroupKind.OTHER and not other_kind:
        errors["other_kind"] = _("Name the kind of group.")
    if not name:
        errors["name"] = _("Give the group a name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("Keep the name under %(n)s characters.") % {"n": NAME_MAX_LENGTH}
    if len(values.description or "") > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Keep the description under %(n)s characters.") % {
            "n": DESCRIPTION_MAX_LENGTH
        }
    languages: list[str] = []
    try:
        for tag in values.languages:
            code = normalize_language(tag)
            if code not in languages:
                languages.append(code)
    except ValidationError as unknown:
        errors["languages"] = " ".join(unknown.messages)
    if not languages and "languages" not in errors:
        errors["languages"] = _("Choose the language the group is held in.")
    leader = values.leader
    if leader is None or leader.pk not in {u.pk for u in selectors.leaders(actor)}:
        errors["leader"] = _("Choose a colleague of this practice who runs parent groups.")
    if values.capacity is None or values.capacity < 1:
        errors["capacity"] = _("A group needs at least one place.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": values.kind,
        "other_kind": other_kind,
        "name": name,
        "languages": languages,
        "description": (values.description or "").strip(),
        "leader": leader,
        "place": (values.place or "").strip(),
        "video_link": (values.video_link or "").strip(),
        "capacity": values.capacity,
        "open_for_sign_up": values.open_for_sign_up,
        "is_active": values.is_active,
    }


def create_group(*, actor: Actor, values: GroupValues, at: datetime) -> ParentGroup:
    _require(actor)
    cleaned = _clean_group(actor, values)
    with transaction.atomic():
        group = ParentGroup.objects.create(practice=actor.practice, created_at=at, **cleaned)
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=GROUP_OBJECT,
            object_id=group.pk,
            at=at,
            detail={"kind": group.kind},
        )
    return group


def update_group(
    *, actor: Actor, group: ParentGroup, values: GroupValues, at: datetime
) -> ParentGroup:
    _require(actor)
    _same_practice(actor, group)
    cleaned = _clean_group(actor, values)
    with transaction.atomic():
        locked = ParentGroup.objects.select_for_update().get(pk=group.pk)
        signed_up = SignUp.objects.filter(group=locked, withdrawn_at__isnull=True).count()
        if cleaned["capacity"] < signed_up:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(n)s caregivers are signed up: keep at least that many places, or "
                        "withdraw someone first."
                    )
                    % {"n": signed_up}
                }
            )
        changed = [f for f in GROUP_FIELDS if getattr(locked, f) != cleaned[f]]
        for field in changed:
            setattr(locked, field, cleaned[field])
        if changed:
            locked.save(update_fields=changed)
            record(
                actor=actor,
                action=Action.UPDATE,
                object_type=GROUP_OBJECT,
                object_id=locked.pk,
                at=at,
                detail={"fields": changed},
            )
    return locked


# --- Meetings -------------------------------------------------------------------------------


def clean_topics(topics: Iterable[str]) -> list[str]:
    cleaned = []
    for topic in topics:
        word = " ".join((topic or "").split())
        if word and word not in cleaned:
            cleaned.append(word)
    if len(cleaned) > MAX_TOPICS:
        raise ValidationError(
            {"topics": _("At most %(n)s topics for one meeting.") % {"n": MAX_TOPICS}}
        )
    if any(len(word) > TOPIC_MAX_LENGTH for word in cleaned):
        raise ValidationError(
            {"topics": _("Keep each topic under %(n)s characters.") % {"n": TOPIC_MAX_LENGTH}}
        )
    return cleaned


def add_meeting(
    *,
    actor: Actor,
    group: ParentGroup,
    starts_at: datetime,
    duration_minutes: int,
    topics: Iterable[str],
    at: datetime,
) -> Meeting:
    """A meeting of a running group. A past one may be added: a group that met before it was
    in medhome still takes that meeting's attendance."""
    _require(actor)
    _same_practice(actor, group)
    if not group.is_active:
        raise ValidationError(_("This group has stopped: restart it before adding meetings."))
    if not 1 <= duration_minutes <= MAX_MEETING_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": _("A meeting lasts from 1 to %(n)s minutes.")
                % {"n": MAX_MEETING_MINUTES}
            }
        )
    words = clean_topics(topics)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            practice_id=group.practice_id,
            group=group,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            topics=words,
            created_at=at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=MEETING_OBJECT,
            object_id=meeting.pk,
            at=at,
            detail={"group": str(group.pk)},
        )
    return meeting


def cancel_meeting(*, actor: Actor, meeting: Meeting, at: datetime) -> None:
    """A meeting still to come is cancelled; one that has begun keeps its attendance."""
    _require(actor)
    _same_practice(actor, meeting)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.cancelled:
            return
        if locked.starts_at <= at:
            raise ValidationError(_("This meeting has already begun: it cannot be cancelled."))
        locked.cancelled = True
        locked.save(update_fields=["cancelled"])
        meeting.cancelled = True
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=MEETING_OBJECT,
            object_id=locked.pk,
            at=at,
            detail={"fields": ["cancelled"]},
        )


# --- Sign-ups -------------------------------------------------------------------------------


def _sign_up(
    *, actor: Actor, group: ParentGroup, caregiver: Caregiver, how: str, at: datetime
) -> SignUp:
    if caregiver.practice_id != group.practice_id:
        raise Http404
    try:
        with transaction.atomic():
            # The group's row lock orders concurrent sign-ups, so the last place goes once.
            locked = ParentGroup.objects.select_for_update().get(pk=group.pk)
            live = SignUp.objects.filter(group=locked, withdrawn_at__isnull=True)
            if not locked.is_active or (
                how == SignUpHow.FAMILY_LINK and not locked.open_for_sign_up
            ):
                raise ValidationError(
                    _("This group is not taking sign-ups right now."), code="group_closed"
                )
            if live.filter(caregiver=caregiver).exists():
                raise ValidationError(
                    _("You are already signed up for this group.")
                    if how == SignUpHow.FAMILY_LINK
                    else _("This caregiver is already signed up for this group."),
                    code="already_signed_up",
                )
            if live.count() >= locked.capacity:
                raise ValidationError(_("This group is full."), code="group_full")
            sign_up = SignUp.objects.create(
                practice_id=locked.practice_id,
                group=locked,
                caregiver=caregiver,
                how=how,
                signed_up_by=actor.user if how == SignUpHow.STAFF else None,
                signed_up_at=at,
            )
            record(
                actor=actor,
                action=Action.CREATE,
                object_type=SIGN_UP_OBJECT,
                object_id=sign_up.pk,
                at=at,
                detail={"group": str(locked.pk), "caregiver": str(caregiver.pk), "how": how},
            )
    except IntegrityError as twice:  # a second tab raced the first past the check
        raise ValidationError(
            _("You are already signed up for this group."), code="already_signed_up"
        ) from twice
    return sign_up


def sign_up(*, actor: Actor, group: ParentGroup, caregiver: Caregiver, at: datetime) -> SignUp:
    """Staff sign a caregiver up (at the front desk, after a call, at the group's door)."""
    _require(actor)
    _same_practice(actor, group, caregiver)
    return _sign_up(actor=actor, group=group, caregiver=caregiver, how=SignUpHow.STAFF, at=at)


def _withdraw(*, actor: Actor, sign_up: SignUp, at: datetime) -> None:
    with transaction.atomic():
        updated = SignUp.objects.filter(pk=sign_up.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=at
        )
        if not updated:
            raise ValidationError(_("This sign-up was already withdrawn."), code="not_signed_up")
        sign_up.withdrawn_at = at
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=SIGN_UP_OBJECT,
            object_id=sign_up.pk,
            at=at,
            detail={"fields": ["withdrawn_at"], "group": str(sign_up.group_id)},
        )


def withdraw(*, actor: Actor, sign_up: SignUp, at: datetime) -> None:
    _require(actor)
    _same_practice(actor, sign_up)
    _withdraw(actor=actor, sign_up=sign_up, at=at)


def _family_group(link: FamilyLink, group_id: UUID | str) -> ParentGroup:
    group = selectors.family_group(link, group_id)
    if group is None:
        raise Http404
    return group


def family_sign_up(
    *, link: FamilyLink, group_id: UUID | str, at: datetime, request_id: str = ""
) -> SignUp:
    """The caregiver the link is bound to signs themselves up, and nobody else."""
    group = _family_group(link, group_id)
    actor = links.family_actor(link, request_id)
    return _sign_up(
        actor=actor, group=group, caregiver=link.caregiver, how=SignUpHow.FAMILY_LINK, at=at
    )


def family_withdraw(
    *, link: FamilyLink, group_id: UUID | str, at: datetime, request_id: str = ""
) -> None:
    group = _family_group(link, group_id)
    live = SignUp.objects.filter(
        practice_id=link.practice_id,
        group=group,
        caregiver_id=link.caregiver_id,
        withdrawn_at__isnull=True,
    ).first()
    if live is None:
        raise ValidationError(_("You are not signed up for this group."), code="not_signed_up")
    _withdraw(actor=links.family_actor(link, request_id), sign_up=live, at=at)


# --- Attendance -----------------------------------------------------------------------------


def record_attendance(
    *, actor: Actor, meeting: Meeting, marks: Mapping[UUID, bool], at: datetime
) -> int:
    """Who came to a meeting, in one form: every mark saved or none. Returns how many rows."""
    _require(actor)
    _same_practice(actor, meeting)
    if meeting.cancelled:
        raise ValidationError(_("This meeting was cancelled: there is no attendance to take."))
    if meeting.starts_at > at:
        raise ValidationError(_("Attendance is taken once the meeting has begun."))
    if not marks:
        raise ValidationError(_("Mark who came, or who did not."))
    eligible = set(
        SignUp.objects.filter(group_id=meeting.group_id)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=meeting.starts_at))
        .values_list("caregiver_id", flat=True)
    )
    if set(marks) - eligible:
        raise ValidationError(
            _("Attendance is taken for people signed up for the group. Sign them up first.")
        )
    with transaction.atomic():
        existing = {
            row.caregiver_id: row
            for row in MeetingAttendance.objects.select_for_update().filter(
                meeting=meeting, caregiver_id__in=list(marks)
            )
        }
        changed = []
        for caregiver_id, attended in marks.items():
            row = existing.get(caregiver_id)
            if row is None:
                row = MeetingAttendance.objects.create(
                    practice_id=meeting.practice_id,
                    meeting=meeting,
                    caregiver_id=caregiver_id,
                    attended=attended,
                    recorded_by=actor.user,
                    recorded_at=at,
                )
            elif row.attended != attended:
                row.attended, row.recorded_by, row.recorded_at = attended, actor.user, at
                row.save(update_fields=["attended", "recorded_by", "recorded_at"])
            else:
                continue
            changed.append(row)
        record_many(
            actor=actor,
            entries=[
                Entry(
                    action=Action.UPDATE,
                    object_type=ATTENDANCE_OBJECT,
                    object_id=row.pk,
                    detail={
                        "meeting": str(meeting.pk),
                        "caregiver": str(row.caregiver_id),
                        "attended": row.attended,
                    },
                )
                for row in changed
            ],
            at=at,
        )
    return len(changed)


# --- The family's link ----------------------------------------------------------------------


def send_groups_link(*, actor: Actor, caregiver: Caregiver, at: datetime) -> tuple[FamilyLink, str]:
    """A parent-groups link for one caregiver, in their language. A family link belongs to a
    child of the family; the page shows nothing of that child, so the youngest one carries it."""
    _require(actor)
    _same_practice(actor, caregiver)
    child = caregiver.family.children.order_by("-date_of_birth", "pk").first()
    if child is None:
        raise ValidationError(
            _("This family has no child registered with the practice, so no link can be made.")
        )
    return links.issue_link(
        actor=actor,
        purpose=Purpose.PARENT_GROUPS,
        child=child,
        caregiver=caregiver,
        at=at,
        detail={"page": "parentgroups"},
    )


# --- Reads recorded -------------------------------------------------------------------------


CAREGIVER_OBJECT = "caregiver"  # families.services' own name for a caregiver in the trail


def record_listed(*, actor: Actor, caregivers: Iterable[Caregiver], page: str, at: datetime) -> int:
    """A staff page listed these caregivers: one audit row each, so "who saw this family" holds
    for parent groups too (the names are the family's record even without a chart)."""
    return record_many(
        actor=actor,
        entries=[
            Entry(
                action=Action.VIEW,
                object_type=CAREGIVER_OBJECT,
                object_id=caregiver.pk,
                detail={"page": page},
            )
            for caregiver in caregivers
        ],
        at=at,
    )
