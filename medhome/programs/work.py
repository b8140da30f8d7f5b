"""A program's family page (`programs:family_page`): what a member of the team who works a
program without the chart — a parent partner — needs to work with the family, and nothing
clinical (docs/clinical-rules.md#parent-partners).

It shows what the family shares with the team in its own words (names, language and interpreter,
how and when to reach them, transport, culture and strengths), the child's enrolments and
contacts in the programs the reader works (what happened, where, the outreach's outcome, what the
parent is doing well), and the concrete supports' status (received or not). Never a screening
result, an alert, a problem, a medication, a hospital event, a team note, a visit's content, a
contact's note for the team or its goals and decisions, an enrolment's clinical reasons (a tier's
or an override's), nor a referral's detail — and nothing of an adolescent's own referrals.
Five queries whatever the family's history (tests/budgets.py is the chart's; this page has its
own test).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from medhome.core.actor import Actor
from medhome.families.models import Child

from . import definitions as d
from . import selectors, supports
from .models import Enrolment, Program

# The newest contacts shown; older ones stay on the chart's timeline for those who open it.
CONTACTS_SHOWN = 20


@dataclass(frozen=True)
class EnrolmentLine:
    enrolment: Enrolment
    # The reader's role delivers the program: they record its contacts from this page.
    may_contact: bool


@dataclass(frozen=True)
class ContactLine:
    on: date
    program: str
    what: str
    where: str
    outcome: str
    by: str
    about: str  # the caregiver the contact is about, or "" for the family
    strengths: str
    factors: list[str]


@dataclass(frozen=True)
class SupportLine:
    support: str
    noted_on: date
    status: str
    received: bool | None  # None while it is not settled


def _delivers(actor: Actor, program: Program) -> bool:
    return actor.role in (program.roles or [])


def _contact_line(contact: Any) -> ContactLine:
    staff = contact.staff
    caregiver = contact.caregiver
    return ContactLine(
        on=contact.on,
        program=contact.program.display_name,
        what=str(d.CONTACT_KINDS.get(contact.kind, d.CONTACT_KINDS["contact"])),
        where=str(d.SETTINGS.get(contact.setting, "")),
        outcome=str(d.OUTREACH_OUTCOMES.get(contact.outcome, "")),
        by=(staff.get_full_name() or staff.username) if staff else "",
        about=f"{caregiver.given_name} {caregiver.family_name}" if caregiver else "",
        strengths=contact.strengths,
        factors=[
            str(d.PROTECTIVE_FACTORS[f])
            for f in contact.protective_factors
            if f in d.PROTECTIVE_FACTORS
        ],
    )


def _support_line(row: Any) -> SupportLine:
    status = supports.status_of(row.referral)
    received = {"received": True, "not_received": False}.get(status)
    return SupportLine(
        support=str(d.SUPPORTS.get(row.support, row.support)),
        noted_on=row.noted_on,
        status=str(supports.STATUS_LABELS[status]),
        received=received,
    )


def page_context(actor: Actor, child: Child, today: date) -> dict[str, Any]:
    programs = selectors.work_programs(actor)
    ids = [program.pk for program in programs]
    enrolments = list(selectors.work_enrolments(actor, child, ids))
    contacts = selectors.work_contacts(actor, child, ids)[:CONTACTS_SHOWN]
    return {
        "child": child,
        "today": today,
        "caregivers": list(selectors.family_caregivers(actor, child)),
        "enrolments": [
            EnrolmentLine(e, may_contact=e.status == "enrolled" and _delivers(actor, e.program))
            for e in enrolments
        ],
        "contacts": [_contact_line(contact) for contact in contacts],
        "supports": [_support_line(row) for row in selectors.work_supports(actor, child)],
        "reads_charts": selectors.reads_charts(actor),
    }
