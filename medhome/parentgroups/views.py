"""The staff's parent-groups pages, all with `parentgroups.run` (never chart.read: a parent
partner runs them and opens no chart). Thin: parse, one domain call, render. Every page that
lists caregivers records that read in the audit trail."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.params import parse_id
from medhome.core.requests import AuthedRequest

from . import forms, selectors, services
from .models import ParentGroup

RUN = Capability.PARENT_GROUPS_RUN


def _errors(request: AuthedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _to_group(group_id: UUID) -> HttpResponse:
    return redirect("parentgroups:detail", group_id=group_id)


@requires(RUN)
@require_GET
def group_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "parentgroups/list.html",
        {"groups": selectors.groups(request.actor, at=clock.now())},
    )


def _group_form(
    request: AuthedRequest, group: ParentGroup | None
) -> tuple[forms.GroupForm, HttpResponse | None]:
    if request.method != "POST":
        return forms.GroupForm(initial=forms.GroupForm.initial_of(group), actor=request.actor), None
    form = forms.GroupForm(request.POST, actor=request.actor)
    if form.is_valid():
        try:
            if group is None:
                group = services.create_group(
                    actor=request.actor, values=form.values(), at=clock.now()
                )
                messages.success(request, _("The group was added."))
            else:
                services.update_group(
                    actor=request.actor, group=group, values=form.values(), at=clock.now()
                )
                messages.success(request, _("The group was saved."))
            return form, _to_group(group.pk)
        except ValidationError as refused:
            for name, words in refused.message_dict.items():
                form.add_error(name if name in form.fields else None, words)
    return form, None


@requires(RUN)
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest) -> HttpResponse:
    form, done = _group_form(request, None)
    if done is not None:
        return done
    status = 400 if request.method == "POST" else 200
    return render(request, "parentgroups/edit.html", {"form": form, "group": None}, status=status)


@requires(RUN)
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, group_id: UUID) -> HttpResponse:
    group = selectors.access_group(request.actor, group_id)
    form, done = _group_form(request, group)
    if done is not None:
        return done
    status = 400 if request.method == "POST" else 200
    return render(request, "parentgroups/edit.html", {"form": form, "group": group}, status=status)


def _detail_page(
    request: AuthedRequest, group: ParentGroup, meeting_form: forms.MeetingForm, status: int = 200
) -> HttpResponse:
    now = clock.now()
    page = selectors.group_page(request.actor, group)
    services.record_listed(
        actor=request.actor, caregivers=page.caregivers, page="parentgroups:detail", at=now
    )
    return render(
        request,
        "parentgroups/detail.html",
        {"page": page, "group": group, "meeting_form": meeting_form, "now": now},
        status=status,
    )


@requires(RUN)
@require_GET
def detail(request: AuthedRequest, group_id: UUID) -> HttpResponse:
    group = selectors.access_group(request.actor, group_id)
    return _detail_page(request, group, forms.MeetingForm())


@requires(RUN)
@require_POST
def add_meeting(request: AuthedRequest, group_id: UUID) -> HttpResponse:
    group = selectors.access_group(request.actor, group_id)
    form = forms.MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.add_meeting(
                actor=request.actor,
                group=group,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                topics=form.topic_list(),
                at=clock.now(),
            )
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                for name, words in refused.message_dict.items():
                    form.add_error(name if name in form.fields else None, words)
            else:
                form.add_error(None, refused)
        else:
            messages.success(request, _("The meeting was added."))
            return _to_group(group.pk)
    return _detail_page(request, group, form, status=400)


@requires(RUN)
@require_POST
def cancel_meeting(request: AuthedRequest, meeting_id: UUID) -> HttpResponse:
    meeting = selectors.access_meeting(request.actor, meeting_id)
    try:
        services.cancel_meeting(actor=request.actor, meeting=meeting, at=clock.now())
    except ValidationError as refused:
        _errors(request, refused)
    else:
        messages.success(request, _("The meeting was cancelled."))
    return _to_group(meeting.group_id)


@requires(RUN)
@require_http_methods(["GET", "POST"])
def attendance(request: AuthedRequest, meeting_id: UUID) -> HttpResponse:
    """Who came, for every caregiver signed up, in one form."""
    meeting = selectors.access_meeting(request.actor, meeting_id)
    now = clock.now()
    status = 200
    if request.method == "POST":
        marks: dict[UUID, bool] = {}
        for key, value in request.POST.items():
            if key.startswith("came-") and value in ("yes", "no"):
                marks[parse_id(key.removeprefix("came-"), name="caregiver")] = value == "yes"
        try:
            services.record_attendance(actor=request.actor, meeting=meeting, marks=marks, at=now)
        except ValidationError as refused:
            _errors(request, refused)
            status = 400
        else:
            messages.success(request, _("Attendance was saved."))
            return _to_group(meeting.group_id)
    rows = selectors.attendance_sheet(request.actor, meeting)
    services.record_listed(
        actor=request.actor,
        caregivers=[row.caregiver for row in rows],
        page="parentgroups:attendance",
        at=now,
    )
    return render(
        request,
        "parentgroups/attendance.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "rows": rows,
            "begun": meeting.starts_at <= now,
        },
        status=status,
    )


@requires(RUN)
@require_http_methods(["GET", "POST"])
def sign_up(request: AuthedRequest, group_id: UUID) -> HttpResponse:
    """Find a caregiver by name (a POST: no name in a URL) and sign them up, or send them the
    family's groups link."""
    group = selectors.access_group(request.actor, group_id)
    now = clock.now()
    if request.method == "POST" and request.POST.get("caregiver"):
        caregiver = selectors.access_caregiver(
            request.actor, parse_id(request.POST["caregiver"], name="caregiver")
        )
        try:
            services.sign_up(actor=request.actor, group=group, caregiver=caregiver, at=now)
        except ValidationError as refused:
            _errors(request, refused)
        else:
            messages.success(
                request, _("%(name)s is signed up.") % {"name": _caregiver_name(caregiver)}
            )
        return _to_group(group.pk)
    form = forms.FindCaregiverForm(request.POST if request.method == "POST" else None)
    found: list[Any] = []
    if form.is_valid():
        found = selectors.find_caregivers(request.actor, form.cleaned_data["q"])
        services.record_listed(
            actor=request.actor, caregivers=found, page="parentgroups:sign_up", at=now
        )
    return render(
        request,
        "parentgroups/sign_up.html",
        {"group": group, "form": form, "found": found, "searched": form.is_bound},
    )


def _caregiver_name(caregiver: Any) -> str:
    return f"{caregiver.given_name} {caregiver.family_name}"


@requires(RUN)
@require_POST
def withdraw(request: AuthedRequest, signup_id: UUID) -> HttpResponse:
    row = selectors.access_sign_up(request.actor, signup_id)
    try:
        services.withdraw(actor=request.actor, sign_up=row, at=clock.now())
    except ValidationError as refused:
        _errors(request, refused)
    else:
        messages.success(
            request, _("%(name)s was withdrawn.") % {"name": _caregiver_name(row.caregiver)}
        )
    return _to_group(row.group_id)


@requires(RUN)
@require_POST
def send_link(request: AuthedRequest, caregiver_id: UUID) -> HttpResponse:
    """The family's groups link for one caregiver, shown once to copy into a text or email."""
    caregiver = selectors.access_caregiver(request.actor, caregiver_id)
    try:
        link, token = services.send_groups_link(
            actor=request.actor, caregiver=caregiver, at=clock.now()
        )
    except ValidationError as refused:
        _errors(request, refused)
        return redirect("parentgroups:list")
    url = request.build_absolute_uri(reverse("portal:parent_groups", args=[token]))
    response = render(
        request,
        "parentgroups/link_created.html",
        {"link": link, "url": url, "caregiver": caregiver},
    )
    response["Cache-Control"] = "no-store"
    return response
