"""Care plan pages: the team's page per child, edit forms, the family's link and the
printable plan (PDF). The family's own pages are medhome.portal's. Thin: parse, one domain
call, render."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_child
from medhome.portal import links
from medhome.portal.models import Purpose

from . import forms, history, pdf, selectors, services
from .models import CarePlan


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _plan_url(plan: CarePlan) -> str:
    return reverse("careplan:plan", args=[plan.child_id])


def _version(form: Any) -> int | None:
    value = form.cleaned_data.get("version")
    return int(value) if value is not None else None


def _editable_plan(request: AuthedRequest, plan_id: UUID) -> CarePlan:
    return selectors.access_plan(request.actor, plan_id)


def plan_context(plan: CarePlan) -> dict[str, Any]:
    return {
        "plan": plan,
        "child": plan.child,
        "team": list(selectors.team_of(plan.child)),
        "goals": list(selectors.goals_of(plan)),
        "actions": list(selectors.actions_of(plan)),
    }


# --- The team's side ----------------------------------------------------------------------


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def plan_page(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    plan = selectors.plan_of_child(request.actor, child)
    if plan is None:
        if not request.actor.can(Capability.PLAN_EDIT):
            return render(request, "careplan/no_plan.html", {"child": child})
        plan = services.ensure_plan(actor=request.actor, child=child, at=clock.now())
    services.record_opened(actor=request.actor, plan=plan, at=clock.now())
    context = plan_context(plan)
    context.update(
        {
            "can_edit": request.actor.can(Capability.PLAN_EDIT),
            "history": history.readable(list(selectors.plan_history(plan)[:100])),
            # The history of an adolescent's own action is as confidential as the action.
            "confidential_ids": {str(a.pk) for a in context["actions"] if a.is_confidential},
            "plan_form": forms.PlanForm(
                initial={
                    "version": plan.version,
                    "family_priorities": plan.family_priorities,
                    "family_strengths": plan.family_strengths,
                    "review_on": plan.review_on,
                }
            ),
            "goal_form": forms.GoalForm(plan=plan),
            "action_form": forms.ActionForm(
                plan=plan, may_see_confidential=selectors.may_see_confidential(request.actor)
            ),
            "member_form": forms.MemberForm(plan=plan),
            "note_form": forms.NoteForm(),
            "link_form": forms.FamilyLinkForm(plan=plan),
            "links": links.links_of(request.actor, plan.child, purpose=Purpose.CARE_PLAN),
            "now": clock.now(),
        }
    )
    return render(request, "careplan/plan.html", context)


@requires(Capability.PLAN_EDIT)
@require_POST
def edit_plan(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    form = forms.PlanForm(request.POST)
    if form.is_valid():
        try:
            services.update_plan(
                actor=request.actor,
                plan=plan,
                version=_version(form),
                family_priorities=form.cleaned_data["family_priorities"],
                family_strengths=form.cleaned_data["family_strengths"],
                review_on=form.cleaned_data["review_on"],
                at=clock.now(),
            )
            messages.success(request, _("Plan saved."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Check the plan's fields and try again."))
    return redirect(_plan_url(plan))


@requires(Capability.PLAN_EDIT)
@require_POST
def add_member(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    form = forms.MemberForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.add_team_member(
                actor=request.actor,
                plan=plan,
                kind=form.cleaned_data["kind"],
                user=form.cleaned_data["user"],
                caregiver=form.cleaned_data["caregiver"],
                **form.values(),
                at=clock.now(),
            )
            messages.success(request, _("Team member added."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Check the team member's fields and try again."))
    return redirect(_plan_url(plan))


def _edit_page(
    request: AuthedRequest, plan: CarePlan, form: Any, title: str, status: int = 200
) -> HttpResponse:
    return render(
        request, "careplan/edit.html", {"plan": plan, "form": form, "title": title}, status=status
    )


def _edit(
    request: AuthedRequest, plan: Any, form: Any, title: str, save: Callable[[dict], object]
) -> HttpResponse:
    """The edit pages' one flow: show the form; on a valid POST save with the version the
    editor saw; a stale or refused save comes back on the form (409) with the message."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.values())
        except ValidationError as error:
            form.add_error(None, error)
            return _edit_page(request, plan, form, title, status=409)
        return redirect(_plan_url(plan))
    return _edit_page(request, plan, form, title)


@requires(Capability.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def edit_member(request: AuthedRequest, member_id: UUID) -> HttpResponse:
    member = selectors.access_member(request.actor, member_id)
    plan = services.ensure_plan(actor=request.actor, child=member.child, at=clock.now())
    form = forms.MemberForm(request.POST or None, plan=plan, initial=forms.member_initial(member))
    return _edit(
        request,
        plan,
        form,
        _("Team member"),
        lambda values: services.update_team_member(
            actor=request.actor,
            member=member,
            version=_version(form),
            **values,
            is_active=request.POST.get("remove") != "1",
            at=clock.now(),
        ),
    )


@requires(Capability.PLAN_EDIT)
@require_POST
def add_goal(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    form = forms.GoalForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.add_goal(actor=request.actor, plan=plan, **form.values(), at=clock.now())
            messages.success(request, _("Goal added."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Write the goal and try again."))
    return redirect(_plan_url(plan))


@requires(Capability.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def edit_goal(request: AuthedRequest, goal_id: UUID) -> HttpResponse:
    goal = selectors.access_goal(request.actor, goal_id)
    plan = goal.plan
    initial = {
        "version": goal.version,
        "text": goal.text,
        "owner": forms.owner_value(goal),
        "target_on": goal.target_on,
        "status": goal.status,
    }
    form = forms.GoalForm(request.POST or None, plan=plan, initial=initial)
    return _edit(
        request,
        plan,
        form,
        _("Goal"),
        lambda values: services.update_goal(
            actor=request.actor, goal=goal, version=_version(form), **values, at=clock.now()
        ),
    )


@requires(Capability.PLAN_EDIT)
@require_POST
def add_note(request: AuthedRequest, goal_id: UUID) -> HttpResponse:
    goal = selectors.access_goal(request.actor, goal_id)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_progress_note(
                actor=request.actor, goal=goal, text=form.cleaned_data["text"], at=clock.now()
            )
        except ValidationError as error:
            _errors(request, error)
    return redirect(_plan_url(goal.plan))


@requires(Capability.PLAN_EDIT)
@require_POST
def add_action(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    form = forms.ActionForm(
        request.POST, plan=plan, may_see_confidential=selectors.may_see_confidential(request.actor)
    )
    if form.is_valid():
        try:
            services.add_action(actor=request.actor, plan=plan, **form.values(), at=clock.now())
            messages.success(request, _("Action added."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Check the action's fields and try again."))
    return redirect(_plan_url(plan))


@requires(Capability.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def edit_action(request: AuthedRequest, action_id: UUID) -> HttpResponse:
    action = selectors.access_action(request.actor, action_id)
    plan = action.plan
    initial = {
        "version": action.version,
        "text": action.text,
        "goal": action.goal_id or "",
        "owner": forms.owner_value(action),
        "due_on": action.due_on,
        "status": action.status,
        "referral": action.referral_id or "",
        "screening": action.screening_id or "",
    }
    form = forms.ActionForm(
        request.POST or None,
        plan=plan,
        initial=initial,
        may_see_confidential=selectors.may_see_confidential(request.actor),
    )
    return _edit(
        request,
        plan,
        form,
        _("Action"),
        lambda values: services.update_action(
            actor=request.actor,
            action=action,
            version=_version(form),
            **values,
            at=clock.now(),
        ),
    )


@requires(Capability.PLAN_EDIT)
@require_POST
def create_link(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    form = forms.FamilyLinkForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, _("Choose the caregiver to send the link to."))
        return redirect(_plan_url(plan))
    link, token = links.issue_link(
        actor=request.actor,
        purpose=Purpose.CARE_PLAN,
        child=plan.child,
        caregiver=form.cleaned_data["caregiver"],
        at=clock.now(),
    )
    url = request.build_absolute_uri(reverse("portal:plan", args=[token]))
    response = render(
        request, "careplan/link_created.html", {"plan": plan, "link": link, "url": url}
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def print_plan(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    """The plan on paper, in the family's language."""
    plan = selectors.access_plan(request.actor, plan_id)
    services.record_opened(actor=request.actor, plan=plan, at=clock.now(), printed=True)
    return pdf.response(plan, language=forms.family_language(plan))
