"""The recall worklist: staff send recalls from it, a family at a time or all selected at once.

Who may: those who may send a family link (screening.send): a recall carries the pre-visit
questions when a screen is due, so planning one is sending a family link; the same people book
visits (front desk, clinical team, CHWs). The practice admin books visits but sends no family
link, and so does not send recalls either. The list itself needs chart.read (children's names),
which every role with screening.send has.
"""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.models import Child, Family
from medhome.practices.scoping import get_scoped, scoped

from . import recall_list
from .services.outreach import Planned
from .services.recall import plan_recalls

LIST_NAME = "recall_list"


def _uuids(values: list[str]) -> tuple[set[UUID], int]:
    """The well-formed ids, and how many were not."""
    found, bad = set(), 0
    for value in values:
        try:
            found.add(UUID(value))
        except ValueError:
            bad += 1
    return found, bad


def _plan(request: AuthedRequest, family_ids: set[UUID]) -> Planned:
    children = scoped(request.actor, Child, need=Capability.CHART_READ).filter(
        family_id__in=family_ids
    )
    now = clock.now()
    return plan_recalls(
        practice=request.actor.practice,
        on=clock.local_date(now),
        at=now,
        actor=request.actor,
        child_ids=set(children.values_list("pk", flat=True)),
    )


def _say_planned(request: AuthedRequest, planned: Planned) -> None:
    if planned.created:
        messages.success(
            request,
            ngettext(
                "%(n)s recall planned: it goes at the family's good time.",
                "%(n)s recalls planned: each goes at its family's good time.",
                planned.created,
            )
            % {"n": planned.created},
        )
    if planned.suppressed:
        messages.warning(
            request,
            ngettext(
                "%(n)s recall kept for staff: the family prefers a call or paper, or cannot be "
                "reached (see the outbox).",
                "%(n)s recalls kept for staff: the families prefer a call or paper, or cannot be "
                "reached (see the outbox).",
                planned.suppressed,
            )
            % {"n": planned.suppressed},
        )
    if not planned.created and not planned.suppressed:
        messages.info(request, gettext("Nothing to send: already recalled, or no longer due."))


@requires(Capability.SCREENING_SEND)
@require_http_methods(["GET", "POST"])
def recall(request: AuthedRequest) -> HttpResponse:
    """GET: the worklist. POST: recall every family ticked (one plan for all of them)."""
    if request.method == "POST":
        chosen, malformed = _uuids(request.POST.getlist("family"))
        if not chosen and not malformed:
            messages.error(request, gettext("Tick at least one family to send recalls to."))
            return redirect("messaging:recall")
        own = set(
            scoped(request.actor, Family, need=Capability.CHART_READ)
            .filter(pk__in=chosen)
            .values_list("pk", flat=True)
        )
        left_out = len(chosen - own) + malformed
        if left_out:
            messages.error(
                request,
                ngettext(
                    "%(n)s of the chosen families is not on this practice's list: left out.",
                    "%(n)s of the chosen families are not on this practice's list: left out.",
                    left_out,
                )
                % {"n": left_out},
            )
        if own:
            _say_planned(request, _plan(request, own))
        return redirect("messaging:recall")
    now = clock.now()
    page, children = recall_list.worklist(
        request.actor, clock.local_date(now), page=request.GET.get("page")
    )
    record(
        actor=request.actor,
        action=Action.SEARCH,
        object_type=LIST_NAME,
        at=now,
        detail={"results": sum(len(line.children) for line in page.object_list)},
    )
    return render(
        request,
        "messaging/recall.html",
        {"page": page, "children": children, "every_days": recall_list.every_days()},
    )


@requires(Capability.SCREENING_SEND)
@require_POST
def recall_family(request: AuthedRequest, family_id: UUID) -> HttpResponse:
    """Recall one family (its row's button); htmx gets the row back, others the list."""
    family = get_scoped(request.actor, Family, need=Capability.CHART_READ, pk=family_id)
    planned = _plan(request, {family.pk})
    if not request.headers.get("HX-Request"):
        _say_planned(request, planned)
        return redirect("messaging:recall")
    now = clock.now()
    child_ids = scoped(request.actor, Child, need=Capability.CHART_READ).filter(family=family)
    line = recall_list.family_line(
        request.actor, clock.local_date(now), set(child_ids.values_list("pk", flat=True))
    )
    record(
        actor=request.actor,
        action=Action.SEARCH,
        object_type=LIST_NAME,
        at=now,
        detail={"results": len(line.children) if line else 0},
    )
    return render(
        request,
        "messaging/recall_row.html",
        {"line": line, "family_id": family.pk, "planned": planned},
    )
