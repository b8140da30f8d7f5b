"""Booking pages: book a visit from the chart, move, cancel, and mark a visit's day.

Thin: parse, one domain call, render. The slot list is an htmx partial of the booking page,
refreshed as staff change the type, site, clinician or day.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.requests import AuthedRequest
from medhome.families.models import Child
from medhome.families.selectors import access_child
from medhome.families.services import record_opened

from . import booking, selectors, slots
from .forms import DAYS_SHOWN, BookForm, CancelForm, MoveForm, SlotSearchForm, search_defaults
from .models import Modality, Visit, VisitStatus

FAMILY_FIRST = 8  # good-time slots shown
OTHERS = 12  # then the earliest others


def _slot_groups(form: SlotSearchForm, child: Child) -> dict[str, Any]:
    """The suggested slots for a valid search: the family's good times, then the others."""
    if not form.is_valid():
        return {"searched": False}
    data = form.cleaned_data
    clinician = data["clinician"]
    suggested = slots.suggest_slots(
        child=child,
        site=data["site"],
        clinician_id=clinician.pk if clinician else None,
        kind=data["kind"],
        modality=data["modality"],
        from_day=data["from_day"],
        days=DAYS_SHOWN,
        duration=data["duration_minutes"],
        not_before=clock.now(),
    )
    return {
        "searched": True,
        "fitting": [s for s in suggested if s.fits_family][:FAMILY_FIRST],
        "others": [s for s in suggested if not s.fits_family][:OTHERS],
        "search": data,
    }


def _search_data(request: AuthedRequest, child: Child) -> QueryDict:
    if request.GET:
        return request.GET
    defaults = search_defaults(clock.today(), primary_clinician_id=child.primary_clinician_id)
    data = QueryDict(mutable=True)
    for name, value in defaults.items():
        data[name] = "" if value is None else str(value)
    return data


@requires(Capability.VISIT_BOOK)
@require_http_methods(["GET", "POST"])
def book(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    actor = request.actor
    child = access_child(actor, child_id, need=Capability.VISIT_BOOK)
    choices: dict[str, Any] = {
        "sites": selectors.sites_of(actor),
        "clinicians": selectors.clinicians_of(actor),
    }
    form: SlotSearchForm
    if request.method == "POST":
        form = BookForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit = booking.book_visit(
                    actor=actor,
                    child=child,
                    site=data["site"] if data["modality"] == Modality.IN_PERSON else None,
                    clinician_id=data["clinician"].pk if data["clinician"] else None,
                    starts_at=data["starts_at"],
                    kind=data["kind"],
                    modality=data["modality"],
                    duration_minutes=data["duration_minutes"],
                    confidential=data["confidential"],
                    at=clock.now(),
                )
            except ValidationError as refused:
                attach_errors(form, refused)
            else:
                messages.success(request, _("Visit booked for %(when)s.") % {"when": _when(visit)})
                return redirect("families:chart", child_id=child.pk)
        # Show the times again, with the reason this one could not be booked.
        search = SlotSearchForm(request.POST, **choices)
    else:
        search = form = SlotSearchForm(_search_data(request, child), **choices)
    context = {
        "child": child,
        "form": search,
        "booking_errors": form.errors if form is not search else None,
        "action": reverse("visits:book", args=[child.pk]),
        **_slot_groups(search, child),
    }
    if request.htmx and request.method == "GET":
        return render(request, "visits/book.html#slots", context)
    record_opened(actor=actor, record_of=child, at=clock.now())
    caregivers = selectors.family_times(child)
    context |= {
        "caregivers": caregivers,
        "barrier": any(c.has_transportation_barrier for c in caregivers),
    }
    return render(request, "visits/book.html", context, status=400 if form.errors else 200)


def _when(visit: Visit) -> str:
    return formats.date_format(timezone.localtime(visit.starts_at), "l m/d/Y H:i")


@requires(Capability.VISIT_BOOK)
@require_http_methods(["GET", "POST"])
def move(request: AuthedRequest, visit_id: UUID) -> HttpResponse:
    actor = request.actor
    visit = selectors.access_visit(actor, visit_id, need=Capability.VISIT_BOOK)
    choices: dict[str, Any] = {
        "sites": selectors.sites_of(actor),
        "clinicians": selectors.clinicians_of(actor),
    }
    errors = None
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            try:
                booking.move_visit(
                    actor=actor,
                    visit=visit,
                    starts_at=form.cleaned_data["starts_at"],
                    at=clock.now(),
                )
            except ValidationError as refused:
                attach_errors(form, refused)
            else:
                messages.success(request, _("Visit moved to %(when)s.") % {"when": _when(visit)})
                return redirect("families:chart", child_id=visit.child_id)
        errors = form.errors
    data = QueryDict(mutable=True)
    data.update(
        {
            "kind": visit.kind,
            "modality": visit.modality,
            "site": str(visit.site_id or ""),
            "clinician": str(visit.clinician_id or ""),
            "duration_minutes": str(visit.duration_minutes),
            "from_day": str(request.GET.get("from_day") or clock.today()),
        }
    )
    search = SlotSearchForm(data, **choices)
    context = {
        "visit": visit,
        "child": visit.child,
        "form": search,
        "booking_errors": errors,
        "action": reverse("visits:move", args=[visit.pk]),
        **_slot_groups(search, visit.child),
    }
    record_opened(actor=actor, record_of=visit.child, at=clock.now())
    return render(request, "visits/move.html", context, status=400 if errors else 200)


@requires(Capability.VISIT_BOOK)
@require_http_methods(["GET", "POST"])
def cancel(request: AuthedRequest, visit_id: UUID) -> HttpResponse:
    visit = selectors.access_visit(request.actor, visit_id, need=Capability.VISIT_BOOK)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking.cancel_visit(
                actor=request.actor, visit=visit, reason=form.cleaned_data["reason"], at=clock.now()
            )
        except ValidationError as refused:
            attach_errors(form, refused)
        else:
            messages.success(request, _("The visit is cancelled."))
            return redirect("families:chart", child_id=visit.child_id)
    status = 400 if form.errors else 200
    return render(request, "visits/cancel.html", {"visit": visit, "form": form}, status=status)


MARKS: dict[str, Any] = {
    VisitStatus.ARRIVED: gettext_lazy("Marked as arrived."),
    VisitStatus.COMPLETED: gettext_lazy("Marked as completed."),
    VisitStatus.NO_SHOW: gettext_lazy("Marked as did not come."),
}


@requires(Capability.VISIT_BOOK)
@require_POST
def mark(request: AuthedRequest, visit_id: UUID) -> HttpResponse:
    """Arrived, completed or did not come, from the chart or from Today's list."""
    visit = selectors.access_visit(request.actor, visit_id, need=Capability.VISIT_BOOK)
    target = request.POST.get("to", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("families:chart", args=[visit.child_id])
    if target not in booking.MOVES:
        messages.error(request, _("Choose arrived, completed or did not come."))
        return redirect(back)
    try:
        booking.MOVES[target](actor=request.actor, visit=visit, at=clock.now())
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, str(MARKS[target]))
    return redirect(back)
