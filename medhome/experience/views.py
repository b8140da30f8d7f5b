"""Staff pages of the experience survey: the families' comments (the quality lead only), who the
quality lead is, staff entry of the practice's licensed CAHPS form, and the network's
aggregates. Thin: parse, one domain call, render."""

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest

from . import definitions, selectors, services

DAY_CHOICES = (("30", 30), ("90", 90), ("365", 365))


def _page(request: AuthedRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


@requires(Capability.MEASURES_READ)
@require_GET
def comments(request: AuthedRequest) -> HttpResponse:
    page = _page(request)
    rows = selectors.comments_for_quality_lead(request.actor, at=clock.now(), page=page)
    return render(
        request,
        "experience/comments.html",
        {"rows": rows, "page": page, "more": len(rows) == selectors.COMMENTS_PAGE},
    )


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def quality_lead(request: AuthedRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            services.choose_quality_lead(
                actor=request.actor, user_id=request.POST.get("user", ""), at=clock.now()
            )
        except (ValidationError, ValueError):
            error, status = _("Choose an active member of this practice."), 400
        else:
            messages.success(request, _("The quality lead was saved."))
            return redirect("experience:quality_lead")
    return render(
        request,
        "experience/quality_lead.html",
        {
            "lead": selectors.quality_lead_of(request.actor.practice_id),
            "members": selectors.members_for_lead(request.actor),
            "error": error,
        },
        status=status,
    )


@requires(Capability.MEASURES_READ)
@require_http_methods(["GET", "POST"])
def staff_entry(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Key a family's answers from the practice's own fielded CAHPS form (item numbers and
    response options only: medhome ships none of its wording)."""
    child = selectors.access_child_for_entry(request.actor, child_id, at=clock.now())
    survey = definitions.CAHPS_CG_CHILD_STAFF
    errors: dict[str, list[str]] = {}
    values = {item.key: request.POST.get(item.key, "") for item in survey.items}
    answered_on = request.POST.get("answered_on", clock.today().isoformat())
    status = 200
    if request.method == "POST":
        try:
            day = date.fromisoformat(answered_on)
        except ValueError:
            errors = {"answered_on": [_("Enter the date the form was answered (YYYY-MM-DD).")]}
        else:
            try:
                services.enter_licensed_form(
                    actor=request.actor,
                    child=child,
                    visit=None,
                    answers=values,
                    language=request.POST.get("language", "en"),
                    answered_on=day,
                    at=clock.now(),
                )
            except ValidationError as invalid:
                errors = invalid.message_dict
            else:
                messages.success(request, _("The form's answers were saved."))
                return redirect("experience:staff_entry", child_id=child.pk)
        status = 400
    return render(
        request,
        "experience/staff_entry.html",
        {
            "child": child,
            "survey": survey,
            "items": [(item, values[item.key]) for item in survey.items],
            "errors": errors,
            "answered_on": answered_on,
            "refusal": definitions.LINK_REFUSAL,
        },
        status=status,
    )


@requires()
@require_GET
def network(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    days = request.GET.get("days", "365")
    if days not in dict(DAY_CHOICES):
        messages.error(request, _("That period is not one of the choices; showing a year."))
        days = "365"
    dimension = request.GET.get("by", selectors.DEFAULT_DIMENSION)
    if dimension not in selectors.DIMENSIONS:
        messages.error(request, _("That grouping is not one of the choices."))
        dimension = selectors.DEFAULT_DIMENSION
    start = date.fromordinal(today.toordinal() - int(days) + 1)
    return render(
        request,
        "experience/network.html",
        {
            **selectors.network_results(request.actor, start, today, dimension),
            "days": days,
            "day_choices": DAY_CHOICES,
            "start": start,
            "end": today,
        },
    )
