"""My tasks and the task's actions. Thin: parse, one domain call, render.

Every action works as a plain form post (back to the page it came from, filters kept) and, with
htmx, answers with the task's row (or the chart's panel) in place.
"""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability, Role
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_child

from . import forms, selectors, services
from .chart import panel_context
from .kinds import TaskKind
from .models import Task, TaskOutcome, TaskPriority

PAGE_SIZE = 50


def _actions_context(request: AuthedRequest) -> dict[str, Any]:
    """What each row's forms offer: the colleagues and roles a task may go to, the outcomes."""
    return {
        "colleagues": list(selectors.colleagues(request.actor)),
        "roles": [(role, Role(role).label) for role in selectors.TASK_ROLES],
        "outcomes": TaskOutcome.choices,
        "now": clock.now(),
        "today": clock.local_date(clock.now()),
    }


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def task_list(request: AuthedRequest) -> HttpResponse:
    now = clock.now()
    parsed = forms.filter_from(request.actor, request.GET)
    for problem in parsed.problems:
        messages.warning(request, problem)
    tasks = selectors.my_tasks(request.actor, parsed.chosen, now=now)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    services.record_list_opened(actor=request.actor, count=len(page.object_list), at=now)
    query = forms.query_of(parsed.chosen)
    return render(
        request,
        "tasks/list.html",
        {
            **_actions_context(request),
            "page": page,
            "tasks": page.object_list,
            "chosen": parsed.chosen,
            "query": urlencode(query),
            "here": request.get_full_path(),
            "owners": [
                (selectors.OWNER_MINE, _("Mine and my role's")),
                (selectors.OWNER_ME, _("Assigned to me")),
                (selectors.OWNER_ROLE, _("My role's, not taken")),
                (selectors.OWNER_UNASSIGNED, _("Not taken, any role")),
                (selectors.OWNER_EVERYONE, _("Everyone's")),
            ],
            "dues": [
                (selectors.DUE_ANY, _("Any time")),
                (selectors.DUE_OVERDUE, _("Overdue")),
                (selectors.DUE_TODAY, _("By today")),
                (selectors.DUE_WEEK, _("Within 7 days")),
            ],
            "kinds": TaskKind.choices,
        },
    )


def _back(request: AuthedRequest) -> HttpResponse:
    """Back to the page the form was on (My tasks with its filters, or the chart)."""
    here = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(here, allowed_hosts={request.get_host()}):
        return redirect(here)
    return redirect("tasks:list")


def _row(request: AuthedRequest, task: Task, *, said: str = "", error: str = "") -> HttpResponse:
    context = {**_actions_context(request), "task": task, "said": said, "error": error}
    context["here"] = request.POST.get("next", reverse("tasks:list"))
    return render(request, "tasks/row.html", context)


def _act(request: AuthedRequest, task: Task, change: Any, done: str) -> HttpResponse:
    """Apply one change to a task; say what happened or what was wrong, in place or on the page
    the person came from."""
    try:
        task = change()
    except ValidationError as refused:
        if request.htmx:
            return _row(request, task, error=" ".join(refused.messages))
        for message in refused.messages:
            messages.error(request, message)
        return _back(request)
    if request.htmx:
        return _row(request, task, said=done)
    messages.success(request, done)
    return _back(request)


@requires(Capability.CHART_READ)
@require_POST
def complete(request: AuthedRequest, task_id: UUID) -> HttpResponse:
    task = selectors.access_task(request.actor, task_id)
    outcome = request.POST.get("outcome", "").strip()
    return _act(
        request,
        task,
        lambda: services.close(
            actor=request.actor,
            task=task,
            note=request.POST.get("note", ""),
            at=clock.now(),
            outcome=outcome or TaskOutcome.DONE,
        ),
        _("Task closed."),
    )


@requires(Capability.CHART_READ)
@require_POST
def reassign(request: AuthedRequest, task_id: UUID) -> HttpResponse:
    task = selectors.access_task(request.actor, task_id)

    def change() -> Task:
        owner = forms.owner_from(request.actor, request.POST)
        return services.reassign(
            actor=request.actor, task=task, at=clock.now(), assignee=owner.person, role=owner.role
        )

    return _act(request, task, change, _("Task handed on."))


@requires(Capability.CHART_READ)
@require_POST
def snooze(request: AuthedRequest, task_id: UUID) -> HttpResponse:
    task = selectors.access_task(request.actor, task_id)

    def change() -> Task:
        until = forms.moment_from(
            request.actor, request.POST, day_field="until_day", time_field="until_time"
        )
        return services.snooze(
            actor=request.actor,
            task=task,
            until=until,
            reason=request.POST.get("reason", ""),
            at=clock.now(),
        )

    return _act(request, task, change, _("Task snoozed: it comes back on its day."))


@requires(Capability.CHART_READ)
@require_POST
def add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Add a task from a child's chart; htmx gets the chart's task panel back."""
    child = access_child(request.actor, child_id)
    error = ""
    try:
        owner = forms.owner_from(request.actor, request.POST)
        services.create_by_hand(
            actor=request.actor,
            child=child,
            text=request.POST.get("text", ""),
            due_at=forms.moment_from(
                request.actor, request.POST, day_field="due_day", time_field="due_time"
            ),
            at=clock.now(),
            priority=request.POST.get("priority", TaskPriority.ROUTINE),
            assignee=owner.person,
            role=owner.role,
        )
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Task added."))
        return redirect("families:chart", child_id=child.pk)
    context = panel_context(request, child, clock.local_date(clock.now())) or {}
    context.update(
        error=error,
        said="" if error else _("Task added."),
        posted=request.POST if error else {},
    )
    return render(request, "tasks/panel.html", context)
