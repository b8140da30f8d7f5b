"""A program's case review (docs/clinical-rules.md#programs): DULCE's team meets weekly about
every enrolled family (domain-reference §14), so its review lists every family with an open
enrolment in the program — not only those a reason finds — each with its infants, the last
review held for the program and whether one is due this week, the concrete supports and open
referrals (the legal partner's part shown as such), and the case review's own reasons.

Set-based: a fixed number of queries whatever the number of families (the enrolments, the
last reviews, the supports, the referrals, then each reason once over all the families).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.core.clock import local_date
from medhome.families.models import Child, Family
from medhome.periodicity.corrected_age import age_label
from medhome.practices.scoping import get_scoped, scoped
from medhome.programs import definitions as d
from medhome.programs.models import OPEN_STATUSES, ConcreteSupport, Contact, Enrolment, Program
from medhome.programs.supports import CLOSED, STATUS_LABELS, status_of
from medhome.referrals.models import Referral

from .models import CaseReview
from .reasons import REASONS, Finding, Look, rules
from .selectors import Shown, shown

READ = Capability.CASE_REVIEW_READ
# What a reader who does not refer families (the legal partner) reads of the family's
# referrals here: the concrete supports' needs and the legal partner's own — never a safety
# referral, never another social need (referrals.selectors.READ is the referring team's).
SUPPORT_REFERRAL_NEEDS = frozenset(d.SUPPORT_NEEDS.values()) | {d.LEGAL_NEED}


def review_programs(actor: Actor) -> QuerySet[Program]:
    """The running programs that enrol families (a universal or partner program has no
    enrolment to review)."""
    return (
        scoped(actor, Program, need=READ)
        .filter(is_active=True, universal=False, referral_need="")
        .order_by("key")
    )


def access_review_program(actor: Actor, program_id: UUID | str) -> Program:
    """The program, or 404 (another practice's, a universal or partner one, missing)."""
    try:
        return get_scoped(
            actor, Program, need=READ, pk=program_id, universal=False, referral_need=""
        )
    except ValidationError as malformed:
        raise Http404 from malformed


def holds_review_contact(program: Program) -> bool:
    """A program whose contacts include the case review (DULCE): its review is due every
    `contact_every_days` (MEDHOME_PROGRAMS dulce.review_every_days) and recording it records
    the contact."""
    return d.CASE_REVIEW_KIND in (program.contact_kinds or [])


@dataclass(frozen=True)
class Infant:
    enrolment: Enrolment
    age: str
    tier: str  # the tier's name, "" for a program without tiers

    @property
    def child(self) -> Child:
        return self.enrolment.child


@dataclass(frozen=True)
class SupportRow:
    support: ConcreteSupport
    label: str
    status: str  # status_of's key
    status_label: str
    legal_status_label: str  # "" when there is no legal part


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    need: str
    status: str
    legal: bool  # the legal partner's part


@dataclass
class ProgramFamily:
    family: Family
    infants: list[Infant]
    last_reviewed: date | None
    due_on: date | None
    is_due: bool
    supports: list[SupportRow] = field(default_factory=list)
    referrals: list[ReferralRow] = field(default_factory=list)
    reasons: list[Shown] = field(default_factory=list)


@dataclass
class ProgramReview:
    program: Program
    families: list[ProgramFamily]
    every_days: int | None
    week_ends: date

    @property
    def due_count(self) -> int:
        return sum(1 for row in self.families if row.is_due)


def _supports(actor: Actor, family_ids: list[UUID]) -> dict[UUID, list[SupportRow]]:
    rows = (
        scoped(actor, ConcreteSupport, need=READ)
        .filter(child__family_id__in=family_ids)
        .exclude(referral__confidential=True)
        .exclude(referral__source_administration__confidential=True)
        .select_related("child", "referral", "legal_referral")
        .order_by("noted_on", "support")
    )
    found: dict[UUID, list[SupportRow]] = defaultdict(list)
    for row in rows:
        status = status_of(row.referral)
        legal = str(STATUS_LABELS[status_of(row.legal_referral)]) if row.legal_referral else ""
        label = str(d.SUPPORTS.get(row.support, row.support))
        found[row.child.family_id].append(
            SupportRow(row, label, status, str(STATUS_LABELS[status]), legal)
        )
    return found


def _referrals(actor: Actor, family_ids: list[UUID]) -> dict[UUID, list[ReferralRow]]:
    """Every open referral of the families (drafts still asking consent included). No
    adolescent's own referral: the meeting is about infants, with partners in the room."""
    rows = (
        scoped(actor, Referral, need=READ)
        .filter(child__family_id__in=family_ids)
        .exclude(status__in=CLOSED)
        .exclude(confidential=True)
        .exclude(source_administration__confidential=True)
    )
    if not actor.can(Capability.REFERRAL_SEND):
        rows = rows.filter(need__in=sorted(SUPPORT_REFERRAL_NEEDS))
    found: dict[UUID, list[ReferralRow]] = defaultdict(list)
    for referral in rows.select_related("child", "organization").order_by("created_at"):
        found[referral.child.family_id].append(
            ReferralRow(
                referral,
                referral.get_need_display(),
                referral.get_status_display(),
                referral.need == d.LEGAL_NEED,
            )
        )
    return found


def _reasons(actor: Actor, family_ids: list[UUID], now: datetime) -> dict[UUID, list[Shown]]:
    """The case review's reasons over these families, each one query (what the reader's role
    may not see does not count, as on the practice's list)."""
    look = Look(actor=actor, now=now, rules=rules(), family_ids=frozenset(family_ids))
    findings: dict[UUID, dict[str, Finding]] = defaultdict(dict)
    for reason in REASONS:
        for family_id, finding in reason.find(look).items():
            findings[family_id][reason.key] = finding
    return {family_id: shown(found) for family_id, found in findings.items()}


def week_end(today: date) -> date:
    """The Sunday that ends today's week (Monday to Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def program_review(actor: Actor, program: Program, *, now: datetime) -> ProgramReview:
    today = local_date(now)
    ends = week_end(today)
    every = program.contact_every_days if holds_review_contact(program) else None
    enrolments = (
        scoped(actor, Enrolment, need=READ)
        .filter(program=program, status__in=OPEN_STATUSES)
        .select_related("child", "child__family")
        .order_by("child__family__name", "child__date_of_birth", "child__pk")
    )
    infants: dict[UUID, list[Infant]] = defaultdict(list)
    families: dict[UUID, Family] = {}
    for enrolment in enrolments:
        child = enrolment.child
        families[child.family_id] = child.family
        age = age_label(child.date_of_birth, child.gestational_age_weeks, today)
        tier = program.tier_name(enrolment.tier) if enrolment.tier else ""
        infants[child.family_id].append(Infant(enrolment, age, tier))
    ids = list(families)
    last: dict[Any, date] = dict(
        scoped(actor, CaseReview, need=READ)
        .filter(program=program, family_id__in=ids)
        .order_by()
        .values("family_id")
        .annotate(last=Max("held_on"))
        .values_list("family_id", "last")
    )
    # A review contact counts as the family's review too (the team's record of the meeting for
    # each child, written with every review recorded here, and by the demo's history).
    for family_id, reviewed in (
        scoped(actor, Contact, need=READ)
        .filter(program=program, kind__in=d.TEAM_KINDS, child__family_id__in=ids)
        .order_by()
        .values("child__family_id")
        .annotate(last=Max("on"))
        .values_list("child__family_id", "last")
    ):
        last[family_id] = max(reviewed, last.get(family_id, reviewed))
    supports = _supports(actor, ids) if ids else {}
    referrals = _referrals(actor, ids) if ids else {}
    reasons = _reasons(actor, ids, now) if ids else {}
    rows = []
    for family_id, family in families.items():
        reviewed = last.get(family_id)
        due_on = (reviewed + timedelta(days=every) if reviewed else today) if every else None
        rows.append(
            ProgramFamily(
                family=family,
                infants=infants[family_id],
                last_reviewed=reviewed,
                due_on=due_on,
                is_due=due_on is not None and due_on <= ends,
                supports=supports.get(family_id, []),
                referrals=referrals.get(family_id, []),
                reasons=reasons.get(family_id, []),
            )
        )
    # Due this week first, then the families with most reasons, then by name.
    rows.sort(key=lambda row: (not row.is_due, -len(row.reasons), row.family.name.casefold()))
    return ProgramReview(program=program, families=rows, every_days=every, week_ends=ends)
