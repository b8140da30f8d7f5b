"""Improvement cycles' pages: the practice's cycles, one cycle with its history, new and edit,
the stage change, and the network's cycles with "adopt this change". Thin: parse, one service or
selector call, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.params import parse_id
from medhome.core.requests import AuthedRequest
from medhome.measures import definitions

from . import forms, selectors, services
from .models import Decision

EDIT = Capability.IMPROVEMENT_EDIT


def _apply_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@requires(Capability.MEASURES_READ)
@require_GET
def cycle_list(request: AuthedRequest) -> HttpResponse:
    rows = list(selectors.cycles(request.actor))
    return render(
        request,
        "improvement/list.html",
        {"cycles": rows, "may_edit": request.actor.can(EDIT)},
    )


@requires(Capability.MEASURES_READ)
@require_GET
def detail(request: AuthedRequest, cycle_id) -> HttpResponse:
    cycle = selectors.access_cycle(request.actor, cycle_id)
    return _detail(request, cycle, forms.StageForm(initial=_next(cycle)))


def _next(cycle) -> dict:
    following = services.NEXT_STAGE.get(cycle.stage)
    return {"to_stage": following.value} if following else {}


def _detail(request: AuthedRequest, cycle, stage_form, status: int = 200) -> HttpResponse:
    return render(
        request,
        "improvement/detail.html",
        {
            "cycle": cycle,
            "measure": definitions.MEASURES.get(cycle.measure_key),
            "history": list(selectors.history(cycle)),
            "next_stage": services.NEXT_STAGE.get(cycle.stage),
            "stage_form": stage_form,
            "may_edit": request.actor.can(EDIT),
        },
        status=status,
    )


@requires(EDIT)
def new(request: AuthedRequest) -> HttpResponse:
    practice = request.actor.practice
    if request.method == "POST":
        form = forms.CycleForm(request.POST, practice=practice)
        if form.is_valid():
            try:
                cycle = services.create_cycle(request.actor, form.to_input())
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The cycle is saved at Plan."))
                return redirect("improvement:detail", cycle_id=cycle.pk)
        status = 400
    else:
        form = forms.CycleForm(practice=practice, initial={"owner": str(request.user.pk)})
        status = 200
    return render(request, "improvement/form.html", {"form": form, "cycle": None}, status=status)


@requires(EDIT)
def edit(request: AuthedRequest, cycle_id) -> HttpResponse:
    cycle = selectors.access_cycle(request.actor, cycle_id)
    practice = request.actor.practice
    if request.method == "POST":
        form = forms.CycleForm(request.POST, practice=practice)
        if form.is_valid():
            try:
                services.update_cycle(request.actor, cycle, form.to_input())
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The cycle is saved."))
                return redirect("improvement:detail", cycle_id=cycle.pk)
        status = 400
    else:
        form = forms.CycleForm(practice=practice, initial=forms.initial_of(cycle))
        status = 200
    return render(request, "improvement/form.html", {"form": form, "cycle": cycle}, status=status)


@requires(EDIT)
@require_POST
def stage(request: AuthedRequest, cycle_id) -> HttpResponse:
    cycle = selectors.access_cycle(request.actor, cycle_id)
    form = forms.StageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.move(
                request.actor,
                cycle,
                data["to_stage"],
                decision=data["decision"],
                note=data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The cycle moved to its next stage."))
            return redirect("improvement:detail", cycle_id=cycle.pk)
    return _detail(request, cycle, form, status=400)


@requires()
@require_GET
def network(request: AuthedRequest) -> HttpResponse:
    if not selectors.may_read_network(request.actor):
        raise PermissionDenied
    rows = selectors.network_cycles(request.actor, clock.today())
    return render(
        request,
        "improvement/network.html",
        {"rows": rows, "may_adopt": request.actor.can(EDIT), "decisions": Decision},
    )


@requires(EDIT)
@require_POST
def adopt(request: AuthedRequest) -> HttpResponse:
    source = selectors.access_network_cycle(
        request.actor, parse_id(request.POST.get("cycle", ""), name="cycle")
    )
    try:
        cycle = services.adopt(request.actor, source)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("improvement:network")
    messages.success(
        request,
        _("The change is now your practice's cycle, at Plan: set its dates and owner."),
    )
    return redirect("improvement:edit", cycle_id=cycle.pk)
