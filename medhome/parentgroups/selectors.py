"""Reads of parent groups, always through the practice scope with `parentgroups.run` — never
chart.read: parent partners run groups without opening a chart. Another practice's group,
meeting or sign-up is a 404. What a caregiver row shows here is the family's own words (name,
language, how they like to be reached), never a child.

The family page's reads (`open_groups_for`, `family_group`) are scoped by the link's practice and
never return who else signed up: only counts of places left.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from medhome.accounts.roles import ROLE_CAPABILITIES, Capability
from medhome.core.actor import Actor
from medhome.families.models import Caregiver
from medhome.portal.models import FamilyLink
from medhome.practices.models import Membership
from medhome.practices.scoping import scoped

from .models import Meeting, MeetingAttendance, ParentGroup, SignUp

RUN = Capability.PARENT_GROUPS_RUN
SEARCH_LIMIT = 20
# How many meetings to come a family sees per group.
FAMILY_MEETINGS = 3


def _get(rows: QuerySet, pk: UUID | str) -> Any:
    try:
        found = rows.filter(pk=pk).first()
    except (ValidationError, ValueError) as malformed:
        raise Http404 from malformed
    if found is None:
        raise Http404
    return found


def leaders(actor: Actor) -> QuerySet:
    """Colleagues of the practice whose role runs parent groups (a parent partner typically)."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if RUN in caps]
    members = Membership.objects.active().filter(practice=actor.practice, role__in=roles)
    return (
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"))
        .order_by("first_name", "last_name", "pk")
    )


def _live_count(group_ref: str = "pk") -> Coalesce:
    return Coalesce(
        Subquery(
            SignUp.objects.filter(group=OuterRef(group_ref), withdrawn_at__isnull=True)
            .order_by()
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _next_meeting(at: datetime) -> Subquery:
    return Subquery(
        Meeting.objects.filter(group=OuterRef("pk"), cancelled=False, starts_at__gte=at)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


def groups(actor: Actor, *, at: datetime) -> list[ParentGroup]:
    """The practice's groups, running first, each with `signed_up` (live sign-ups) and
    `next_meeting_at`: one query."""
    return list(
        scoped(actor, ParentGroup, need=RUN)
        .select_related("leader")
        .annotate(signed_up=_live_count(), next_meeting_at=_next_meeting(at))
        .order_by("-is_active", "name", "pk")
    )


def access_group(actor: Actor, group_id: UUID | str) -> ParentGroup:
    return _get(scoped(actor, ParentGroup, need=RUN).select_related("leader"), group_id)


def access_meeting(actor: Actor, meeting_id: UUID | str) -> Meeting:
    return _get(scoped(actor, Meeting, need=RUN).select_related("group"), meeting_id)


def access_sign_up(actor: Actor, sign_up_id: UUID | str) -> SignUp:
    return _get(scoped(actor, SignUp, need=RUN).select_related("group", "caregiver"), sign_up_id)


def access_caregiver(actor: Actor, caregiver_id: UUID | str) -> Caregiver:
    return _get(scoped(actor, Caregiver, need=RUN).select_related("family"), caregiver_id)


@dataclass
class GroupPage:
    group: ParentGroup
    meetings: list[Meeting]
    sign_ups: list[SignUp]
    withdrawn: int = 0
    caregivers: list[Caregiver] = field(default_factory=list)


def group_page(actor: Actor, group: ParentGroup) -> GroupPage:
    """A group's meetings (each with `came` and `marked`) and its live sign-ups with their
    caregivers: three queries whatever the group's size."""
    meetings: list[Meeting] = list(
        scoped(actor, Meeting, need=RUN)
        .filter(group=group)
        .annotate(
            came=Count("attendance", filter=Q(attendance__attended=True)),
            marked=Count("attendance"),
        )
        .order_by("-starts_at")
    )
    rows = list(
        scoped(actor, SignUp, need=RUN)
        .filter(group=group)
        .select_related("caregiver", "signed_up_by")
        .order_by("caregiver__family_name", "caregiver__given_name", "signed_up_at")
    )
    live = [row for row in rows if row.withdrawn_at is None]
    return GroupPage(
        group=group,
        meetings=meetings,
        sign_ups=live,
        withdrawn=len(rows) - len(live),
        caregivers=[row.caregiver for row in live],
    )


@dataclass(frozen=True)
class SheetRow:
    caregiver: Caregiver
    attended: bool | None  # None: not marked yet
    withdrawn: bool


def attendance_sheet(actor: Actor, meeting: Meeting) -> list[SheetRow]:
    """Everyone who may be marked for the meeting — signed up at its start or since — with
    their mark so far. Two queries."""
    sign_ups = list(
        scoped(actor, SignUp, need=RUN)
        .filter(group_id=meeting.group_id)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=meeting.starts_at))
        .select_related("caregiver")
        .order_by("caregiver__family_name", "caregiver__given_name", "-signed_up_at")
    )
    marks = dict(
        scoped(actor, MeetingAttendance, need=RUN)
        .filter(meeting=meeting)
        .values_list("caregiver_id", "attended")
    )
    seen: set[UUID] = set()
    rows = []
    for row in sign_ups:
        if row.caregiver_id in seen:
            continue
        seen.add(row.caregiver_id)
        rows.append(
            SheetRow(
                caregiver=row.caregiver,
                attended=marks.get(row.caregiver_id),
                withdrawn=row.withdrawn_at is not None,
            )
        )
    return rows


def find_caregivers(actor: Actor, query: str, *, limit: int = SEARCH_LIMIT) -> list[Caregiver]:
    """Caregivers of the practice whose first or last name starts with a word of the query."""
    words = (query or "").split()[:3]
    if not words or len(" ".join(words)) < 2:
        return []
    condition = Q()
    for word in words:
        condition &= Q(given_name__istartswith=word) | Q(family_name__istartswith=word)
    return list(
        scoped(actor, Caregiver, need=RUN)
        .filter(condition)
        .order_by("family_name", "given_name", "pk")[:limit]
    )


# --- The family's page ----------------------------------------------------------------------


def _family_groups(link: FamilyLink) -> QuerySet[ParentGroup]:
    return ParentGroup.objects.filter(practice_id=link.practice_id, is_active=True)


def family_group(link: FamilyLink, group_id: UUID | str) -> ParentGroup | None:
    """A running group of the link's practice (open or not: the service says why not)."""
    try:
        return _family_groups(link).filter(pk=group_id).first()
    except (ValidationError, ValueError):
        return None


def open_groups_for(link: FamilyLink, *, at: datetime) -> list[ParentGroup]:
    """The practice's running groups that are open for sign-up or that this caregiver is in,
    each with `signed_up` (a count), `mine` (this caregiver holds a place) and `upcoming` (the
    next meetings, not cancelled). Two queries; no other family is named."""
    mine = SignUp.objects.filter(
        group=OuterRef("pk"), caregiver_id=link.caregiver_id, withdrawn_at__isnull=True
    )
    upcoming = Prefetch(
        "meetings",
        queryset=Meeting.objects.filter(cancelled=False, starts_at__gte=at).order_by("starts_at"),
        to_attr="upcoming_all",
    )
    rows: list[Any] = list(
        _family_groups(link)
        .annotate(signed_up=_live_count(), mine=Exists(mine))
        .filter(Q(open_for_sign_up=True) | Q(mine=True))
        .prefetch_related(upcoming)
        .order_by("name", "pk")
    )
    for group in rows:
        group.upcoming = group.upcoming_all[:FAMILY_MEETINGS]
        group.places_left = max(group.capacity - group.signed_up, 0)
    return rows
