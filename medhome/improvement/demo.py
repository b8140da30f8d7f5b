"""The demo's improvement cycles (issue 19, learning together in the network): at the given
practice, a W30 cycle testing Spanish group well-child visits on weekday evenings, started
10/01/2026 and at Study on the demo's today (12/05/2026), answering the family council's
recommendation when one is given — so the dashboard's W30 run chart marks it; at another
practice of the network, a caregiver depression screening cycle the first practice could adopt
from the network page. Idempotent: a practice that has a cycle of that title is left alone.
All of it invented. load_demo runs it through medhome.synth.demo_hooks (improvement sits above
synth in the layers); the rows are the ones its services would write, with past dates.
"""

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from medhome.accounts.roles import Capability, capabilities_of
from medhome.council.models import Recommendation
from medhome.practices.models import Membership, Network, Practice
from medhome.synth.council_demo import STORY_TITLE
from medhome.synth.demo import EASTSIDE

from .models import Cycle, CycleChange

W30_TITLE = "Spanish group well-child visits on weekday evenings"
W30_STARTED = date(2026, 10, 1)
CDEP_TITLE = "Caregiver depression screen handed out at check-in, in the family's language"
CDEP_STARTED = date(2026, 6, 1)


def _owner(practice: Practice) -> Any:
    """The practice's first colleague (by login) whose role writes improvement cycles."""
    memberships = (
        Membership.objects.active()
        .filter(practice=practice)
        .select_related("user")
        .order_by("user__username")
    )
    for membership in memberships:
        if Capability.IMPROVEMENT_EDIT in capabilities_of(membership.role):
            return membership.user
    return None


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _cycle(practice: Practice, owner: Any, stages: list[tuple[str, date]], **values) -> Any:
    existing = Cycle.objects.filter(practice=practice, title=values["title"]).first()
    if existing is not None:
        return existing
    cycle = Cycle.objects.create(
        practice=practice,
        owner=owner,
        stage=stages[-1][0],
        created_at=_at(stages[0][1]),
        updated_at=_at(stages[-1][1]),
        **values,
    )
    previous = ""
    for stage, on in stages:
        CycleChange.objects.create(
            practice=practice,
            cycle=cycle,
            from_stage=previous,
            to_stage=stage,
            by=owner,
            at=_at(on),
        )
        previous = stage
    return cycle


@transaction.atomic
def add_improvement_demo(
    practice: Practice, today: date, recommendation: Any = None
) -> tuple[list, str]:
    """The demo's two cycles (the second only when the practice's network has another practice
    with a colleague who writes cycles) and a printable summary."""
    owner = _owner(practice)
    if owner is None:
        return [], f"{practice.name}: no colleague writes improvement cycles; no cycle added."
    w30 = _cycle(
        practice,
        owner,
        [("plan", date(2026, 9, 8)), ("do", W30_STARTED), ("study", date(2026, 11, 30))],
        title=W30_TITLE,
        aim_what="Spanish-speaking infants with six well-child visits by 15 months",
        aim_how_much="20 percentage points (from about half to 70 %)",
        aim_by=date(2027, 9, 30),
        measure_key="w30_1",
        stratum_dimension="language",
        stratum_group="es",
        recommendation=recommendation,
        started_on=W30_STARTED,
        prediction="Families who work days will come to evening group visits in Spanish.",
        done="Two evening CenteringParenting-style groups a month in Spanish, since October.",
        learned="Evening sessions filled; families asked for childcare for older siblings.",
    )
    cycles = [w30]
    other = (
        Practice.objects.filter(network_id=practice.network_id)
        .exclude(pk=practice.pk)
        .order_by("name")
        .first()
        if practice.network_id
        else None
    )
    other_owner = _owner(other) if other is not None else None
    if other is not None and other_owner is not None:
        cycles.append(
            _cycle(
                other,
                other_owner,
                [("plan", date(2026, 5, 11)), ("do", CDEP_STARTED), ("study", date(2026, 9, 1))],
                title=CDEP_TITLE,
                aim_what="Caregivers screened for depression at the 1-, 2-, 4- and 6-month visits",
                aim_how_much="15 percentage points",
                aim_by=date(2027, 3, 31),
                measure_key="cdep_visits",
                started_on=CDEP_STARTED,
                prediction="A form handed out at check-in is answered before the visit starts.",
                done="Front desk hands the EPDS in the family's language at check-in.",
                learned="Answered in the waiting room by most caregivers; kept for every visit.",
            )
        )
    lines = [f"Improvement cycles (demo today {today:%m/%d/%Y}):"]
    for cycle in cycles:
        answers = f"; answers “{cycle.recommendation.title}”" if cycle.recommendation else ""
        lines.append(
            f"  {cycle.practice.name}: “{cycle.title}” ({cycle.measure_key}, started "
            f"{cycle.started_on:%m/%d/%Y}, at {cycle.stage}{answers})"
        )
    return cycles, "\n".join(lines)


def load(network: Network, today: date) -> str:
    """The demo hook: Eastside's W30 cycle answering its council's story recommendation."""
    practice = network.practices.filter(name=EASTSIDE.name).first()
    if practice is None:
        return ""
    recommendation = Recommendation.objects.filter(practice=practice, title=STORY_TITLE).first()
    return add_improvement_demo(practice, today, recommendation)[1]
