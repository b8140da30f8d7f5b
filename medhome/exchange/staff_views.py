"""The staff pages of the practice's partner FHIR endpoints (thin: endpoints.py decides)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.requests import AuthedRequest

from . import endpoints
from .forms import EndpointForm


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def endpoint_list(request: AuthedRequest) -> HttpResponse:
    actor = request.actor
    form = EndpointForm(
        request.POST if request.method == "POST" else None,
        organizations=endpoints.organizations_without_endpoint(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            endpoints.save_endpoint(actor, at=clock.now(), **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The endpoint is saved and active."))
            return redirect("connections:endpoints")
    rows = [(row, endpoints.status_of(actor, row)) for row in endpoints.endpoints_of(actor)]
    return render(
        request,
        "exchange/endpoints.html",
        {"rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def endpoint_detail(request: AuthedRequest, endpoint_id: UUID) -> HttpResponse:
    actor = request.actor
    row = endpoints.access_endpoint(actor, endpoint_id)
    form = EndpointForm(
        request.POST if request.method == "POST" else None,
        initial={
            "base_url": row.base_url,
            "token_env": row.token_env,
            "notify_secret_env": row.notify_secret_env,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            endpoints.save_endpoint(actor, endpoint=row, at=clock.now(), **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("connections:endpoints")
    return render(
        request,
        "exchange/endpoint.html",
        {"endpoint": row, "status": endpoints.status_of(actor, row), "form": form},
        status=400 if form.errors else 200,
    )


@requires(Capability.USERS_MANAGE)
@require_POST
def endpoint_active(request: AuthedRequest, endpoint_id: UUID) -> HttpResponse:
    actor = request.actor
    row = endpoints.access_endpoint(actor, endpoint_id)  # 404 before reading the form
    wanted = request.POST.get("active")
    if wanted not in ("yes", "no"):
        messages.error(request, _("Choose whether the endpoint is on or off."))
        return redirect("connections:endpoints")
    try:
        endpoints.set_active(actor, row.pk, wanted == "yes", clock.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The endpoint is on: referrals are sent to it.")
            if wanted == "yes"
            else _("The endpoint is off: nothing is sent to it or read from it."),
        )
    return redirect("connections:endpoints")
