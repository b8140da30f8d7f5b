"""The family's care-plan pages: the plan as the family sees it, their own goals and notes, and
the printable plan. The link is reusable until it expires or is revoked."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from medhome.careplan import forms, pdf, selectors, services
from medhome.careplan.models import CarePlan, MemberKind
from medhome.core import clock
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from medhome.programs.selectors import strengths_for_family

from .door import family_page


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def _version(form: Any) -> int | None:
    value = form.cleaned_data.get("version")
    return int(value) if value is not None else None


def _back(token: str, language: str) -> str:
    return reverse("portal:plan", args=[token]) + f"?lang={language}"


def _context(link: FamilyLink, plan: CarePlan, token: str, language: str) -> dict[str, Any]:
    return {
        "link": link,
        "token": token,
        "language": language,
        "plan": plan,
        "child_name": link.child.display_name,
        "team": [
            member
            for member in selectors.team_of(link.child)
            if member.kind != MemberKind.CAREGIVER or member.caregiver_id
        ],
        "goals": list(selectors.goals_of(plan)),
        "actions": selectors.family_visible_actions(plan, caregiver=link.caregiver),
        # What the team saw this caregiver doing well (docs/clinical-rules.md#programs).
        "strengths": list(strengths_for_family(link.child, caregiver_id=link.caregiver_id)),
        "goal_form": forms.FamilyGoalForm(),
        "note_form": forms.FamilyNoteForm(),
    }


@require_http_methods(["GET", "POST"])
@family_page(Purpose.CARE_PLAN)
def family_plan(request: HttpRequest, link: FamilyLink, token: str, language: str) -> HttpResponse:
    """The plan as the family sees it; they may add a goal of their own here."""
    plan = selectors.plan_of_link(link)
    context = _context(link, plan, token, language)
    status = 200
    if request.method == "POST":
        form = forms.FamilyGoalForm(request.POST)
        if form.is_valid():
            try:
                services.family_add_goal(
                    link=link,
                    text=form.cleaned_data["text"],
                    target_on=form.cleaned_data["target_on"],
                    at=clock.now(),
                    request_id=_request_id(request),
                )
                return redirect(_back(token, language))
            except ValidationError as error:
                form.add_error(None, error)
        context["goal_form"] = form
        status = 400
    else:
        services.record_opened(
            actor=links.family_actor(link, _request_id(request)), plan=plan, at=clock.now()
        )
    return render(request, "portal/careplan/plan.html", context, status=status)


@require_http_methods(["GET", "POST"])
@family_page(Purpose.CARE_PLAN)
def family_goal(
    request: HttpRequest, link: FamilyLink, token: str, language: str, goal_id: UUID
) -> HttpResponse:
    """Change one of the family's own goals, or add a note to it."""
    plan = selectors.plan_of_link(link)
    goal = selectors.goals_of(plan).filter(pk=goal_id).first()
    if goal is None:
        raise Http404
    back = _back(token, language)
    what = request.POST.get("what")
    form = forms.FamilyGoalForm(
        request.POST if what == "goal" else None,
        initial={
            "version": goal.version,
            "text": goal.text,
            "target_on": goal.target_on,
            "status": goal.status,
        },
    )
    note_form = forms.FamilyNoteForm(request.POST if what == "note" else None)
    refused = ""
    status = 200
    if request.method == "POST":
        try:
            if what == "note" and note_form.is_valid():
                services.family_add_note(
                    link=link,
                    goal=goal,
                    text=note_form.cleaned_data["text"],
                    at=clock.now(),
                    request_id=_request_id(request),
                )
                return redirect(back)
            if what == "goal" and form.is_valid():
                services.family_update_own_goal(
                    link=link,
                    goal=goal,
                    version=_version(form),
                    **{
                        field: form.cleaned_data[field]
                        for field in ("text", "target_on", "status")
                        if field != "status" or form.cleaned_data[field]
                    },
                    at=clock.now(),
                    request_id=_request_id(request),
                )
                return redirect(back)
            status = 400
        except services.FamilyEditRefused as refusal:
            refused, status = str(refusal), 403
        except ValidationError as error:
            form.add_error(None, error)
            status = 409
    return render(
        request,
        "portal/careplan/goal.html",
        {
            "link": link,
            "token": token,
            "language": language,
            "goal": goal,
            "form": form,
            "note_form": note_form,
            "refused": refused,
            "back": back,
        },
        status=status,
    )


@require_http_methods(["GET"])
@family_page(Purpose.CARE_PLAN)
def family_print(request: HttpRequest, link: FamilyLink, token: str, language: str) -> HttpResponse:
    plan = selectors.plan_of_link(link)
    services.record_opened(
        actor=links.family_actor(link, _request_id(request)),
        plan=plan,
        at=clock.now(),
        printed=True,
    )
    return pdf.response(plan, language=language, caregiver=link.caregiver)
