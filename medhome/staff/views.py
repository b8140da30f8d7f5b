from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.requests import AuthedRequest
from medhome.practices.calendar import calendar_of

from . import selectors, services
from .forms import AddMemberForm, CalendarForm, ChangeMemberForm, MeasuresRefreshForm


def set_password_link(request: AuthedRequest, user) -> str:
    return request.build_absolute_uri(services.set_password_path(user))


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def team(request: AuthedRequest) -> HttpResponse:
    form = AddMemberForm(request.POST if request.method == "POST" else None)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            membership, created = services.add_member(
                actor=request.actor, at=clock.now(), **form.cleaned_data
            )
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            messages.success(
                request,
                _("%(name)s now works here as %(role)s.")
                % {"name": membership.user, "role": membership.get_role_display()},
            )
            if created:
                link = set_password_link(request, membership.user)
            form = AddMemberForm()
    return render(
        request,
        "staff/team.html",
        {
            "members": selectors.team_of(request.actor),
            "form": form,
            "link": link,
        },
        status=400 if form.errors else 200,
    )


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def member(request: AuthedRequest, membership_id: UUID) -> HttpResponse:
    membership = selectors.access_membership(request.actor, membership_id)
    data = request.POST if request.method == "POST" else None
    form = ChangeMemberForm(
        data, initial={"role": membership.role, "is_active": membership.is_active}
    )
    if data is not None and form.is_valid():
        try:
            services.change_member(
                actor=request.actor, membership=membership, at=clock.now(), **form.cleaned_data
            )
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            messages.success(request, _("The change is saved."))
            return redirect("staff:team")
    link = None
    if selectors.may_share_password_link(request.actor, membership):
        link = set_password_link(request, membership.user)
    return render(
        request,
        "staff/member.html",
        {"membership": membership, "form": form, "link": link},
        status=400 if form.errors else 200,
    )


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def calendar(request: AuthedRequest) -> HttpResponse:
    """When the practice works: the days and hours every business deadline counts on."""
    current = calendar_of(request.actor.practice)
    form = CalendarForm(
        request.POST or None,
        initial={
            "opens_at": current.opens_at,
            "closes_at": current.closes_at,
            "working_weekdays": sorted(current.working_weekdays),
            "holidays": "\n".join(day.isoformat() for day in sorted(current.holidays)),
            "phone": request.actor.practice.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_calendar(
                actor=request.actor,
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
                working_weekdays=form.cleaned_data["working_weekdays"],
                holidays=form.cleaned_data["holidays"].split(),
                phone=form.cleaned_data["phone"],
                at=clock.now(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Calendar saved."))
            return redirect("staff:calendar")
    return render(
        request,
        "staff/calendar.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def measures_refresh(request: AuthedRequest) -> HttpResponse:
    """When the worker recomputes the practice's measures (the summary the measures pages read)."""
    form = MeasuresRefreshForm(
        request.POST or None,
        initial={"measures_refresh": request.actor.practice.measures_refresh},
    )
    if request.method == "POST" and form.is_valid():
        services.set_measures_refresh(
            actor=request.actor, refresh=form.cleaned_data["measures_refresh"], at=clock.now()
        )
        messages.success(request, _("Saved."))
        return redirect("staff:measures_refresh")
    return render(
        request,
        "staff/measures_refresh.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
