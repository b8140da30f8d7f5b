"""Break-glass pages. Thin: parse, one domain call, render or redirect."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.requests import AuthedRequest

from . import selectors, services
from .forms import GrantForm, ReviewForm

GRANTS_OBJECT = "break_glass_grants"


@requires(Capability.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def request_access(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Ask for emergency access to one child: a reason, then the chart opens for a while."""
    child = selectors.child_for_grant(request.actor, child_id)
    form = GrantForm(request.POST if request.method == "POST" else None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.open_grant(
                actor=request.actor,
                child=child,
                reason_category=form.cleaned_data["reason_category"],
                reason_text=form.cleaned_data["reason_text"],
                at=clock.now(),
            )
        except ValidationError as refused:
            attach_errors(form, refused)
        else:
            messages.warning(
                request,
                _(
                    "Emergency access is open for %(minutes)d minutes. Your practice admin has "
                    "been told and will review it."
                )
                % {"minutes": services.minutes()},
            )
            return redirect("families:chart", child_id=grant.child_id)
    context = {
        "child_id": child.pk,
        "form": form,
        "minutes": services.minutes(),
        "shortest": services.reason_min_length(),
    }
    return render(request, "breakglass/request.html", context, status=status)


@requires(Capability.BREAK_GLASS)
@require_POST
def end(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = selectors.child_for_grant(request.actor, child_id)
    try:
        services.end_grant(actor=request.actor, child=child, at=clock.now())
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Emergency access ended."))
    if request.actor.can(Capability.CHART_READ):
        return redirect("families:chart", child_id=child.pk)
    return redirect("home")


@requires(Capability.BREAK_GLASS_REVIEW)
@require_GET
def grants(request: AuthedRequest) -> HttpResponse:
    """The practice's break-glass grants for the practice admin: to review first, then the rest."""
    now = clock.now()
    shown = list(selectors.grants_to_review(request.actor, at=now)[: selectors.LIST_LIMIT])
    record(
        actor=request.actor,
        action=Action.VIEW,
        object_type=GRANTS_OBJECT,
        at=now,
        detail={"shown": len(shown)},
    )
    return render(
        request,
        "breakglass/grants.html",
        {
            "grants": shown,
            "now": now,
            "to_review": sum(1 for grant in shown if grant.reviewed_at is None),
            "user_id": request.user.pk,
            "form": ReviewForm(),
        },
    )


@requires(Capability.BREAK_GLASS_REVIEW)
@require_POST
def review(request: AuthedRequest, grant_id: UUID) -> HttpResponse:
    grant = selectors.access_grant(request.actor, grant_id)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.review_grant(
            actor=request.actor,
            grant=grant,
            note=form.cleaned_data.get("note", ""),
            at=clock.now(),
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Marked reviewed."))
    return redirect("breakglass:grants")
