"""The Programs section of a child's chart: the child's enrolments (program, status, tier, since,
who works with them, last contact) and the practice's running programs the child is eligible for
but not in, with the buttons to offer, enrol, record a contact or give a book.

Two queries whatever the number of programs or enrolments (tests/budgets.py CHART_QUERIES):
the enrolments with their last contact, and the running programs with the child's last contact.
Opening the chart is the audited read of what it shows (families.views.chart records it).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register
from medhome.families.languages import language_choices, normalize_language

from . import selectors
from .models import Enrolment, EnrolmentStatus, Program
from .services import age_days, eligibility_words

ANCHOR = "programs"


@dataclass(frozen=True)
class Offerable:
    program: Program
    last_contact_on: date | None
    may_contact: bool  # the reader's role delivers it (a universal program's book)
    eligibility: str
    # Outside a universal program's ages: only a clinician records it, with the reason.
    outside: bool = False


def _book_language(child: Any) -> str:
    try:
        return normalize_language(child.preferred_language)
    except ValidationError:  # an unknown code: the person chooses
        return ""


def section_context(
    request: Any, child: Any, today: date, *, errors: Any = (), saved: Any = ()
) -> dict[str, Any]:
    actor = request.actor
    enrolments: list[Enrolment] = list(selectors.chart_enrolments(actor, child))
    open_programs = {e.program_id for e in enrolments if e.is_open}
    age = age_days(child, today)
    may_override = actor.can(Capability.PROGRAM_OVERRIDE)
    offerable = [
        Offerable(
            program,
            program.last_contact_on,  # type: ignore[attr-defined]
            not program.roles or actor.role in program.roles,
            eligibility_words(program),
            outside=not program.eligible_at(age),
        )
        for program in selectors.chart_programs(actor, child)
        if not program.is_partner
        and program.pk not in open_programs
        and (program.eligible_at(age) or (program.universal and may_override))
    ]
    return {
        "child": child,
        "enrolments": enrolments,
        "offerable": offerable,
        "may_work": actor.can(Capability.PROGRAM_WORK),
        "may_override": may_override,
        "role": actor.role,
        "languages": language_choices(),
        "book_language": _book_language(child),
        "errors": list(errors),
        "saved": list(saved),
    }


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    if not request.actor.can(Capability.CHART_READ):
        return None
    return section_context(request, child, today)


def register_panels() -> None:
    # After the visits and the tasks: what the family takes part in beside its visits.
    register(
        Panel(order=37, place="main", template="programs/chart/panel.html", context=panel_context)
    )


def step_words(change: Any) -> dict[str, Any]:
    """An enrolment's step in words (also the timeline's), in the reader's language."""
    program = change.enrolment.program
    if change.to_tier and change.from_status == change.to_status:
        step = _("Tier %(old)s → %(new)s") % {
            "old": program.tier_name(change.from_tier) if change.from_tier else "—",
            "new": program.tier_name(change.to_tier),
        }
    else:
        step = str(EnrolmentStatus(change.to_status).label)
    by = change.by.get_full_name() or change.by.username
    return {"on": change.on, "step": step, "reason": change.reason, "by": by}
