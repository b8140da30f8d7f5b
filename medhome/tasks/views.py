"""The care team's follow-up tasks. Thin: parse, one domain call, render."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest

from . import selectors, services


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def task_list(request: AuthedRequest) -> HttpResponse:
    tasks = selectors.open_tasks(request.actor)
    return render(request, "tasks/list.html", {"tasks": tasks[:200], "now": clock.now()})


@requires(Capability.CHART_READ)
@require_POST
def complete(request: AuthedRequest, task_id: UUID) -> HttpResponse:
    task = selectors.access_task(request.actor, task_id)
    services.close(
        actor=request.actor, task=task, note=request.POST.get("note", ""), at=clock.now()
    )
    messages.success(request, _("Task done."))
    return redirect("tasks:list")
