"""The practice's programs pages: what it runs (and, for programs.manage, adding from the
catalogue, adding its own, stopping and restarting) and a program's page with its counts and the
eligible children it has not reached. Thin: parse, one domain call, render."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.directory.vocabulary import Need

from . import forms, lists, selectors, services
from .models import Program
from .services import eligibility_words


def _program_row(program: Program) -> dict[str, Any]:
    return {
        "program": program,
        "ages": eligibility_words(program),
        "roles": lists.role_labels(program.roles),
        "tiers": [tier["name"] for tier in program.tier_rows()],
        "need": str(Need(program.referral_need).label)
        if program.referral_need in Need.values
        else program.referral_need,
    }


def _list_page(request: AuthedRequest, own: forms.OwnProgramForm, status: int = 200):
    manage = request.actor.can(Capability.PROGRAM_MANAGE)
    return render(
        request,
        "programs/list.html",
        {
            "rows": [_program_row(p) for p in lists.programs_with_counts(request.actor)],
            "manage": manage,
            "catalogue": lists.not_added(request.actor) if manage else [],
            "own": own,
        },
        status=status,
    )


@requires(Capability.CHART_READ)
@require_GET
def program_list(request: AuthedRequest) -> HttpResponse:
    return _list_page(request, forms.OwnProgramForm())


@requires(Capability.PROGRAM_MANAGE)
@require_POST
def add(request: AuthedRequest) -> HttpResponse:
    try:
        program = services.add_program(
            actor=request.actor, definition=request.POST.get("definition", ""), at=clock.now()
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(p)s added.") % {"p": program.display_name})
    return redirect("programs:list")


@requires(Capability.PROGRAM_MANAGE)
@require_POST
def add_own(request: AuthedRequest) -> HttpResponse:
    form = forms.OwnProgramForm(request.POST)
    if form.is_valid():
        try:
            program = services.add_own_program(
                actor=request.actor, key=form.key(), fields=form.service_fields(), at=clock.now()
            )
        except ValidationError as refused:
            form.add_service_errors(refused.message_dict)
        else:
            messages.success(request, _("%(p)s added.") % {"p": program.display_name})
            return redirect("programs:list")
    return _list_page(request, form, status=400)


@requires(Capability.PROGRAM_MANAGE)
@require_POST
def running(request: AuthedRequest, program_id: UUID) -> HttpResponse:
    program = selectors.access_program(request.actor, program_id)
    run = request.POST.get("running") == "yes"
    services.set_running(actor=request.actor, program=program, running=run, at=clock.now())
    if run:
        messages.success(request, _("%(p)s is running again.") % {"p": program.display_name})
    else:
        messages.success(request, _("%(p)s is stopped.") % {"p": program.display_name})
    return redirect("programs:list")


@requires(Capability.CHART_READ)
@require_GET
def detail(request: AuthedRequest, program_id: UUID) -> HttpResponse:
    program = selectors.access_program(request.actor, program_id)
    now = clock.now()
    today = clock.local_date(now)
    page = None
    bounds = forms.Bounds(None, None)
    # A partner program is reached by referral: its list would be every eligible child.
    if not program.is_partner:
        bounds = forms.bounds_from(program, request.GET)
        page = lists.not_reached_page(
            request.actor,
            program,
            today=today,
            min_age_days=bounds.min_days,
            max_age_days=bounds.max_days,
            page_number=request.GET.get("page"),
            bounds=bounds.query(),
            at=now,
        )
    return render(
        request,
        "programs/detail.html",
        {
            **_program_row(program),
            "tier_rows": program.tier_rows(),
            "counts": lists.counts(request.actor, program, today=today),
            "presets": forms.presets(program),
            "bounds": bounds,
            "page": page,
            "today": today,
        },
    )
