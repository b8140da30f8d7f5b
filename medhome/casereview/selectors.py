"""Reads for the case review: the families needing attention, and one family's review page.

The list is set-based: each reason is a grouped query over the practice (reasons.py), the
families are merged and sorted in Python, and only the page shown loads its families, children
and last review — a constant number of queries whatever the practice's size.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Max, Prefetch, QuerySet

from medhome.accounts.roles import Capability, Role, capabilities_of
from medhome.core.actor import Actor
from medhome.events.models import CareEvent
from medhome.families.models import Child, Family
from medhome.families.selectors import access_family
from medhome.practices.models import Membership
from medhome.practices.scoping import scoped
from medhome.referrals.models import Referral
from medhome.staff.speakers import Cover
from medhome.tasks.models import TaskStatus
from medhome.tasks.selectors import tasks_of_child
from medhome.visits.models import Visit

from .languages import covers_of
from .models import CaseReview, Decision
from .reasons import (
    REASONS,
    Finding,
    Look,
    Rules,
    ed_visit_rows,
    missed_visit_rows,
    open_task_rows,
    rules,
    stuck_referrals,
)

# Planning the family's care is what a review does: the roles that edit the care plan (the
# clinical team, community health workers, family specialists) read and record it.
NEED = Capability.PLAN_EDIT
REVIEWS_SHOWN = 20


@dataclass
class Attention:
    """One family and why: reason key → its finding."""

    family_id: UUID
    findings: dict[str, Finding]

    @property
    def since(self) -> datetime:
        return min(finding.since for finding in self.findings.values())


@dataclass(frozen=True)
class Shown:
    """A reason as a page shows it, in the reader's language."""

    key: str
    label: str
    words: str
    since: datetime


def shown(findings: dict[str, Finding]) -> list[Shown]:
    """The reasons found, in REASONS' order."""
    return [
        Shown(
            reason.key,
            str(reason.label),
            reason.words(findings[reason.key]),
            findings[reason.key].since,
        )
        for reason in REASONS
        if reason.key in findings
    ]


@dataclass
class FamilyRow:
    family: Family
    children: list[Child]
    reasons: list[Shown]
    last_reviewed: date | None
    languages: list[Cover] = field(default_factory=list)  # languages.covers_of


def needing_attention(
    actor: Actor,
    *,
    now: datetime,
    reason: str | None = None,
    family_ids: frozenset[UUID] | None = None,
    using: Rules | None = None,
) -> list[Attention]:
    """The families of the actor's practice with at least one reason (only those with
    `reason` when given), most reasons first, then the oldest issue first."""
    if not actor.can(NEED):
        return []
    look = Look(actor=actor, now=now, rules=using or rules(), family_ids=family_ids)
    findings: dict[UUID, dict[str, Finding]] = defaultdict(dict)
    for each in REASONS:
        for family_id, finding in each.find(look).items():
            findings[family_id][each.key] = finding
    rows = [Attention(family_id, found) for family_id, found in findings.items()]
    if reason:
        rows = [row for row in rows if reason in row.findings]
    return sorted(rows, key=lambda row: (-len(row.findings), row.since, str(row.family_id)))


def rows_of(actor: Actor, attention: list[Attention]) -> list[FamilyRow]:
    """The families of one page with their children, last review and languages against the
    team's speakers, in five queries."""
    ids = [row.family_id for row in attention]
    children = Prefetch(
        "children",
        queryset=Child.objects.order_by("date_of_birth", "legal_given_name"),
        to_attr="listed_children",
    )
    families = {
        family.pk: family
        for family in scoped(actor, Family, need=NEED).filter(pk__in=ids).prefetch_related(children)
    }
    last = dict(
        scoped(actor, CaseReview, need=NEED)
        .filter(family_id__in=ids)
        .order_by()
        .values("family_id")
        .annotate(last=Max("held_on"))
        .values_list("family_id", "last")
    )
    languages = covers_of(actor, ids, need=NEED)
    return [
        FamilyRow(
            family=families[row.family_id],
            children=families[row.family_id].listed_children,
            reasons=shown(row.findings),
            last_reviewed=last.get(row.family_id),
            languages=languages.get(row.family_id, []),
        )
        for row in attention
        if row.family_id in families
    ]


def access_review_family(actor: Actor, family_id: UUID) -> Family:
    """The family, or 404 (another practice's, missing or malformed alike)."""
    return access_family(actor, family_id, need=NEED)


@dataclass
class FamilyPage:
    family: Family
    children: list[Child]
    reasons: list[Shown]
    open_tasks: list[Any]
    stuck_referrals: list[Referral]
    missed_visits: list[Visit]
    ed_visits: list[CareEvent]
    reviews: list[CaseReview]
    # task id → its status ("open", "done", "cancelled"); absent when the reader cannot see it.
    task_status: dict[str, str] = field(default_factory=dict)


def family_page(actor: Actor, family: Family, *, now: datetime) -> FamilyPage:
    """What the review looks at: the family's reasons and the items behind them, and its past
    reviews with whether each decision's task is done."""
    look = Look(actor=actor, now=now, rules=rules(), family_ids=frozenset({family.pk}))
    children = list(
        scoped(actor, Child, need=NEED)
        .filter(family=family)
        .order_by("date_of_birth", "legal_given_name")
    )
    [attention] = needing_attention(actor, now=now, family_ids=look.family_ids) or [
        Attention(family.pk, {})
    ]
    reviews = list(
        scoped(actor, CaseReview, need=NEED)
        .filter(family=family)
        .select_related("recorded_by", "program")
        .prefetch_related(
            "attendees",
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("assignee", "child").order_by("position"),
            ),
        )[:REVIEWS_SHOWN]
    )
    task_status: dict[str, str] = {}
    if reviews:
        for child in children:
            for task in tasks_of_child(actor, child):
                task_status[str(task.pk)] = task.status
    for review in reviews:
        for decision in review.decisions.all():
            status = task_status.get(str(decision.task_id))
            decision.task_status = TaskStatus(status).label if status else ""  # type: ignore[attr-defined]
            decision.is_done = status == TaskStatus.DONE  # type: ignore[attr-defined]
    return FamilyPage(
        family=family,
        children=children,
        reasons=shown(attention.findings),
        open_tasks=list(open_task_rows(look).order_by("due_at")),
        stuck_referrals=stuck_referrals(look),
        missed_visits=list(missed_visit_rows(look).select_related("child").order_by("-starts_at")),
        ed_visits=list(ed_visit_rows(look).select_related("child").order_by("-started_at")),
        reviews=reviews,
        task_status=task_status,
    )


def team_roles() -> list[str]:
    """The roles that open charts and read the task list: who may attend a review or be given
    a decision (a network analyst never sees a child)."""
    return [role for role in Role.values if Capability.CHART_READ in capabilities_of(role)]


def colleagues(actor: Actor) -> QuerySet[Membership]:
    """The practice's active staff, who may attend a review or be given a decision."""
    return (
        scoped(actor, Membership, need=NEED)
        .filter(is_active=True, user__is_active=True, role__in=team_roles())
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
