"""Outside members of the care team (docs/clinical-rules.md#outside-care-team).

The practice's side: invite an outside member from the child's care plan, record the family's
consent to share with them, revoke it. The outside member's side (a partner organization's
login): the children whose team they are on, each child's shared plan (only what the consent
names), and a progress note. Thin: parse, one domain call, render.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.requests import AuthedRequest
from medhome.referrals.decorators import requires_partner
from medhome.staff.views import set_password_link

from . import forms, selectors, services
from .models import CareTeamMember, MemberKind


def _outside_member(request: AuthedRequest, member_id: UUID) -> CareTeamMember:
    member = selectors.access_member(request.actor, member_id)
    if member.kind != MemberKind.EXTERNAL:
        raise Http404
    return member


# --- The practice's side -------------------------------------------------------------------


@requires(Capability.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def invite(request: AuthedRequest, plan_id: UUID) -> HttpResponse:
    plan = selectors.access_plan(request.actor, plan_id)
    organizations = selectors.partner_organizations_of_practice(request.actor)
    form = forms.InviteOutsideForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            member, created = services.invite_outside_member(
                actor=request.actor, plan=plan, at=clock.now(), **form.cleaned_data
            )
        except ValidationError as invalid:
            attach_errors(form, invalid)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is on the team. They see nothing until you record the family's "
                    "consent to share with them."
                )
                % {"name": member.display_name},
            )
            if created and member.account is not None:
                link = set_password_link(request, member.account)
            form = forms.InviteOutsideForm(organizations=organizations)
    else:
        services.record_opened(actor=request.actor, plan=plan, at=clock.now())
    response = render(
        request,
        "careplan/outside_members.html",
        {
            "plan": plan,
            "child": plan.child,
            "members": [
                (member, selectors.consent_in_force(member))
                for member in selectors.outside_members_of(plan.child)
            ],
            "form": form,
            "link": link,
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Capability.PLAN_EDIT)
@require_http_methods(["GET", "POST"])
def consent(request: AuthedRequest, outside_member_id: UUID) -> HttpResponse:
    member = _outside_member(request, outside_member_id)
    data = request.POST if request.method == "POST" else None
    form = forms.OutsideConsentForm(data, member=member)
    if data is not None and form.is_valid():
        try:
            services.record_outside_consent(
                actor=request.actor, member=member, **form.values(), at=clock.now()
            )
        except ValidationError as invalid:
            attach_errors(form, invalid)
        else:
            messages.success(request, _("Consent recorded: they can read the shared plan now."))
            return redirect("careplan:outside_consent", outside_member_id=member.pk)
    plan = selectors.plan_of_child(request.actor, member.child)
    if plan is not None:  # the page names the child and the family: a read of the plan
        services.record_opened(actor=request.actor, plan=plan, at=clock.now())
    return render(
        request,
        "careplan/outside_consent.html",
        {
            "member": member,
            "child": member.child,
            "plan": plan,
            "in_force": selectors.consent_in_force(member),
            "consents": list(selectors.consents_of(member)),
            "form": form,
            "revoke_form": forms.RevokeOutsideForm(),
        },
        status=400 if form.errors else 200,
    )


@requires(Capability.PLAN_EDIT)
@require_POST
def revoke(request: AuthedRequest, outside_member_id: UUID) -> HttpResponse:
    member = _outside_member(request, outside_member_id)
    form = forms.RevokeOutsideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.revoke_outside_consent(
            actor=request.actor, member=member, reason=reason, at=clock.now()
        )
    except ValidationError as invalid:
        for message in invalid.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Consent revoked: their access ended now."))
    return redirect("careplan:outside_consent", outside_member_id=member.pk)


# --- The outside member's side -------------------------------------------------------------


@requires_partner(Capability.CARE_TEAM_OUTSIDE)
@require_http_methods(["GET"])
def children(request: AuthedRequest) -> HttpResponse:
    members = list(selectors.outside_members(request.actor))
    services.record_outside_reads(actor=request.actor, members=members, at=clock.now())
    return render(request, "careplan/outside_children.html", {"members": members})


def _outside_page(
    request: AuthedRequest, member: CareTeamMember, note_form: forms.OutsideNoteForm | None = None
) -> HttpResponse:
    consent_ = selectors.consent_in_force(member)
    if consent_ is None:  # revoked between the two reads
        raise Http404
    view = selectors.outside_view(member, consent_)
    services.record_outside_plan_read(
        actor=request.actor, member=member, items=list(consent_.shared_items), at=clock.now()
    )
    return render(
        request,
        "careplan/outside_plan.html",
        {
            "view": view,
            "note_form": note_form or forms.OutsideNoteForm(goals=selectors.outside_goals(member)),
            "note_url": reverse("careplan:outside_note", args=[member.pk]),
        },
        status=400 if note_form is not None and note_form.errors else 200,
    )


@requires_partner(Capability.CARE_TEAM_OUTSIDE)
@require_http_methods(["GET"])
def plan(request: AuthedRequest, outside_member_id: UUID) -> HttpResponse:
    member = selectors.access_outside_member(request.actor, outside_member_id)
    return _outside_page(request, member)


@requires_partner(Capability.CARE_TEAM_OUTSIDE)
@require_POST
def note(request: AuthedRequest, outside_member_id: UUID) -> HttpResponse:
    member = selectors.access_outside_member(request.actor, outside_member_id)
    form = forms.OutsideNoteForm(request.POST, goals=selectors.outside_goals(member))
    if form.is_valid():
        try:
            services.add_outside_progress_note(
                actor=request.actor,
                member=member,
                goal=form.cleaned_data["goal"],
                text=form.cleaned_data["text"],
                at=clock.now(),
            )
        except ValidationError as invalid:
            attach_errors(form, invalid)
        else:
            messages.success(request, _("Your note is on the plan. The care team sees it now."))
            return redirect("careplan:outside_plan", outside_member_id=member.pk)
    return _outside_page(request, member, form)
