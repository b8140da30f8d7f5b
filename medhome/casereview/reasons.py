"""Why a family needs the team's attention (docs/clinical-rules.md#case-review).

Each reason is one function from a `Look` (who looks, when, which families) to the families it
finds, with the number behind it and when the oldest of it began, in one or two queries whatever
the practice's size. The list and a family's page both read them, so a reason is written once.

To add a reason, write its function and append a `Reason` to REASONS.
"""

import calendar as month_lengths
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.events.models import CareEvent, EventKind
from medhome.families.models import Child
from medhome.nextsteps.selectors import pending_screens
from medhome.practices.calendar import calendar_of
from medhome.practices.scoping import scoped
from medhome.referrals.followup import response_due
from medhome.referrals.models import Priority, Referral
from medhome.referrals.selectors import may_see_confidential
from medhome.referrals.services.follow_up_settings import settings_for
from medhome.referrals.states import AWAITING_RESPONSE
from medhome.tasks.selectors import open_tasks
from medhome.visits.models import Visit, VisitStatus


@dataclass(frozen=True)
class Rules:
    """MEDHOME_CASE_REVIEW (docs/clinical-rules.md#case-review)."""

    open_tasks_at_least: int = 3
    missed_visit_days: int = 90
    ed_visits_at_least: int = 2
    ed_visit_months: int = 6
    unfollowed_screen_days: int = 14


def rules() -> Rules:
    return Rules(**getattr(settings, "MEDHOME_CASE_REVIEW", {}))


@dataclass(frozen=True)
class Look:
    """Who looks (their practice and what their role may see), at what moment, with which
    rules; `family_ids` narrows to some families (one family's page; later a program's)."""

    actor: Actor
    now: datetime
    rules: Rules
    family_ids: frozenset[UUID] | None = None

    def narrow(self, rows: QuerySet, family: str = "child__family_id") -> QuerySet:
        if self.family_ids is None:
            return rows
        return rows.filter(**{f"{family}__in": list(self.family_ids)})


@dataclass(frozen=True)
class Finding:
    count: int
    since: datetime


Findings = dict[UUID, Finding]


@dataclass(frozen=True)
class Reason:
    key: str
    label: Promise  # the reason's name, for the filter
    words: Callable[[Finding], str]  # the reason with its number, for a family's row
    find: Callable[[Look], Findings]


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when it is
    shorter): "the last 6 months" as a person counts them."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, month_lengths.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _grouped(rows: QuerySet, moment: str, *, at_least: int = 1) -> Findings:
    """How many rows per family and the earliest `moment`, in one query."""
    counted = (
        rows.order_by()
        .values("child__family_id")
        .annotate(n=Count("pk"), since=Min(moment))
        .filter(n__gte=at_least)
    )
    return {
        row["child__family_id"]: Finding(row["n"], row["since"])
        for row in counted
        if row["child__family_id"] is not None
    }


def _regrouped(items: Iterable[Any], family_of: Callable, moment_of: Callable) -> Findings:
    counts: dict[UUID, int] = defaultdict(int)
    since: dict[UUID, datetime] = {}
    for item in items:
        family_id, moment = family_of(item), moment_of(item)
        counts[family_id] += 1
        since[family_id] = min(moment, since.get(family_id, moment))
    return {family_id: Finding(counts[family_id], since[family_id]) for family_id in counts}


# --- the rows behind each reason (a family's page lists them) ---------------------------------


def open_task_rows(look: Look) -> QuerySet:
    return look.narrow(open_tasks(look.actor).filter(child__isnull=False))


def missed_visit_rows(look: Look) -> QuerySet[Visit]:
    since = look.now - timedelta(days=look.rules.missed_visit_days)
    visits = scoped(look.actor, Visit, need=Capability.CHART_READ).filter(
        status=VisitStatus.NO_SHOW, starts_at__gte=since, starts_at__lte=look.now
    )
    if not may_see_confidential(look.actor):
        # The adolescent's own visit (docs/clinical-rules.md#who-sees-results).
        visits = visits.exclude(confidential=True)
    return look.narrow(visits)


def ed_visit_rows(look: Look) -> QuerySet[CareEvent]:
    since = months_before(look.now, look.rules.ed_visit_months)
    events = scoped(look.actor, CareEvent, need=Capability.CHART_READ).filter(
        kind=EventKind.EMERGENCY,
        retracted=False,
        child__isnull=False,
        started_at__gte=since,
        started_at__lte=look.now,
    )
    return look.narrow(events)


def stuck_referrals(look: Look) -> list[Referral]:
    """Sent, no first response, and past the response due time of the follow-up sweep's own
    rule and settings (docs/clinical-rules.md#referral-follow-up), oldest first."""
    if not look.actor.can(Capability.REFERRAL_SEND):
        return []
    referrals = scoped(look.actor, Referral, need=Capability.REFERRAL_SEND)
    follow_up = settings_for(look.actor.practice)
    calendar = calendar_of(look.actor.practice)
    # N business days are never fewer than N calendar days: a safe window for the query; the
    # exact rule runs per row below.
    candidates = referrals.filter(
        Q(requested_at__lte=look.now - timedelta(days=follow_up.response_business_days))
        | Q(
            priority=Priority.URGENT,
            requested_at__lte=look.now - timedelta(hours=follow_up.urgent_response_hours),
        ),
        status__in=AWAITING_RESPONSE,
        first_response_at__isnull=True,
        requested_at__isnull=False,
    )
    if not may_see_confidential(look.actor):
        candidates = candidates.exclude(confidential=True).exclude(
            source_administration__confidential=True
        )
    candidates = look.narrow(candidates).select_related("child", "organization")
    stuck = []
    for referral in candidates.order_by("requested_at"):
        due = response_due(referral, follow_up, calendar=calendar)
        if due is not None and due <= look.now:
            stuck.append(referral)
    return stuck


def unfollowed_screen_rows(look: Look) -> QuerySet:
    """Positive screens the actor may see whose next steps are all still open after N days."""
    found_before = look.now - timedelta(days=look.rules.unfollowed_screen_days)
    return look.narrow(pending_screens(look.actor, found_before=found_before))


def children_by_family(look: Look, child_ids: Iterable[Any]) -> QuerySet[Child]:
    """The actor's children among `child_ids`, for a reason that another app gives by child."""
    children = scoped(look.actor, Child, need=Capability.CHART_READ).filter(pk__in=list(child_ids))
    return look.narrow(children, family="family_id")


# --- the reasons ------------------------------------------------------------------------------


def _open_items(look: Look) -> Findings:
    return _grouped(open_task_rows(look), "created_at", at_least=look.rules.open_tasks_at_least)


def _stuck(look: Look) -> Findings:
    return _regrouped(stuck_referrals(look), lambda r: r.child.family_id, lambda r: r.requested_at)


def _missed(look: Look) -> Findings:
    return _grouped(missed_visit_rows(look), "starts_at")


def _ed(look: Look) -> Findings:
    return _grouped(ed_visit_rows(look), "started_at", at_least=look.rules.ed_visits_at_least)


def _unfollowed(look: Look) -> Findings:
    return _grouped(unfollowed_screen_rows(look), "found_at")


REASONS: list[Reason] = [
    Reason(
        "open_items",
        gettext_lazy("Several open items"),
        lambda f: ngettext("%(n)s open task", "%(n)s open tasks", f.count) % {"n": f.count},
        _open_items,
    ),
    Reason(
        "stuck_referrals",
        gettext_lazy("Stuck referrals"),
        lambda f: (
            ngettext(
                "%(n)s referral with no response past its follow-up",
                "%(n)s referrals with no response past their follow-up",
                f.count,
            )
            % {"n": f.count}
        ),
        _stuck,
    ),
    Reason(
        "missed_visits",
        gettext_lazy("Missed visits"),
        lambda f: ngettext("%(n)s missed visit", "%(n)s missed visits", f.count) % {"n": f.count},
        _missed,
    ),
    Reason(
        "repeated_ed_visits",
        gettext_lazy("Repeated ED visits"),
        lambda f: ngettext("%(n)s ED visit", "%(n)s ED visits", f.count) % {"n": f.count},
        _ed,
    ),
    Reason(
        "unfollowed_screens",
        gettext_lazy("Positive screens with no follow-up"),
        lambda f: (
            ngettext(
                "%(n)s positive screen with no follow-up yet",
                "%(n)s positive screens with no follow-up yet",
                f.count,
            )
            % {"n": f.count}
        ),
        _unfollowed,
    ),
]
REASON_KEYS = frozenset(reason.key for reason in REASONS)
