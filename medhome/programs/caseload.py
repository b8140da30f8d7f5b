"""The caseload page's reads: a community health worker's, a family specialist's or a parent
partner's day — the families on a caseload, who is due for a contact first, the last contact and
its outcome, and whom to call — in a fixed number of queries whatever the caseload's size
(bench/programs.py).

Whose caseload: one's own; roles that manage the practice's programs (`programs.manage`: the
coordinator and the practice admin, who assign families to caseloads) may open any colleague's
who could hold one (a role that works programs), to cover an absence or balance the load.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medhome.accounts.roles import ROLE_CAPABILITIES, Capability
from medhome.core.actor import Actor
from medhome.families.selectors import WhomToCall, whom_to_call
from medhome.practices.models import Membership

from . import definitions as d
from . import selectors
from .models import Enrolment, Program
from .selectors import CaseloadRow

DUE_ALL = ""
DUE_TODAY = "today"  # due by the end of today, overdue included
DUE_OVERDUE = "overdue"
DUES = (DUE_ALL, DUE_TODAY, DUE_OVERDUE)

# The roles that may hold a caseload: those that work programs (record contacts).
HOLDER_ROLES = tuple(
    sorted(role for role, caps in ROLE_CAPABILITIES.items() if Capability.PROGRAM_WORK in caps)
)


def may_open(actor: Actor) -> bool:
    """Anyone who reads charts opens their own caseload (empty for most); a parent partner, who
    does not, opens theirs through programs.work."""
    return actor.can(Capability.CHART_READ) or actor.can(Capability.PROGRAM_WORK)


def program_choices(actor: Actor) -> list[Program]:
    """The programs the caseload's filter offers: the running ones the reader works."""
    return selectors.work_programs(actor)


def program_of(actor: Actor, program_id: object) -> Program:
    if selectors.reads_charts(actor):
        return selectors.access_program(actor, program_id)  # type: ignore[arg-type]
    return selectors.access_work_program(actor, program_id)  # type: ignore[arg-type]


def may_open_others(actor: Actor) -> bool:
    return actor.can(Capability.PROGRAM_MANAGE)


def holders(actor: Actor) -> list[Membership]:
    """The colleagues whose caseload the actor may open (none but one's own without
    programs.manage)."""
    if not may_open_others(actor):
        return []
    return list(
        Membership.objects.active()
        .filter(practice_id=actor.practice_id, role__in=HOLDER_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def holder_of(actor: Actor, membership_id: object, choices: list[Membership]) -> Membership:
    """The colleague asked for: 403 without programs.manage (unless it is the actor), 404 for
    someone not on the practice's list."""
    if not may_open_others(actor):
        raise PermissionDenied
    for membership in choices:
        if membership.pk == membership_id:
            return membership
    raise Http404


def due_words(row: CaseloadRow) -> str:
    days = row.days_from_today
    if days is None:
        return _("No contact planned")
    if days < 0:
        return ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}
    if days == 0:
        return _("Due today")
    return ngettext("Due in %(n)s day", "Due in %(n)s days", days) % {"n": days}


def last_contact_words(row: CaseloadRow) -> str:
    if row.last_contact_on is None:
        return _("No contact yet")
    what = str(d.CONTACT_KINDS.get(row.last_kind, d.CONTACT_KINDS["contact"]))
    if row.last_outcome:
        outcome = d.OUTREACH_OUTCOMES.get(row.last_outcome, row.last_outcome)
        return f"{what}: {outcome}"
    return what


@dataclass(frozen=True)
class Line:
    row: CaseloadRow
    who: WhomToCall | None
    due: str
    last: str
    # The latest attempt did not reach the family (no answer, a message left, a wrong number).
    not_reached: bool
    # The chart's Programs section, or, for a reader who does not open charts (a parent
    # partner), the program's family page (docs/clinical-rules.md#parent-partners).
    url: str

    @property
    def enrolment(self) -> Enrolment:
        return self.row.enrolment

    @property
    def tier(self) -> str:
        e = self.row.enrolment
        return e.program.tier_name(e.tier) if e.tier else ""


def lines(
    actor: Actor, *, staff: object, today: date, program: Program | None, due: str
) -> list[Line]:
    """The caseload's rows for the page, filtered by due, with whom to call (two queries)."""
    rows = selectors.caseload(actor, staff=staff, today=today, program=program)
    if due == DUE_TODAY:
        rows = [row for row in rows if row.is_due]
    elif due == DUE_OVERDUE:
        rows = [row for row in rows if row.is_overdue]
    charts = selectors.reads_charts(actor)
    callers = whom_to_call(
        actor,
        [row.enrolment.child for row in rows],
        need=Capability.CHART_READ if charts else Capability.PROGRAM_WORK,
    )
    return [
        Line(
            row=row,
            who=callers.get(row.enrolment.child_id),
            due=due_words(row),
            last=last_contact_words(row),
            not_reached=bool(row.last_outcome) and row.last_outcome != d.REACHED,
            url=reverse("families:chart", kwargs={"child_id": row.enrolment.child_id}) + "#programs"
            if charts
            else reverse("programs:family_page", kwargs={"child_id": row.enrolment.child_id}),
        )
        for row in rows
    ]
