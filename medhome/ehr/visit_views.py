"""Staff pages that close schedule rows at the visit (services in visit_rows.py). Thin: parse,
one domain call, answer with the chart section again (htmx) or a redirect to the chart."""

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_child

from . import visit_rows
from .visit_chart import panel_context


def _answer(request: AuthedRequest, child: object, error: ValidationError | None) -> HttpResponse:
    if error is not None:
        messages.error(request, " ".join(str(m) for m in error.messages))
    else:
        messages.success(request, _("Saved."))
    if request.htmx:
        context = panel_context(request, child, clock.today()) or {}
        return render(request, "ehr/visit_rows.html", context, status=400 if error else 200)
    return redirect(reverse("families:chart", args=[child.pk]) + "#visit-rows")  # type: ignore[attr-defined]


@requires(Capability.SCHEDULE_RECORD)
@require_POST
def guidance(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    error = None
    try:
        visit_rows.record_guidance(
            actor=request.actor,
            child=child,
            topics=request.POST.getlist("topic"),
            on=clock.today(),
            at=clock.now(),
        )
    except ValidationError as invalid:
        error = invalid
    return _answer(request, child, error)


@requires(Capability.SCHEDULE_RECORD)
@require_POST
def elsewhere(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    error = None
    try:
        try:
            done_on = date.fromisoformat(request.POST.get("done_on", ""))
        except ValueError:
            raise ValidationError(_("Enter the date it was done.")) from None
        visit_rows.record_elsewhere(
            actor=request.actor,
            child=child,
            row=request.POST.get("row", ""),
            place=request.POST.get("place", ""),
            done_on=done_on,
            today=clock.today(),
            at=clock.now(),
        )
    except ValidationError as invalid:
        error = invalid
    return _answer(request, child, error)


@requires(Capability.SCHEDULE_RECORD)
@require_POST
def immunization(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    error = None
    try:
        visit_rows.record_immunization_addressed(
            actor=request.actor,
            child=child,
            outcome=request.POST.get("outcome", ""),
            on=clock.today(),
            at=clock.now(),
        )
    except ValidationError as invalid:
        error = invalid
    return _answer(request, child, error)
