"""The chart section "At this visit": what closed each row of the current visit (the EHR, a
place elsewhere, an addressed immunization row) and the forms staff use to close the rest."""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register
from medhome.core.remember import remembered, schedule_key
from medhome.periodicity.engine import child_schedule
from medhome.periodicity.models import RowCompletion
from medhome.periodicity.services import completions_for, facts_for

from . import visit_rows
from .family_guidance import family_saw_topics
from .guidance import TOPICS, topics_at


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not actor.can(Capability.SCHEDULE_RECORD):
        return None
    # The same schedule as the chart's screening section reads (read once per chart).
    schedule = remembered(
        schedule_key(child.pk, today),
        lambda: child_schedule(facts_for(child), today, completions_for(child)),
    )
    current = schedule.current if schedule.current and today in schedule.current.window else None
    if current is None:
        return {"child": child, "current": None}
    visit_key = current.visit.key
    completions = list(
        RowCompletion.objects.filter(practice_id=child.practice_id, child=child)
        .filter(visit_key__in=[visit_key, ""])
        .order_by("row", "-done_on")
    )
    sources: dict[str, list[str]] = {}
    for completion in completions:
        sources.setdefault(completion.row, []).append(
            f"{visit_rows.describe(completion)}, {completion.done_on:%m/%d/%Y}"
        )
    guidance = next(
        (
            c
            for c in completions
            if c.row == visit_rows.GUIDANCE_ROW
            and c.visit_key == visit_key
            and c.source_detail.startswith(visit_rows.GUIDANCE_PREFIX)
        ),
        None,
    )
    discussed = (
        set(guidance.source_detail.removeprefix(visit_rows.GUIDANCE_PREFIX).split(","))
        if guidance
        else set()
    )
    states = [s for s in schedule.rows if s.status != "not_applicable"]
    return {
        "child": child,
        "today": today,
        "current": current,
        "rows": [(s, sources.get(s.row.key, [])) for s in states],
        "topics": [(key, TOPICS[key], key in discussed) for key in topics_at(visit_key)],
        "family_saw": family_saw_topics(child, current.window.opens),
        "elsewhere_rows": [s.row for s in states if s.row.key not in visit_rows.NOT_ELSEWHERE],
        "places": list(visit_rows.PLACES.items()),
        "addressed": list(visit_rows.ADDRESSED.items()),
    }


def register_panels() -> None:
    register(Panel(order=55, place="main", template="ehr/visit_rows.html", context=panel_context))
