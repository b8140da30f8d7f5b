"""Referral pages: the practice's side, the community organization's side, and the printable
summary for the family. Thin: parse, one domain call, render."""

from datetime import date, timedelta
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.params import optional_id
from medhome.core.requests import AuthedRequest
from medhome.directory import selectors as directory
from medhome.directory import services as directory_services
from medhome.directory.vocabulary import Need
from medhome.families.languages import language_name
from medhome.families.models import Caregiver
from medhome.families.selectors import access_caregiver, access_child
from medhome.portal import links
from medhome.portal.models import Purpose
from medhome.screening.selectors import access_administration

from . import forms, selectors, services
from .decorators import requires_partner
from .models import Referral

# Rows on one page of a list; the page number is a query parameter, the filter kept beside it.
LIST_PAGE = 50


def _errors_to_messages(request: AuthedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _post_message(request: AuthedRequest, referral: Referral, *, back: str) -> HttpResponse:
    """Either side's message; the side is the actor's (services decide)."""
    try:
        services.post_message(
            actor=request.actor,
            referral=referral,
            body=request.POST.get("body", ""),
            at=clock.now(),
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
    return redirect(back, referral_id=referral.pk)


# --- The practice's side ------------------------------------------------------------------


@requires(Capability.REFERRAL_SEND)
@require_http_methods(["GET", "POST"])
def start(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Choose the need and the organization; the need is suggested by a positive screen."""
    child = access_child(request.actor, child_id)
    administration = None
    source_id = optional_id(request.GET, "from") or optional_id(request.POST, "from")
    if source_id:
        administration = access_administration(request.actor, source_id)
        if administration.child_id != child.pk:
            administration = None
    suggested = services.suggested_needs(administration) if administration else []
    need = request.GET.get("need") or (suggested[0] if suggested else "")
    language = forms.family_language(child)
    # Until a need is chosen nothing was searched: the page asks for one rather than saying
    # there is no service.
    searched = need in Need.values
    hits = (
        directory.search_services(
            need=need,
            near_zip=child.zip_code,
            within_miles=25,
            practice=request.actor.practice,
            limit=15,
        )
        if searched
        else []
    )
    form = forms.StartForm(request.POST or None, hits=hits, initial={"need": need})
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.start_referral(
                actor=request.actor,
                child=child,
                need=form.cleaned_data["need"],
                organization=form.organization(),
                service=form.service(),
                priority=form.cleaned_data["priority"],
                reason=form.cleaned_data["reason"],
                source_administration=administration,
                at=clock.now(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("referrals:consent", referral_id=referral.pk)
    return render(
        request,
        "referrals/start.html",
        {
            "child": child,
            "form": form,
            "hits": hits,
            "searched": searched,
            "need": need,
            "needs": Need.choices,
            "suggested": suggested,
            "administration": administration,
            "language": language,
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(Capability.REFERRAL_SEND)
@require_http_methods(["GET", "POST"])
def consent(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    """Record what the family agrees to share, with whom and how; then send."""
    referral = selectors.access_referral(request.actor, referral_id)
    form = forms.ConsentForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        now = clock.now()
        try:
            services.record_consent(
                actor=request.actor,
                referral=referral,
                caregiver=form.cleaned_data["caregiver"],
                adolescent=form.cleaned_data["adolescent"],
                shared_items=form.cleaned_data["shared_items"],
                notes_to_share=form.cleaned_data["notes_to_share"],
                method=form.cleaned_data["method"],
                at=now,
            )
            services.send(actor=request.actor, referral=referral, at=now)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Consent recorded and the referral sent."))
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/consent.html",
        {"referral": referral, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@requires(Capability.REFERRAL_SEND)
@require_http_methods(["GET"])
def detail(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_referral(request.actor, referral_id)
    services.record_opened(actor=request.actor, referral=referral, at=clock.now())
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "events": referral.events.order_by("at"),
            "messages_": referral.messages.order_by("at"),
            "consent": getattr(referral, "consent", None),
            "allowed": services.practice_transitions(referral),
            "on_site": services.is_on_site(referral),
            "change_form": forms.ChangeForm(allowed=services.practice_transitions(referral)),
        },
    )


@requires(Capability.REFERRAL_SEND)
@require_POST
def change(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_referral(request.actor, referral_id)
    form = forms.ChangeForm(request.POST, allowed=services.practice_transitions(referral))
    if form.is_valid():
        try:
            services.change_status(
                actor=request.actor,
                referral=referral,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                at=clock.now(),
            )
        except ValidationError as error:
            _errors_to_messages(request, error)
    else:
        messages.error(request, _("Choose a new state and give the reason."))
    return redirect("referrals:detail", referral_id=referral.pk)


@requires(Capability.REFERRAL_SEND)
@require_POST
def handoff(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_referral(request.actor, referral_id)
    try:
        services.warm_handoff(actor=request.actor, referral=referral, at=clock.now())
    except ValidationError as error:
        _errors_to_messages(request, error)
    return redirect("referrals:detail", referral_id=referral.pk)


@requires(Capability.REFERRAL_SEND)
@require_POST
def revoke(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_referral(request.actor, referral_id)
    try:
        services.revoke_consent(
            actor=request.actor,
            referral=referral,
            reason=request.POST.get("reason", ""),
            at=clock.now(),
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("Consent revoked: the organization no longer sees it."))
    return redirect("referrals:detail", referral_id=referral.pk)


@requires(Capability.REFERRAL_SEND)
@require_POST
def message(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_referral(request.actor, referral_id)
    return _post_message(request, referral, back="referrals:detail")


@requires(Capability.REFERRAL_SEND)
@require_http_methods(["GET"])
def summary(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    """A one-page summary for the family, in their language, to print or hand over."""
    referral = selectors.access_referral(request.actor, referral_id)
    if not selectors.is_shareable_with_family(referral):
        # A safety referral or an adolescent's own is never printed for a caregiver (§4, §11).
        return render(
            request, "referrals/summary_withheld.html", {"referral": referral}, status=403
        )
    services.record_printed(actor=request.actor, referral=referral, at=clock.now())
    language = forms.family_language(referral.child)
    detail = directory.service_detail(referral.service_id) if referral.service_id else None
    with translation.override(language):
        return render(
            request,
            "referrals/summary.html",
            {
                "referral": referral,
                "service": detail,
                "hours": forms.hours_lines(detail) if detail else [],
                "languages": [language_name(code) for code in detail.languages] if detail else [],
                "language": language,
            },
        )


@requires(Capability.REFERRAL_SEND)
@require_http_methods(["GET"])
def practice_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    referrals = selectors.practice_referrals(request.actor, status=status or None)
    page = Paginator(referrals, LIST_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/list.html",
        {
            "referrals": page.object_list,
            "page": page,
            "status": status,
            "statuses": services.STATUS_CHOICES,
        },
    )


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def figures(request: AuthedRequest) -> HttpResponse:
    end = clock.today()
    start_day = date(end.year, 1, 1) if request.GET.get("period") == "year" else end - timedelta(90)
    return render(
        request,
        "referrals/figures.html",
        {
            "figures": selectors.loop_figures(request.actor, start=start_day, end=end),
            "start": start_day,
            "end": end,
        },
    )


# --- The community organization's side ---------------------------------------------------


@requires_partner(Capability.REFERRAL_RESPOND)
@require_http_methods(["GET"])
def partner_inbox(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.partner_referrals(request.actor), LIST_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "referrals/partner_inbox.html",
        {"rows": [(r, selectors.partner_view(r)) for r in page.object_list], "page": page},
    )


@requires_partner(Capability.REFERRAL_RESPOND)
@require_http_methods(["GET"])
def partner_detail(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_partner_referral(request.actor, referral_id)
    services.mark_received(actor=request.actor, referral=referral, at=clock.now())
    referral = selectors.access_partner_referral(request.actor, referral_id)
    return render(
        request,
        "referrals/partner_detail.html",
        {
            "referral": referral,
            "view": selectors.partner_view(referral),
            "messages_": referral.messages.order_by("at"),
            "form": forms.PartnerChangeForm(allowed=services.organization_transitions(referral)),
            "allowed": services.organization_transitions(referral),
        },
    )


@requires_partner(Capability.REFERRAL_RESPOND)
@require_POST
def partner_change(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_partner_referral(request.actor, referral_id)
    form = forms.PartnerChangeForm(
        request.POST, allowed=services.organization_transitions(referral)
    )
    if form.is_valid():
        try:
            services.change_status(
                actor=request.actor,
                referral=referral,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                outcome=form.cleaned_data["outcome"],
                outcome_note=form.cleaned_data["outcome_note"],
                at=clock.now(),
            )
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("Saved. The referring team sees it now."))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("referrals:partner_detail", referral_id=referral.pk)


@requires_partner(Capability.REFERRAL_RESPOND)
@require_POST
def partner_message(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral = selectors.access_partner_referral(request.actor, referral_id)
    return _post_message(request, referral, back="referrals:partner_detail")


# --- The directory -------------------------------------------------------------------------


@requires(Capability.REFERRAL_SEND)
@require_http_methods(["GET"])
def directory_search(request: AuthedRequest) -> HttpResponse:
    """Search community services by need, language, distance, opening time, age and cost."""
    form = forms.DirectoryForm(request.GET or None)
    hits: list = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            hits = directory.search_services(
                need=data["need"] or None,
                language=data["language"] or None,
                near_zip=data["zip_code"] or None,
                within_miles=data["within_miles"] if data["zip_code"] else None,
                open_at=clock.now() if data["open_now"] else data["open_at"],
                child_age_years=data["age_years"],
                free_only=data["free_only"],
                practice=request.actor.practice,
                limit=30,
            )
        except directory.UnknownZipError:
            form.add_error("zip_code", _("This ZIP code is not known."))
    return render(
        request,
        "referrals/directory.html",
        {"form": form, "hits": hits, "searched": form.is_bound},
    )


@requires(Capability.DIRECTORY_CURATE)
@require_http_methods(["GET", "POST"])
def curate(request: AuthedRequest, organization_id: UUID) -> HttpResponse:
    """The practice's own view of a partner: trusted, on site, and a note for colleagues."""
    organization = directory.organization_or_404(organization_id)
    current = directory.curation_of(request.actor.practice, organization)
    form = forms.CurationForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        directory_services.curate(
            request.actor,
            organization,
            form.cleaned_data["trusted"],
            form.cleaned_data["on_site"],
            form.cleaned_data["note"],
            clock.now(),
        )
        messages.success(request, _("Saved for your practice."))
        return redirect("referrals:directory")
    return render(request, "referrals/curate.html", {"organization": organization, "form": form})


# --- The family's status page --------------------------------------------------------------


@requires(Capability.REFERRAL_SEND)
@require_POST
def status_link(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    """Make a caregiver's link to their referrals' status; shown once, to text or print.

    The link is for one caregiver: the one chosen, else the one who consented to this referral,
    else the family's primary contact. It shows only the referrals that caregiver consented to.
    """
    referral = selectors.access_referral(request.actor, referral_id)
    caregiver_id = optional_id(request.POST, "caregiver")
    caregiver: Caregiver | None
    if caregiver_id is not None:
        caregiver = access_caregiver(request.actor, caregiver_id, need=Capability.REFERRAL_SEND)
    else:
        consent = selectors.consent_of(referral)
        caregiver = (consent.given_by_caregiver if consent else None) or links.default_caregiver(
            referral.child
        )
    try:
        link, token = links.issue_link(
            actor=request.actor,
            purpose=Purpose.REFERRAL_STATUS,
            child=referral.child,
            caregiver=caregiver,
            at=clock.now(),
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("referrals:detail", referral_id=referral.pk)
    url = request.build_absolute_uri(reverse("portal:referral_status", args=[token]))
    response = render(
        request, "referrals/status_link.html", {"referral": referral, "url": url, "link": link}
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Capability.DIRECTORY_CURATE)
@require_http_methods(["GET", "POST"])
def follow_up_settings(request: AuthedRequest) -> HttpResponse:
    """When an unanswered or unclosed referral becomes a follow-up task, for this practice."""
    current = services.settings_for(request.actor.practice)
    form = forms.FollowUpSettingsForm(
        request.POST or None,
        initial={
            "response_business_days": current.response_business_days,
            "close_days": current.close_days,
            "urgent_response_hours": current.urgent_response_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                actor=request.actor,
                response_business_days=form.cleaned_data["response_business_days"],
                close_days=form.cleaned_data["close_days"],
                urgent_response_hours=form.cleaned_data["urgent_response_hours"],
                at=clock.now(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Follow-up rules saved."))
            return redirect("referrals:settings")
    return render(
        request,
        "referrals/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
