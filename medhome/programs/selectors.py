"""Reads of the practice's programs, always through the practice scope (another practice's
program, enrolment or contact is a 404): a child's enrolments and contacts, a caseload with who is
due for a contact, and the eligible children a program has not reached — each one set-based
query whatever the panel's size (bench/programs.py)."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import (
    CharField,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import AvailabilityWindow, Caregiver, Child, on_panel
from medhome.practices.scoping import get_scoped, scoped
from medhome.referrals.models import Referral

from .models import OPEN_STATUSES, ConcreteSupport, Contact, Enrolment, Program

READ = Capability.CHART_READ


def programs(actor: Actor, *, running_only: bool = True) -> QuerySet[Program]:
    rows = scoped(actor, Program, need=READ).order_by("key")
    return rows.filter(is_active=True) if running_only else rows


def access_program(actor: Actor, program_id: UUID | str) -> Program:
    try:
        return get_scoped(actor, Program, need=READ, pk=program_id)
    except ValidationError as malformed:
        raise Http404 from malformed


def access_enrolment(actor: Actor, enrolment_id: UUID | str) -> Enrolment:
    try:
        return (
            scoped(actor, Enrolment, need=READ)
            .select_related("program", "child", "staff", "agreed_by")
            .get(pk=enrolment_id)
        )
    except (Enrolment.DoesNotExist, ValidationError) as missing:
        raise Http404 from missing


def enrolments_of_child(actor: Actor, child: Child) -> QuerySet[Enrolment]:
    """Every enrolment of the child, open ones first, with its program and staff (one query)."""
    return (
        scoped(actor, Enrolment, need=READ)
        .filter(child=child)
        .select_related("program", "staff", "agreed_by")
        .order_by("program__key", "-offered_on")
    )


def contacts_of_child(actor: Actor, child: Child) -> QuerySet[Contact]:
    return (
        scoped(actor, Contact, need=READ)
        .filter(child=child)
        .select_related("program", "staff", "caregiver")
        .order_by("-on", "-recorded_at")
    )


def _latest_contact(field: str, output: Any) -> Subquery:
    """A column of the child's latest contact in the enrolment's program (the practice named
    too, so the (practice, program, child, -on) index answers it)."""
    return Subquery(
        Contact.objects.filter(
            practice=OuterRef("practice"), program=OuterRef("program"), child=OuterRef("child")
        )
        .order_by("-on", "-recorded_at")
        .values(field)[:1],
        output_field=output,
    )


@dataclass(frozen=True)
class CaseloadRow:
    enrolment: Enrolment
    last_contact_on: date | None
    due_on: date | None
    _today: date = date.min
    # What the latest contact was (a contact kind) and an outreach attempt's outcome.
    last_kind: str = ""
    last_outcome: str = ""

    @property
    def is_due(self) -> bool:
        return self.due_on is not None and self.due_on <= self._today

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self._today

    @property
    def days_from_today(self) -> int | None:
        """Days until the contact is due (negative: overdue by that many)."""
        return None if self.due_on is None else (self.due_on - self._today).days


def caseload(
    actor: Actor, *, staff: Any, today: date, program: Program | None = None
) -> list[CaseloadRow]:
    """The open enrolments on a person's caseload (of one program, or all) with their last
    contact and when the next is due (the tier's interval, else the program's; never contacted:
    due from the enrolment or offer), due first, then the oldest. One query."""
    # Without chart.read, only the programs that name the reader's role (see work_programs).
    enrolments = (
        scoped(actor, Enrolment, need=READ)
        if reads_charts(actor)
        else _work_enrolments(actor, [p.pk for p in work_programs(actor)])
    )
    rows = (
        enrolments.filter(staff=staff, status__in=OPEN_STATUSES, program__is_active=True)
        .select_related("program", "child", "child__family")
        .annotate(
            last_contact_on=_latest_contact("on", DateField()),
            last_kind=_latest_contact("kind", CharField()),
            last_outcome=_latest_contact("outcome", CharField()),
        )
    )
    if program is not None:
        rows = rows.filter(program=program)
    result = []
    for enrolment in rows:
        every = enrolment.program.every_days(enrolment.tier)
        start = enrolment.enrolled_on or enrolment.offered_on
        last = enrolment.last_contact_on
        if every is None:
            due = None if last else start
        else:
            due = (last + timedelta(days=every)) if last else start
        result.append(
            CaseloadRow(
                enrolment,
                last,
                due,
                _today=today,
                last_kind=enrolment.last_kind or "",
                last_outcome=enrolment.last_outcome or "",
            )
        )
    result.sort(key=lambda row: (row.due_on is None, row.due_on or date.max, str(row.enrolment.pk)))
    return result


def eligible_not_reached(
    actor: Actor,
    program: Program,
    *,
    today: date,
    min_age_days: int | None = None,
    max_age_days: int | None = None,
) -> QuerySet[Child]:
    """Children on the panel within the program's ages (narrowed by the list's own bounds, e.g.
    "under 2 months") the program has not reached: for a universal program, no contact within
    its interval ("without a book this year"); otherwise never offered nor enrolled (a decline
    counts as reached: the family was asked). Youngest first."""
    low = max((v for v in (program.min_age_days, min_age_days) if v is not None), default=None)
    high = min((v for v in (program.max_age_days, max_age_days) if v is not None), default=None)
    children = scoped(actor, Child, need=READ).filter(on_panel(today))
    if low is not None:
        children = children.filter(date_of_birth__lte=today - timedelta(days=low))
    if high is not None:
        children = children.filter(date_of_birth__gt=today - timedelta(days=high))
    reached: QuerySet[Any]
    if program.universal:
        since = today - timedelta(days=program.contact_every_days or 365)
        # The practice named too, so the (practice, program, child, -on) index answers it.
        reached = Contact.objects.filter(
            practice=program.practice_id, program=program, child=OuterRef("pk"), on__gt=since
        )
    else:
        reached = Enrolment.objects.filter(program=program, child=OuterRef("pk"))
    return (
        children.filter(~Exists(reached)).select_related("family").order_by("-date_of_birth", "pk")
    )


def strengths_for_family(child: Child, *, caregiver_id: object) -> QuerySet[Contact]:
    """What the team saw the parent doing well, for the family's own page: contacts the team
    marked to show the family, about this caregiver or about no one in particular — never what
    was written about another caregiver (clinical-rules#programs). Newest first."""
    return (
        Contact.objects.filter(child=child, practice=child.practice, show_family=True)
        .exclude(strengths="")
        .filter(Q(caregiver__isnull=True) | Q(caregiver_id=caregiver_id))
        .select_related("program")
        .order_by("-on", "-recorded_at")
    )


# --- the chart's Programs section ----------------------------------------------------------


def chart_enrolments(actor: Actor, child: Child) -> QuerySet[Enrolment]:
    """The child's enrolments with their program, staff and last contact: one query."""
    return enrolments_of_child(actor, child).annotate(
        last_contact_on=_latest_contact("on", DateField())
    )


def chart_programs(actor: Actor, child: Child) -> QuerySet[Program]:
    """The practice's running programs, each with the child's last contact in it (a universal
    program's last book): one query."""
    last = Subquery(
        Contact.objects.filter(practice=child.practice_id, program=OuterRef("pk"), child=child)
        .order_by("-on")
        .values("on")[:1],
        output_field=DateField(),
    )
    return programs(actor).annotate(last_contact_on=last)


def colleagues_for(actor: Actor, program: Program) -> list[Any]:
    """The practice's active colleagues whose role delivers the program (a caseload's owner)."""
    from medhome.practices.models import Membership

    memberships = Membership.objects.active().filter(practice=actor.practice)
    if program.roles:
        memberships = memberships.filter(role__in=program.roles)
    users = {m.user_id: m.user for m in memberships.select_related("user").order_by("user_id")}
    return sorted(users.values(), key=lambda user: (user.get_full_name() or user.username).lower())


def enrolment_history(enrolment: Enrolment) -> QuerySet[Any]:
    return enrolment.changes.select_related("by", "enrolment__program").order_by("recorded_at")


# --- program work without the chart (docs/clinical-rules.md#parent-partners) ---------------
#
# A reader who works programs but does not open charts (a parent partner) reaches only the
# families with an open enrolment in a running program that names their role — never a program
# open to every role (a practice's own program with no roles), never a universal program's whole
# panel. Readers with chart.read reach every program, as on the chart.

WORK = Capability.PROGRAM_WORK


def reads_charts(actor: Actor) -> bool:
    return actor.can(READ)


def work_programs(actor: Actor) -> list[Program]:
    """The running programs whose families the actor works (one query): every non-partner one
    with chart.read; without it, those naming the actor's role."""
    if reads_charts(actor):
        return [p for p in programs(actor) if not p.is_partner]
    rows = scoped(actor, Program, need=WORK).filter(is_active=True).order_by("key")
    return [p for p in rows if not p.is_partner and actor.role in (p.roles or [])]


def _work_enrolments(actor: Actor, program_ids: list[Any]) -> QuerySet[Enrolment]:
    return scoped(actor, Enrolment, need=WORK).filter(
        program_id__in=program_ids, status__in=OPEN_STATUSES
    )


def access_work_child(actor: Actor, child_id: UUID | str) -> Child:
    """The child of a program's family page: any child of the practice with chart.read (and
    programs.work); without chart.read, only one with an open enrolment in a program the actor
    works. Anything else, another practice's child included, is a 404."""
    children = scoped(actor, Child, need=WORK).select_related("family")
    if not reads_charts(actor):
        ids = [p.pk for p in work_programs(actor)]
        enrolled = _work_enrolments(actor, ids).filter(child=OuterRef("pk"))
        children = children.filter(Exists(enrolled))
    try:
        return children.get(pk=child_id)
    except (Child.DoesNotExist, ValidationError) as missing:
        raise Http404 from missing


def access_work_program(actor: Actor, program_id: UUID | str) -> Program:
    for program in work_programs(actor):
        if str(program.pk) == str(program_id):
            return program
    raise Http404


def work_enrolments(actor: Actor, child: Child, program_ids: list[Any]) -> QuerySet[Enrolment]:
    """The child's enrolments (open or past) in the programs the actor works, with the last
    contact: one query."""
    return (
        scoped(actor, Enrolment, need=WORK)
        .filter(child=child, program_id__in=program_ids)
        .select_related("program", "staff")
        .annotate(last_contact_on=_latest_contact("on", DateField()))
        .order_by("program__key", "-offered_on")
    )


def work_contacts(actor: Actor, child: Child, program_ids: list[Any]) -> QuerySet[Contact]:
    """The child's contacts in the programs the actor works, newest first: one query."""
    return (
        scoped(actor, Contact, need=WORK)
        .filter(child=child, program_id__in=program_ids)
        .select_related("program", "staff", "caregiver")
        .order_by("-on", "-recorded_at")
    )


def work_supports(actor: Actor, child: Child) -> QuerySet[ConcreteSupport]:
    """The concrete supports named for the child, with the referral that carries each (its
    status and outcome are all the family page reads): one query. A support carried by a
    referral the family's own pages may not show (an adolescent's own, consented by the
    adolescent: docs/clinical-rules.md#adolescent-confidentiality) is left out."""
    shareable = Referral.objects.shareable_with_family()
    return (
        scoped(actor, ConcreteSupport, need=WORK)
        .filter(child=child)
        .filter(Q(referral__isnull=True) | Q(referral__in=shareable))
        .select_related("referral")
        .order_by("-noted_on", "support")
    )


def family_caregivers(actor: Actor, child: Child) -> QuerySet[Caregiver]:
    """The child's family's caregivers with their good times (two queries): what the family
    told the team about itself, in its own words."""
    windows = Prefetch("availability", queryset=AvailabilityWindow.objects.order_by("weekday"))
    return (
        scoped(actor, Caregiver, need=WORK)
        .filter(family_id=child.family_id)
        .prefetch_related(windows)
        .order_by("-is_primary_contact", "family_name", "given_name")
    )
