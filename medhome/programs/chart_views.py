"""The chart's program actions. Thin: parse, one domain call, answer. With htmx a success gives
the chart's Programs section back (retargeted to it) and a refusal gives the form back with each
message next to its field; without JavaScript a form is its own page (a refusal is a 400 with
what was typed) and a success goes back to the chart's Programs section.

Every one needs chart.read as well as programs.work: they answer with the chart's section and
show an enrolment's history, so a parent partner (programs.work without the chart) is refused
here (403) and works from a program's family page (`work_views.py`).
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.requests import AuthedRequest
from medhome.families.models import Child
from medhome.families.selectors import access_child

from . import chart_forms as forms
from . import recording, selectors, services
from .chart import ANCHOR, section_context, step_words
from .models import Enrolment, EnrolmentStatus, Program

SECTION = "#" + ANCHOR


def _chart(child_id: object) -> str:
    return reverse("families:chart", args=[child_id]) + SECTION


def _section(
    request: AuthedRequest, child: Child, *, errors: Any = (), saved: Any = ()
) -> HttpResponse:
    context = section_context(request, child, clock.today(), errors=errors, saved=saved)
    response = render(request, "programs/chart/panel.html", context)
    # The form that posted may sit in a slot of the section: the answer replaces the section.
    response["HX-Retarget"] = SECTION
    response["HX-Reswap"] = "outerHTML"
    return response


def _form_answer(
    request: AuthedRequest, template: str, context: dict[str, Any], *, refused: bool
) -> HttpResponse:
    """The form alone for htmx (swapped into its slot, 200 so htmx swaps it), else its page."""
    context["page"] = not request.htmx
    status = 400 if refused and not request.htmx else 200
    return render(request, template, context, status=status)


def _done(request: AuthedRequest, child: Child, message: str) -> HttpResponse:
    if request.htmx:
        return _section(request, child)
    messages.success(request, message)
    return redirect(_chart(child.pk))


def _child_and_program(request: AuthedRequest, child_id: UUID, program_id: UUID):
    child = access_child(request.actor, child_id)
    program = selectors.access_program(request.actor, program_id)
    return child, program


def _delivers(actor: Any, program: Program) -> Any:
    return actor.user if program.roles and actor.role in program.roles else None


# --- offer and enrol ---------------------------------------------------------------------------


@requires(Capability.CHART_READ)
@requires(Capability.PROGRAM_WORK)
@require_POST
def offer(request: AuthedRequest, child_id: UUID, program_id: UUID) -> HttpResponse:
    child, program = _child_and_program(request, child_id, program_id)
    try:
        services.offer(
            actor=request.actor,
            program=program,
            child=child,
            on=clock.today(),
            at=clock.now(),
            # Whoever offers it and delivers it works with the family until someone reassigns.
            staff=_delivers(request.actor, program),
        )
    except ValidationError as error:
        if request.htmx:
            return _section(request, child, errors=error.messages)
        for text in error.messages:
            messages.error(request, text)
        return redirect(_chart(child.pk))
    return _done(request, child, _("%(program)s offered.") % {"program": program.display_name})


@requires(Capability.CHART_READ)
@requires(Capability.PROGRAM_WORK)
@require_http_methods(["GET", "POST"])
def enrol(request: AuthedRequest, child_id: UUID, program_id: UUID) -> HttpResponse:
    child, program = _child_and_program(request, child_id, program_id)
    actor = request.actor
    form = forms.EnrolForm(
        request.POST or None,
        program=program,
        child=child,
        colleagues=selectors.colleagues_for(actor, program),
        may_override=actor.can(Capability.PROGRAM_OVERRIDE),
        initial={"on": clock.today(), "staff": getattr(_delivers(actor, program), "pk", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrol(
                actor=actor,
                program=program,
                child=child,
                on=data["on"],
                at=clock.now(),
                agreement=data["agreement"],
                agreed_by=data["agreed_by"],
                tier=data.get("tier", ""),
                staff=form.staff(),
                override_reason=data.get("override_reason", ""),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return _done(
                request, child, _("Enrolled in %(program)s.") % {"program": program.display_name}
            )
    context = {"child": child, "program": program, "form": form}
    return _form_answer(
        request, "programs/chart/enrol.html", context, refused=request.method == "POST"
    )


# --- an enrolment's steps ----------------------------------------------------------------------


def _action_forms(
    request: AuthedRequest, enrolment: Enrolment, action: str = "", bound: Any = None
) -> dict[str, Any]:
    """The forms an enrolment's status allows; the posted one bound to what was typed."""
    today = {"on": clock.today()}
    program = enrolment.program

    def data(key: str) -> Any:
        return bound if key == action else None

    result: dict[str, Any] = {}
    if enrolment.status == EnrolmentStatus.OFFERED:
        result[EnrolmentStatus.DECLINED] = forms.EndForm(data("declined"), initial=today)
    if enrolment.status == EnrolmentStatus.ENROLLED:
        if program.has_tiers:
            result["tier"] = forms.TierForm(data("tier"), program=program, initial=today)
        result[EnrolmentStatus.GRADUATED] = forms.EndForm(data("graduated"), initial=today)
        result[EnrolmentStatus.LEFT] = forms.EndForm(data("left"), initial=today)
    if enrolment.is_open:
        result["assign"] = forms.AssignForm(
            data("assign"),
            colleagues=selectors.colleagues_for(request.actor, program),
            initial={"staff": getattr(enrolment.staff, "pk", "")},
        )
    return result


def _apply(request: AuthedRequest, enrolment: Enrolment, action: str, form: Any) -> None:
    data, at = form.cleaned_data, clock.now()
    if action == "tier":
        services.change_tier(
            actor=request.actor,
            enrolment=enrolment,
            tier=data["tier"],
            reason=data["reason"],
            on=data["on"],
            at=at,
        )
    elif action == "assign":
        services.assign(actor=request.actor, enrolment=enrolment, staff=form.staff(), at=at)
    else:
        services.end(
            actor=request.actor,
            enrolment=enrolment,
            to=action,
            reason=data["reason"],
            on=data["on"],
            at=at,
        )


@requires(Capability.CHART_READ)
@requires(Capability.PROGRAM_WORK)
@require_http_methods(["GET", "POST"])
def enrolment_action(request: AuthedRequest, enrolment_id: UUID) -> HttpResponse:
    """GET: the enrolment's history and the steps its status allows; POST: one step."""
    enrolment = selectors.access_enrolment(request.actor, enrolment_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    action_forms = _action_forms(request, enrolment, action, request.POST or None)
    refused, errors = False, []
    if request.method == "POST":
        form = action_forms.get(action)
        if form is None:
            refused = True
            errors = [_("That step is not open to this enrolment.")]
        elif form.is_valid():
            try:
                _apply(request, enrolment, action, form)
            except ValidationError as error:
                attach_errors(form, error)
                refused = True
            else:
                return _done(request, enrolment.child, _("The enrolment is updated."))
        else:
            refused = True
    context = {
        "enrolment": enrolment,
        "child": enrolment.child,
        "program": enrolment.program,
        "history": [step_words(change) for change in selectors.enrolment_history(enrolment)],
        "forms": [(key, forms.ACTIONS[key], form) for key, form in action_forms.items()],
        "refused_action": action if refused else "",
        "errors": errors,
    }
    return _form_answer(request, "programs/chart/enrolment.html", context, refused=refused)


# --- a contact, in seconds ---------------------------------------------------------------------


@requires(Capability.CHART_READ)
@requires(Capability.PROGRAM_WORK)
@require_http_methods(["GET", "POST"])
def contact(request: AuthedRequest, child_id: UUID, program_id: UUID) -> HttpResponse:
    """Record a contact: the program's few fields, dated today, linked to today's visit. The
    concrete supports it names (and their draft referrals) are written with it, all or nothing
    (`recording.save`, shared with a program's family page)."""
    child, program = _child_and_program(request, child_id, program_id)
    actor = request.actor
    form = recording.contact_form(
        actor, request.POST or None, program=program, child=child, may_refer=True
    )
    if request.method == "POST" and form.is_valid():
        referrals = recording.save(actor, form, program=program, child=child)
        if referrals is not None:
            if request.htmx:
                return _section(request, child, saved=referrals)
            if referrals:
                return render(
                    request,
                    "programs/chart/contact_saved.html",
                    {"child": child, "program": program, "referrals": referrals},
                )
            return _done(request, child, _("Contact recorded."))
    context = {"child": child, "program": program, "form": form}
    refused = request.method == "POST"
    if refused and request.htmx:
        response = _form_answer(request, "programs/chart/contact.html", context, refused=True)
        # The chart's one-click book has no slot of its own: its refusal opens the form there.
        response["HX-Retarget"] = f"#program-slot-{program.pk}"
        response["HX-Reswap"] = "innerHTML"
        return response
    return _form_answer(request, "programs/chart/contact.html", context, refused=refused)
