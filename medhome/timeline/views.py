"""A child's timeline and recording a visit. Thin: parse, one domain call, render."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_child
from medhome.families.services import record_chart_opened

from . import forms, selectors, services


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def child_timeline(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    record_chart_opened(actor=request.actor, child=child, at=clock.now())
    return render(
        request,
        "timeline/child.html",
        {"child": child, "entries": selectors.timeline_of(request.actor, child)},
    )


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def record_visit(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id, need=Capability.FAMILY_EDIT)
    form = forms.VisitForm(request.POST or None, practice=request.actor.practice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = data["starts_at"]
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        try:
            services.record_past_visit(
                actor=request.actor,
                child=child,
                kind=data["kind"],
                starts_at=starts_at,
                modality=data["modality"],
                clinician_id=int(data["clinician"]) if data["clinician"] else None,
                site=data["site"],
                at=clock.now(),
            )
        except ValidationError as error:
            forms_errors(form, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("timeline:child", child_id=child.pk)
    return render(
        request,
        "timeline/record_visit.html",
        {"child": child, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def forms_errors(form: forms.VisitForm, error: ValidationError) -> None:
    for name, found in error.message_dict.items():
        form.add_error(name if name in form.fields else None, found)
