"""The council's staff pages (council.manage: coordinators, admins, parent partners — who read no
charts, so nothing here needs chart.read or links to a clinical page). Thin: parse, one domain
call, render."""

from typing import Any
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
from medhome.core.params import optional_id
from medhome.core.requests import AuthedRequest

from . import forms, selectors, services
from .models import Council, RecommendationStatus
from .states import allowed

MANAGE = Capability.COUNCIL_MANAGE


def _list_page(request: AuthedRequest, form: forms.CouncilForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "council/list.html",
        {
            "councils": list(selectors.councils(request.actor)),
            "network_councils": list(selectors.network_councils(request.actor)),
            "form": form,
            "in_network": request.actor.practice.network_id is not None,
            "practice": request.actor.practice,
        },
        status=status,
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def council_list(request: AuthedRequest) -> HttpResponse:
    today = clock.local_date(clock.now())
    if request.method != "POST":
        return _list_page(request, forms.CouncilForm(initial={"started_on": today}))
    form = forms.CouncilForm(request.POST)
    if form.is_valid():
        try:
            council = services.start_council(
                actor=request.actor,
                name=form.cleaned_data["name"],
                network_wide=form.cleaned_data["network_wide"],
                started_on=form.cleaned_data["started_on"],
                at=clock.now(),
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, _("%(c)s started.") % {"c": council.name})
            return redirect("council:detail", council_id=council.pk)
    return _list_page(request, form, status=400)


@requires(MANAGE)
@require_http_methods(["GET"])
def detail(request: AuthedRequest, council_id: UUID) -> HttpResponse:
    council = selectors.read_council(request.actor, council_id)
    recommendations = list(selectors.recommendations_of(council))
    if council.practice_id != request.actor.practice_id:
        # Another practice's network-wide council: its recommendations only, read-only.
        return render(
            request,
            "council/network_detail.html",
            {"council": council, "recommendations": recommendations},
        )
    now = clock.now()
    services.record_council_view(actor=request.actor, council=council, at=now)
    return render(
        request,
        "council/detail.html",
        {
            "council": council,
            "members": list(selectors.current_members(council)),
            "former": selectors.former_member_count(council),
            "meetings": list(selectors.meetings_of(council)),
            "recommendations": recommendations,
            "totals": selectors.compensation_totals(council),
        },
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def add_member(request: AuthedRequest, council_id: UUID) -> HttpResponse:
    council = selectors.access_council(request.actor, council_id)
    today = clock.local_date(clock.now())
    data = request.POST if request.method == "POST" else request.GET
    caregiver_id = optional_id(data, "caregiver")
    caregiver = selectors.access_caregiver(request.actor, caregiver_id) if caregiver_id else None
    if request.method != "POST":
        initial: dict[str, Any] = {"consent_given_on": today}
        if caregiver is not None:
            initial.update(
                name=caregiver.given_name,
                language=caregiver.preferred_language,
                caregiver=caregiver.pk,
            )
        form = forms.MemberForm(initial=initial)
        return render(request, "council/member_form.html", {"council": council, "form": form})
    form = forms.MemberForm(request.POST)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            member = services.add_member(
                actor=request.actor,
                council=council,
                name=cleaned["name"],
                language=cleaned["language"],
                reach_by=cleaned["reach_by"],
                contact_detail=cleaned["contact_detail"],
                consent_given_on=cleaned["consent_given_on"],
                consent_method=cleaned["consent_method"],
                caregiver=caregiver,
                today=today,
                at=clock.now(),
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, _("%(m)s joined the council.") % {"m": member.name})
            return redirect("council:detail", council_id=council.pk)
    return render(
        request, "council/member_form.html", {"council": council, "form": form}, status=400
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def withdraw_member(request: AuthedRequest, council_member_id: UUID) -> HttpResponse:
    member = selectors.access_member(request.actor, council_member_id)
    today = clock.local_date(clock.now())
    context: dict[str, Any] = {"member": member, "council": member.council}
    if member.has_withdrawn:
        return render(request, "council/withdrawn.html", context)
    if request.method != "POST":
        context["form"] = forms.WithdrawForm(initial={"withdrawn_on": today})
        return render(request, "council/withdraw.html", context)
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_member(
                actor=request.actor,
                member=member,
                on=form.cleaned_data["withdrawn_on"],
                today=today,
                at=clock.now(),
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(
                request,
                _("The member has withdrawn: their name and contact details are erased."),
            )
            return redirect("council:detail", council_id=member.council_id)
    context["form"] = form
    return render(request, "council/withdraw.html", context, status=400)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def record_meeting(request: AuthedRequest, council_id: UUID) -> HttpResponse:
    council = selectors.access_council(request.actor, council_id)
    members = list(selectors.current_members(council))
    today = clock.local_date(clock.now())
    if request.method != "POST":
        form = forms.MeetingForm(members=members, initial={"held_on": today})
        return render(request, "council/meeting_form.html", {"council": council, "form": form})
    form = forms.MeetingForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.record_meeting(
                actor=request.actor,
                council=council,
                held_on=form.cleaned_data["held_on"],
                format=form.cleaned_data["format"],
                place=form.cleaned_data["place"],
                agenda=form.cleaned_data["agenda"],
                attended=form.attended(),
                today=today,
                at=clock.now(),
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("council:detail", council_id=council.pk)
    return render(
        request, "council/meeting_form.html", {"council": council, "form": form}, status=400
    )


def _languages(council: Council) -> list[str]:
    return selectors.text_languages(council.practice, network_wide=council.network_wide)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def add_recommendation(request: AuthedRequest, council_id: UUID) -> HttpResponse:
    council = selectors.access_council(request.actor, council_id)
    members = list(selectors.current_members(council))
    meetings = list(selectors.meetings_of(council))
    today = clock.local_date(clock.now())
    languages = _languages(council)
    if request.method != "POST":
        form = forms.RecommendationForm(
            initial={"raised_on": today}, languages=languages, members=members, meetings=meetings
        )
        return render(
            request, "council/recommendation_form.html", {"council": council, "form": form}
        )
    form = forms.RecommendationForm(
        request.POST, languages=languages, members=members, meetings=meetings
    )
    if form.is_valid():
        chosen = set(form.cleaned_data["raised_by"])
        meeting_key = form.cleaned_data["meeting"]
        try:
            recommendation = services.raise_recommendation(
                actor=request.actor,
                council=council,
                raised_on=form.cleaned_data["raised_on"],
                meeting=next((m for m in meetings if m.pk.hex == meeting_key), None),
                raised_by=[m for m in members if m.pk.hex in chosen],
                texts=form.texts(),
                today=today,
                at=clock.now(),
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, _("The recommendation is recorded as heard."))
            return redirect("council:recommendation", recommendation_id=recommendation.pk)
    return render(
        request,
        "council/recommendation_form.html",
        {"council": council, "form": form},
        status=400,
    )


def _recommendation_page(
    request: AuthedRequest,
    recommendation: Any,
    *,
    form: forms.RecommendationForm | None = None,
    status_form: forms.StatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    council = recommendation.council
    return render(
        request,
        "council/recommendation.html",
        {
            "council": council,
            "recommendation": recommendation,
            "raised_by": selectors.raised_by_of(recommendation),
            "history": list(selectors.history_of(recommendation)),
            "form": form
            or forms.RecommendationForm(
                languages=_languages(council), recommendation=recommendation
            ),
            "status_form": status_form or forms.StatusForm(current=recommendation.status),
            "moves": allowed(recommendation.status),
            "statuses": RecommendationStatus,
        },
        status=status,
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def recommendation(request: AuthedRequest, recommendation_id: UUID) -> HttpResponse:
    """The recommendation's texts in each language, its status and its history."""
    found = selectors.access_recommendation(request.actor, recommendation_id)
    if request.method != "POST":
        return _recommendation_page(request, found)
    form = forms.RecommendationForm(
        request.POST, languages=_languages(found.council), recommendation=found
    )
    if form.is_valid():
        try:
            changed = services.edit_texts(
                actor=request.actor, recommendation=found, texts=form.texts(), at=clock.now()
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            if changed:
                messages.success(request, _("The texts are saved."))
            return redirect("council:recommendation", recommendation_id=found.pk)
    return _recommendation_page(request, found, form=form, status=400)


@requires(MANAGE)
@require_POST
def recommendation_status(request: AuthedRequest, recommendation_id: UUID) -> HttpResponse:
    found = selectors.access_recommendation(request.actor, recommendation_id)
    form = forms.StatusForm(request.POST, current=found.status)
    if form.is_valid():
        try:
            moved = services.change_status(
                actor=request.actor,
                recommendation=found,
                to=form.cleaned_data["status"],
                at=clock.now(),
            )
        except ValidationError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The recommendation is now “%(s)s”.") % {"s": moved.get_status_display()},
            )
            return redirect("council:recommendation", recommendation_id=found.pk)
    return _recommendation_page(request, found, status_form=form, status=400)
