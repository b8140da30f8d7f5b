"""The caseload page (`programs:caseload`): the landing page of the roles whose day is their
caseload (`programs.caseload_home`: community health workers, family specialists and parent
partners). Thin: parse, the reads of `caseload.py`, the audit, render."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.params import optional_id
from medhome.core.requests import AuthedRequest
from medhome.tasks.selectors import TaskFilter, my_tasks

from . import caseload, selectors, services


@requires()
@require_http_methods(["GET"])
def caseload_page(request: AuthedRequest) -> HttpResponse:
    actor = request.actor
    # chart.read or programs.work (a parent partner, who opens no chart: caseload.may_open).
    if not caseload.may_open(actor):
        raise PermissionDenied
    now = clock.now()
    today = clock.local_date(now)
    program_id = optional_id(request.GET, "program")
    program = caseload.program_of(actor, program_id) if program_id else None
    due = request.GET.get("due", caseload.DUE_ALL)
    if due not in caseload.DUES:
        due = caseload.DUE_ALL
    colleagues = caseload.holders(actor)
    staff_id = optional_id(request.GET, "staff")
    holder = caseload.holder_of(actor, staff_id, colleagues) if staff_id else None
    staff = holder.user if holder is not None else actor.user
    lines = caseload.lines(actor, staff=staff, today=today, program=program, due=due)
    reads = selectors.reads_charts(actor)
    services.record_caseload_read(
        actor=actor, child_ids=[line.enrolment.child_id for line in lines], at=now
    )
    return render(
        request,
        "programs/caseload.html",
        {
            "lines": lines,
            "today": today,
            "programs": caseload.program_choices(actor),
            "program": program,
            "due": due,
            "dues": [
                (caseload.DUE_ALL, _("Every family")),
                (caseload.DUE_TODAY, _("Due today or overdue")),
                (caseload.DUE_OVERDUE, _("Overdue")),
            ],
            "colleagues": colleagues,
            "holder": holder,
            "filtered": bool(program or due),
            # My tasks is for those who open charts (a parent partner has none).
            "open_tasks": my_tasks(actor, TaskFilter(), now=now).count() if reads else None,
        },
    )
