"""The buttons on a proposed next step: make it a task, refer (to the consent step), mark it
done, decline it with a reason. Thin: parse, one domain call, back to where the person was."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest

from . import definitions, selectors, services
from .models import NextStep


def _back(request: AuthedRequest, step: NextStep) -> HttpResponse:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return redirect(wanted)
    return redirect("screening:result", step.positive_screen.administration_id)


def _errors(request: AuthedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@requires(Capability.SCREENING_RESULTS)
@require_POST
def make_task(request: AuthedRequest, step_id: UUID) -> HttpResponse:
    step = selectors.access_step(request.actor, step_id)
    try:
        services.make_task(actor=request.actor, step=step, at=clock.now())
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The step is on the team's task list."))
    return _back(request, step)


@requires(Capability.REFERRAL_SEND)
@require_POST
def refer(request: AuthedRequest, step_id: UUID) -> HttpResponse:
    step = selectors.access_step(request.actor, step_id)
    try:
        referral = services.refer(actor=request.actor, step=step, at=clock.now())
    except ValidationError as error:
        _errors(request, error)
        return _back(request, step)
    if referral is None:
        # No match in the directory: choose the organization on the referral's own page.
        screen = step.positive_screen
        query = urlencode(
            {"from": str(screen.administration_id), "need": definitions.STEPS[step.key].need}
        )
        return redirect(f"{reverse('referrals:start', args=[screen.child_id])}?{query}")
    return redirect("referrals:consent", referral_id=referral.pk)


@requires(Capability.SCREENING_RESULTS)
@require_POST
def mark_done(request: AuthedRequest, step_id: UUID) -> HttpResponse:
    step = selectors.access_step(request.actor, step_id)
    try:
        services.mark_done(actor=request.actor, step=step, at=clock.now())
    except ValidationError as error:
        _errors(request, error)
    return _back(request, step)


@requires(Capability.ALERT_ACKNOWLEDGE)
@require_POST
def decline(request: AuthedRequest, step_id: UUID) -> HttpResponse:
    step = selectors.access_step(request.actor, step_id)
    try:
        services.decline(
            actor=request.actor, step=step, reason=request.POST.get("reason", ""), at=clock.now()
        )
    except ValidationError as error:
        _errors(request, error)
    return _back(request, step)
