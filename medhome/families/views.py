"""Staff pages of the family record. Thin: parse, one domain call, render."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.audit.selectors import openings_of
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.panels import render_chart_panels
from medhome.core.requests import AuthedRequest

from . import attribution, selectors, services
from .forms import (
    CaregiverForm,
    ChildForm,
    EndMembershipForm,
    FamilyForm,
    PreferencesForm,
    PrimaryClinicianForm,
    RejoinForm,
    window_formset,
)

STALE_MESSAGE = _(
    "Someone else saved this record while you were editing. Your changes were not saved: "
    "review the current values and try again."
)


def redirect_to_family(family) -> HttpResponse:
    child_id = selectors.first_child_id(family)
    return (
        redirect("families:chart", child_id=child_id) if child_id else redirect("families:search")
    )


def page(request: AuthedRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


@requires(Capability.CHART_READ)
@require_http_methods(["GET", "POST"])
def search(request: AuthedRequest) -> HttpResponse:
    """Find a child by name, date of birth or MRN. POST, so the query never appears in a URL.

    The last query is kept in the (server-side) session for this practice, so Back, reload and
    a chart's "Back to results" show the same results again without the query in any URL."""
    if request.method == "POST":
        query = request.POST.get("q", "")
        request.session[LAST_SEARCH] = {"practice": str(request.actor.practice.pk), "q": query}
    else:
        query = last_search(request)
    results = selectors.search_children(request.actor, query) if query.strip() else []
    if query.strip():
        services.record_search(actor=request.actor, result_count=len(results), at=clock.now())
    context = {"query": query, "results": results, "searched": bool(query.strip())}
    if request.htmx:
        return render(request, "families/search.html#results", context)
    return page(request, "families/search.html", context)


LAST_SEARCH = "families.last_search"


def last_search(request: AuthedRequest) -> str:
    """This session's last child search in the current practice, or ""."""
    kept = request.session.get(LAST_SEARCH) or {}
    return kept.get("q", "") if kept.get("practice") == str(request.actor.practice.pk) else ""


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def chart(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = selectors.chart_of(request.actor, child_id)
    services.record_chart_opened(actor=request.actor, child=child, at=clock.now())
    openings = openings_of(request.actor, object_type=services.CHILD_OBJECT, object_id=child.pk)
    today = clock.today()
    return page(
        request,
        "families/chart.html",
        {
            "child": child,
            "caregivers": child.family.caregivers.all(),
            "siblings": [c for c in child.family.children.all() if c.pk != child.pk],
            "openings": openings.select_related("actor")[:25],
            "today": today,
            "back_to_results": bool(last_search(request).strip()),
            "panels": render_chart_panels(request, child, today),
            **_attribution_context(request, child, today),
        },
    )


def _attribution_context(request: AuthedRequest, child, today) -> dict:
    """The chart's panel memberships, and the forms for those who keep the panel."""
    memberships = list(child.memberships.all())
    current = selectors.membership_on(child, today)
    context = {
        "memberships": memberships,
        "on_panel": current,
        "last_membership": memberships[-1] if memberships else None,
        "open_membership": next((m for m in memberships if m.ends_on is None), None),
    }
    if request.actor.can(Capability.ATTRIBUTION_MANAGE):
        context["end_form"] = EndMembershipForm(initial={"ends_on": today})
        context["rejoin_form"] = RejoinForm(initial={"starts_on": today})
        context["clinician_form"] = PrimaryClinicianForm(
            practice=request.actor.practice,
            initial={"primary_clinician": child.primary_clinician_id},
        )
    return context


PANEL_ACTIONS = {
    "end": _("The child is no longer on the panel."),
    "rejoin": _("The child is back on the panel."),
    "clinician": _("The primary care clinician is changed."),
}


@requires(Capability.ATTRIBUTION_MANAGE)
@require_http_methods(["POST"])
def panel_membership(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """End the child's panel membership, rejoin the panel, or change the primary care
    clinician (docs/clinical-rules.md#attribution); a refusal says why, nothing is saved."""
    child = selectors.access_child(request.actor, child_id, need=Capability.ATTRIBUTION_MANAGE)
    action = request.POST.get("action", "")
    actor, now = request.actor, clock.now()
    form: EndMembershipForm | RejoinForm | PrimaryClinicianForm
    if action == "end":
        form = EndMembershipForm(request.POST)
    elif action == "rejoin":
        form = RejoinForm(request.POST)
    elif action == "clinician":
        form = PrimaryClinicianForm(request.POST, practice=actor.practice)
    else:
        return HttpResponse(_("Unknown action."), status=400)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        data = form.cleaned_data
        if action == "end":
            attribution.end_membership(
                actor=actor, child=child, ends_on=data["ends_on"], reason=data["end_reason"], at=now
            )
        elif action == "rejoin":
            attribution.reopen_membership(
                actor=actor, child=child, starts_on=data["starts_on"], at=now
            )
        else:
            clinician = data["primary_clinician"]
            attribution.change_primary_clinician(
                actor=actor, child=child, clinician_id=clinician.pk if clinician else None, at=now
            )
    except ValidationError as refused:
        for message in _messages_of(refused):
            messages.error(request, message)
    else:
        messages.success(request, PANEL_ACTIONS[action])
    return redirect("families:chart", child_id=child.pk)


def _messages_of(refused: ValidationError) -> list[str]:
    if hasattr(refused, "error_dict"):
        return [str(m) for values in refused.message_dict.values() for m in values]
    return [str(m) for m in refused.messages]


@requires(Capability.FAMILY_CREATE)
@require_http_methods(["GET", "POST"])
def register_family(request: AuthedRequest) -> HttpResponse:
    practice = request.actor.practice
    data = request.POST if request.method == "POST" else None
    family_form = FamilyForm(data)
    caregiver_form = CaregiverForm(data, prefix="caregiver")
    windows = window_formset(data)
    child_form = ChildForm(data, prefix="child", practice=practice)
    forms = [family_form, caregiver_form, windows, child_form]
    if data is not None and all(f.is_valid() for f in forms):
        try:
            family, child = services.register_family(
                actor=request.actor,
                family_name=family_form.cleaned_data["family_name"],
                caregiver=caregiver_form.cleaned_data,
                windows=windows.windows(),
                child={k: v for k, v in child_form.cleaned_data.items() if k != "version"},
                at=clock.now(),
            )
        except services.InvalidPart as invalid:
            target = {"family": family_form, "caregiver": caregiver_form, "child": child_form}
            attach_errors(target[invalid.part], invalid.error)
        except ValidationError as invalid:
            attach_errors(caregiver_form, invalid)
        else:
            messages.success(request, _("The family is registered."))
            return redirect("families:chart", child_id=child.pk)
    return page(
        request,
        "families/register.html",
        {
            "family_form": family_form,
            "caregiver_form": caregiver_form,
            "windows": windows,
            "child_form": child_form,
        },
        status=400 if data is not None else 200,
    )


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def add_child(request: AuthedRequest, family_id: UUID) -> HttpResponse:
    family = selectors.access_family(request.actor, family_id, need=Capability.FAMILY_EDIT)
    data = request.POST if request.method == "POST" else None
    form = ChildForm(
        data,
        prefix="child",
        practice=request.actor.practice,
        initial=selectors.sibling_defaults(family),
    )
    if data is not None and form.is_valid():
        try:
            values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            child = services.add_child(
                actor=request.actor, family=family, values=values, at=clock.now()
            )
        except ValidationError as invalid:
            attach_errors(form, invalid)
        else:
            messages.success(request, _("The child is added to the family."))
            return redirect("families:chart", child_id=child.pk)
    if data is None:  # opening the form reads the record; a refused POST saves nothing
        services.record_opened(actor=request.actor, record_of=family, at=clock.now())
    return page(
        request,
        "families/child_form.html",
        {"form": form, "family": family},
        status=400 if data is not None else 200,
    )


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def edit_child(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = selectors.access_child(request.actor, child_id, need=Capability.FAMILY_EDIT)
    data = request.POST if request.method == "POST" else None
    form = ChildForm(
        data,
        prefix="child",
        practice=request.actor.practice,
        instance=child,
        initial={"version": child.version},
    )
    if data is not None and form.is_valid():
        try:
            with transaction.atomic():
                services.update_child(
                    actor=request.actor,
                    child=child,
                    values={k: v for k, v in form.cleaned_data.items() if k != "version"},
                    version=form.cleaned_data["version"] or 0,
                    at=clock.now(),
                )
        except services.StaleEdit:
            form.add_error(None, STALE_MESSAGE)
        except ValidationError as invalid:
            attach_errors(form, invalid)
        else:
            messages.success(request, _("The child's record is saved."))
            return redirect("families:chart", child_id=child.pk)
    if data is None:  # opening the form reads the record; a refused POST saves nothing
        services.record_opened(actor=request.actor, record_of=child, at=clock.now())
    return page(
        request,
        "families/child_form.html",
        {"form": form, "family": child.family, "child": child},
        status=400 if data is not None else 200,
    )


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def add_caregiver(request: AuthedRequest, family_id: UUID) -> HttpResponse:
    family = selectors.access_family(request.actor, family_id, need=Capability.FAMILY_EDIT)
    data = request.POST if request.method == "POST" else None
    form = CaregiverForm(data, prefix="caregiver")
    windows = window_formset(data)
    if data is not None and form.is_valid() and windows.is_valid():
        try:
            services.add_caregiver(
                actor=request.actor,
                family=family,
                values=form.cleaned_data,
                windows=windows.windows(),
                at=clock.now(),
            )
        except ValidationError as invalid:
            attach_errors(form, invalid)
        else:
            messages.success(request, _("The caregiver is added to the family."))
            return redirect_to_family(family)
    if data is None:  # opening the form reads the record; a refused POST saves nothing
        services.record_opened(actor=request.actor, record_of=family, at=clock.now())
    return page(
        request,
        "families/caregiver_form.html",
        {"form": form, "windows": windows, "family": family},
        status=400 if data is not None else 200,
    )


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def edit_preferences(request: AuthedRequest, caregiver_id: UUID) -> HttpResponse:
    caregiver = selectors.access_caregiver(request.actor, caregiver_id)
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(
        data, prefix="caregiver", instance=caregiver, initial={"version": caregiver.version}
    )
    windows = window_formset(data, caregiver=caregiver)
    if data is not None and form.is_valid() and windows.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_caregiver_preferences(
                actor=request.actor,
                caregiver=caregiver,
                values=values,
                windows=windows.windows(),
                version=form.cleaned_data["version"],
                at=clock.now(),
            )
        except services.StaleEdit:
            form.add_error(None, STALE_MESSAGE)
        except ValidationError as invalid:
            attach_errors(form, invalid)
        else:
            messages.success(request, _("The family's preferences are saved."))
            return redirect_to_family(caregiver.family)
    if data is None:  # opening the form reads the record; a refused POST saves nothing
        services.record_opened(actor=request.actor, record_of=caregiver, at=clock.now())
    return page(
        request,
        "families/preferences_form.html",
        {"form": form, "windows": windows, "caregiver": caregiver, "family": caregiver.family},
        status=400 if data is not None else 200,
    )


@requires(Capability.NETWORK_AGGREGATES)
@require_http_methods(["GET"])
def network(request: AuthedRequest) -> HttpResponse:
    return page(
        request, "families/network.html", {"rows": selectors.network_panel_summary(request.actor)}
    )
