"""Reads of screening, always through the tenancy scope.

Who sees what (docs/clinical-rules.md#who-sees-results and
docs/clinical-rules.md#adolescent-confidentiality): results need screening.results; item answers
need screening.detail; an adolescent's own confidential screens show to others only as
"confidential". Critical alerts show to everyone who can open the chart, their detail only to
those who may see the result (alert_display.present_alert).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.instruments import registry
from medhome.instruments.definitions import Instrument
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from medhome.practices.models import Membership, MembershipQuerySet
from medhome.practices.scoping import get_scoped, scoped

from .models import Administration, CriticalAlert, Status


def access_administration(
    actor: Actor, administration_id: UUID, *, need: str = Capability.SCREENING_RESULTS
) -> Administration:
    rows = scoped(actor, Administration, need=need).select_related("child", "caregiver", "link")
    try:
        administration = rows.get(pk=administration_id)
    except (Administration.DoesNotExist, ValueError) as missing:
        raise Http404 from missing
    if administration.confidential and not actor.can(Capability.SCREENING_DETAIL):
        raise Http404
    return administration


def may_see_result(actor: Actor, administration: Administration) -> bool:
    """Results need screening.results; an adolescent's own confidential screen also needs the
    clinical team's item-level right (docs/clinical-rules.md#adolescent-confidentiality)."""
    if not actor.can(Capability.SCREENING_RESULTS):
        return False
    return not administration.confidential or actor.can(Capability.SCREENING_DETAIL)


def access_alert(actor: Actor, alert_id: UUID) -> CriticalAlert:
    return get_scoped(actor, CriticalAlert, need=Capability.CHART_READ, pk=alert_id)


def open_alerts(actor: Actor) -> QuerySet[CriticalAlert]:
    return (
        scoped(actor, CriticalAlert, need=Capability.CHART_READ)
        .filter(acknowledged_at__isnull=True)
        .select_related("child", "administration", "escalated_to")
        .order_by("raised_at")
    )


def recent_acknowledged(actor: Actor, limit: int = 20) -> QuerySet[CriticalAlert]:
    return (
        scoped(actor, CriticalAlert, need=Capability.CHART_READ)
        .filter(acknowledged_at__isnull=False)
        .select_related("child", "acknowledged_by", "administration")
        .order_by("-acknowledged_at")[:limit]
    )


def alerts_of_child(actor: Actor, child: Child) -> list[CriticalAlert]:
    return list(
        scoped(actor, CriticalAlert, need=Capability.CHART_READ)
        .filter(child=child, acknowledged_at__isnull=True)
        .select_related("administration")
        .order_by("raised_at")
    )


def links_of(actor: Actor, child: Child, limit: int = 10) -> list[FamilyLink]:
    return links.links_of(actor, child, purpose=Purpose.SCREENING, limit=limit)


@dataclass
class History:
    instrument: Instrument
    results: list[Administration] = field(default_factory=list)

    @property
    def latest(self) -> Administration:
        return self.results[0]

    @property
    def points(self) -> list[tuple[date, int]]:
        """Scored totals oldest first, for the score-over-time line."""
        return [
            (result.administered_on, result.total)
            for result in reversed(self.results)
            if result.status == Status.SCORED
            and result.total is not None
            and result.administered_on
        ]


def history_of(actor: Actor, child: Child) -> tuple[list[History], int]:
    """Submitted screenings grouped by instrument, newest first; and how many are hidden as
    confidential from this actor."""
    submitted = (
        scoped(actor, Administration, need=Capability.SCREENING_RESULTS)
        .filter(child=child)
        .exclude(status=Status.IN_PROGRESS)
        .order_by("-submitted_at")
    )
    by_key: dict[str, History] = {}
    hidden = 0
    may_see_confidential = actor.can(Capability.SCREENING_DETAIL)
    for administration in submitted:
        if administration.confidential and not may_see_confidential:
            hidden += 1
            continue
        key = administration.instrument_key
        if key not in by_key:
            by_key[key] = History(registry.get(key))
        by_key[key].results.append(administration)
    return list(by_key.values()), hidden


def in_progress_of(actor: Actor, child: Child) -> list[Administration]:
    return list(
        scoped(actor, Administration, need=Capability.SCREENING_SEND)
        .filter(child=child, status=Status.IN_PROGRESS)
        .order_by("-updated_at")
    )


def group_by_child(alerts: list[CriticalAlert]) -> dict[object, list[CriticalAlert]]:
    grouped: dict[object, list[CriticalAlert]] = defaultdict(list)
    for alert in alerts:
        grouped[alert.child_id].append(alert)
    return grouped


def alert_clinicians(actor: Actor) -> MembershipQuerySet:
    """The active members of the actor's practice whose role could acknowledge alerts (the
    choices for the on-call clinician)."""
    from .alerts import ELIGIBLE_ROLES

    if not actor.can(Capability.USERS_MANAGE):
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(practice=actor.practice, role__in=ELIGIBLE_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
