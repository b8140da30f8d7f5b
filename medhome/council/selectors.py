"""Reads of the family advisory council. A council is its hosting practice's; a network-wide
council's recommendations (never its members, meetings or payments) are read by the network's
other practices too, read-only. Everything else answers 404 outside the hosting practice."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.core.languages import base_language
from medhome.families.models import Caregiver
from medhome.practices.models import Practice
from medhome.practices.scoping import get_scoped, scoped

from .models import (
    Compensation,
    Council,
    Meeting,
    MeetingAttendance,
    Member,
    Recommendation,
    RecommendationChange,
    RecommendationText,
)

MANAGE = Capability.COUNCIL_MANAGE
# The pages' own words exist in English and Spanish, so the texts are always offered in both.
ALWAYS_LANGUAGES = ("en", "es")


def _get(actor: Actor, model: Any, pk: UUID | str, **extra: Any) -> Any:
    try:
        return get_scoped(actor, model, need=MANAGE, pk=pk, **extra)
    except ValidationError as malformed:
        raise Http404 from malformed


def councils(actor: Actor) -> QuerySet[Council]:
    """The practice's own councils, with their counts (one query)."""
    return scoped(actor, Council, need=MANAGE).annotate(
        current_members=Count(
            "members", filter=Q(members__withdrawn_on__isnull=True), distinct=True
        ),
        meeting_count=Count("meetings", distinct=True),
    )


def network_councils(actor: Actor) -> QuerySet[Council]:
    """Network-wide councils hosted by the network's other practices: their recommendations
    reach this practice too."""
    network_id = getattr(actor.practice, "network_id", None)
    if not actor.can(MANAGE) or network_id is None:
        return Council.objects.none()
    return (
        Council.objects.filter(network_wide=True, practice__network_id=network_id)
        .exclude(practice=actor.practice)
        .select_related("practice")
    )


def access_council(actor: Actor, council_id: UUID | str) -> Council:
    """A council the actor's practice hosts (to change it)."""
    return _get(actor, Council, council_id)


def read_council(actor: Actor, council_id: UUID | str) -> Council:
    """A council the actor may read: its practice's own, or a network-wide one of the network."""
    try:
        return access_council(actor, council_id)
    except Http404:
        try:
            return network_councils(actor).get(pk=council_id)
        except (Council.DoesNotExist, ValidationError) as missing:
            raise Http404 from missing


def access_member(actor: Actor, member_id: UUID | str) -> Member:
    member = _get(actor, Member, member_id)
    return member


def access_meeting(actor: Actor, meeting_id: UUID | str) -> Meeting:
    return _get(actor, Meeting, meeting_id)


def access_recommendation(actor: Actor, recommendation_id: UUID | str) -> Recommendation:
    try:
        return (
            scoped(actor, Recommendation, need=MANAGE)
            .select_related("council", "meeting")
            .get(pk=recommendation_id)
        )
    except (Recommendation.DoesNotExist, ValidationError) as missing:
        raise Http404 from missing


def current_members(council: Council) -> QuerySet[Member]:
    return council.members.current().select_related("caregiver").order_by("name", "pk")


def former_member_count(council: Council) -> int:
    return council.members.filter(withdrawn_on__isnull=False).count()


def meetings_of(council: Council) -> QuerySet[Meeting]:
    return council.meetings.annotate(
        attended=Count("attendance", distinct=True),
        paid=Sum("attendance__compensation__amount"),
    ).order_by("-held_on", "pk")


def recommendations_of(council: Council) -> QuerySet[Recommendation]:
    return council.recommendations.prefetch_related("texts").order_by("-raised_on", "pk")


@dataclass(frozen=True)
class YearTotal:
    year: int
    members: list[tuple[Member, Decimal, int]]  # member, total paid, meetings paid for
    total: Decimal


def compensation_totals(council: Council) -> list[YearTotal]:
    """Compensation per member and per calendar year paid (one query), newest year first; a
    former member's payments stay in the totals under "a former member"."""
    rows = list(
        Compensation.objects.filter(
            practice_id=council.practice_id, attendance__meeting__council=council
        )
        .annotate(year=ExtractYear("paid_on"))
        .values("year", "attendance__member")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("-year", "attendance__member")
    )
    members = Member.objects.in_bulk({row["attendance__member"] for row in rows})
    years: dict[int, list[tuple[Member, Decimal, int]]] = defaultdict(list)
    for row in rows:
        years[row["year"]].append((members[row["attendance__member"]], row["total"], row["count"]))
    return [
        YearTotal(
            year=year,
            members=sorted(entries, key=lambda e: (e[0].has_withdrawn, e[0].shown_name)),
            total=sum((e[1] for e in entries), Decimal(0)),
        )
        for year, entries in sorted(years.items(), reverse=True)
    ]


def meeting_attendance(meeting: Meeting) -> QuerySet[MeetingAttendance]:
    return meeting.attendance.select_related("member", "compensation")


def history_of(recommendation: Recommendation) -> QuerySet[RecommendationChange]:
    return recommendation.changes.select_related("by").order_by("-at", "-pk")


def raised_by_of(recommendation: Recommendation) -> list[Member]:
    return list(recommendation.raised_by.order_by("pk"))


def text_languages(practice: Practice, *, network_wide: bool = False) -> list[str]:
    """English, Spanish and every language the practice's families speak (the network's, for a
    network-wide council): a text box for each (one query)."""
    caregivers = Caregiver.objects.all()
    if network_wide and practice.network_id is not None:
        caregivers = caregivers.filter(practice__network_id=practice.network_id)
    else:
        caregivers = caregivers.filter(practice=practice)
    spoken = {
        base_language(tag)
        for tag in caregivers.values_list("preferred_language", flat=True).distinct()
    }
    return [*ALWAYS_LANGUAGES, *sorted(spoken - {"", *ALWAYS_LANGUAGES})]


def access_caregiver(actor: Actor, caregiver_id: UUID | str) -> Caregiver:
    """A caregiver of the practice a new member is linked to (by id, from a link that names
    them; the council's pages never list the practice's families)."""
    return _get(actor, Caregiver, caregiver_id)


# --- the public "you said, we did" page ------------------------------------------------------


def public_practice(practice_id: UUID | str) -> Practice:
    try:
        return Practice.objects.select_related("network").get(pk=practice_id)
    except (Practice.DoesNotExist, ValidationError, ValueError) as missing:
        raise Http404 from missing


def published_recommendations(practice: Practice) -> list[Recommendation]:
    """What the practice's councils and the network-wide councils of its network heard, and the
    answers (two queries: the recommendations with their council, and their texts). Members are
    never read."""
    reach = Q(council__practice=practice)
    if practice.network_id is not None:
        reach |= Q(council__network_wide=True, council__practice__network_id=practice.network_id)
    return list(
        Recommendation.objects.filter(reach)
        .select_related("council", "council__practice")
        .prefetch_related(
            Prefetch("texts", queryset=RecommendationText.objects.order_by("language"))
        )
        .order_by("-raised_on", "pk")
    )


def text_in(
    recommendation: Recommendation, language: str
) -> tuple[RecommendationText | None, bool]:
    """The text in the page's language, else the English one: (text, fell back)."""
    texts = {t.language: t for t in recommendation.texts.all()}
    if language in texts:
        return texts[language], False
    return texts.get("en"), True
