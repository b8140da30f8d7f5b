"""Staff pages of screening. Thin: parse, one domain call, render."""

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability, Role
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.params import optional_id
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_caregiver, access_child, whom_to_call
from medhome.instruments import registry
from medhome.instruments.scoring import InvalidAnswers
from medhome.visits import selectors as visit_selectors

from . import due, forms, hooks, panel, rules, selectors, services, zcodes
from .alerts import (
    ELIGIBLE_ROLES,
    may_acknowledge_in_practice,
    on_call_clinician,
    refusal,
    settings_for,
    update_alert_settings,
)
from .chart import panel_context
from .models import Mode, Status
from .presenting import form_items, outcome_of

# The site whose day this person looked at last: their site, until they choose another.
TODAY_SITE_KEY = "medhome_today_site"


def parse_day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        return clock.today()


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def landing(request: AuthedRequest) -> HttpResponse:
    """Where a clinician lands (practices.views.home_for): the open alerts when the practice has
    any and the person may acknowledge them, otherwise today's clinic."""
    if (
        request.actor.can(Capability.ALERT_ACKNOWLEDGE)
        and selectors.open_alerts(request.actor).exists()
    ):
        return redirect("screening:alerts")
    return redirect("screening:today")


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def today(request: AuthedRequest) -> HttpResponse:
    """A site's day: who is coming, in time order with each visit's status, and what each child
    is due for at that visit; the front desk marks arrivals and no-shows here."""
    day = parse_day(request.GET.get("day"))
    sites = visit_selectors.sites_of(request.actor)
    site = visit_selectors.choose_site(
        sites, request.GET.get("site", ""), request.session.get(TODAY_SITE_KEY, "")
    )
    chosen = str(site.pk) if site else visit_selectors.ALL_SITES
    # Remembered when the person chooses a site, so a plain visit writes no session.
    if "site" in request.GET and request.session.get(TODAY_SITE_KEY) != chosen:
        request.session[TODAY_SITE_KEY] = chosen
    rows = panel.visits_with_due(request.actor, day, site=site)
    services.record_list_opened(
        actor=request.actor, list_name="todays_visits", count=len(rows), at=clock.now()
    )
    alerts = selectors.open_alerts(request.actor).count()
    return render(
        request,
        "screening/today.html",
        {
            "day": day,
            "rows": rows,
            "sites": sites,
            "site": site,
            "here": request.get_full_path(),
            "alerts": alerts,
            # The navigation's badge (context_processors.open_alerts) would count them again.
            "open_alert_count": alerts,
            "previous_day": date.fromordinal(day.toordinal() - 1),
            "next_day": date.fromordinal(day.toordinal() + 1),
        },
    )


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def due_list(request: AuthedRequest) -> HttpResponse:
    """The whole panel's due and overdue well-child visits, set-based and paged."""
    on = clock.today()
    status = request.GET.get("status", "")
    rows = panel.panel_rows(request.actor, on, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    services.record_list_opened(
        actor=request.actor, list_name="due_list", count=len(page.object_list), at=clock.now()
    )
    return render(
        request,
        "screening/due_list.html",
        {
            "page": page,
            "on": on,
            "status": status,
            "counts": panel.panel_counts(request.actor, on),
            "rows": panel.present_rows(page.object_list, on, actor=request.actor),
        },
    )


@requires(Capability.SCREENING_SEND)
@require_http_methods(["GET", "POST"])
def send(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    now = clock.now()
    if request.method == "GET":
        services.record_opened(
            actor=request.actor, object_type="child", object_id=child.pk, child_id=child.pk, at=now
        )
    choices = due.choices_for(child, clock.local_date(now))
    form = forms.SendForm(request.POST or None, child=child, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            link, token = services.create_link(
                actor=request.actor,
                child=child,
                instrument_keys=form.cleaned_data["instruments"],
                caregiver=form.cleaned_data["caregiver"],
                language=form.cleaned_data["language"],
                channel=form.cleaned_data["channel"],
                override_reason=form.cleaned_data["override_reason"],
                at=now,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            url = request.build_absolute_uri(reverse("portal:screening_start", args=[token]))
            return render(
                request,
                "screening/link_sent.html",
                {"child": child, "link": link, "url": url},
            )
    return render(
        request,
        "screening/send.html",
        {
            "child": child,
            "form": form,
            "paper_only": [
                c for c in choices if c.due and not (c.family_ok and c.respondent == "caregiver")
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(Capability.SCREENING_SEND)
@require_POST
def start(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Start a form in clinic: on the tablet for the family, or keyed in by staff."""
    child = access_child(request.actor, child_id)
    mode = request.POST.get("mode", "")
    if mode not in (Mode.TABLET, Mode.STAFF_ENTRY):
        mode = Mode.TABLET
    follows = None
    if follows_id := optional_id(request.POST, "follows"):
        follows = selectors.access_administration(
            request.actor, follows_id, need=Capability.SCREENING_DETAIL
        )
        if follows.child_id != child.pk:
            follows = None
    caregiver = None
    if caregiver_id := optional_id(request.POST, "caregiver"):
        caregiver = access_caregiver(request.actor, caregiver_id, need=Capability.CHART_READ)
    try:
        administration = services.start_administration(
            actor=request.actor,
            child=child,
            choice=request.POST.get("instrument", ""),
            mode=mode,
            caregiver=caregiver,
            language=request.POST.get("language") or child.preferred_language,
            override_reason=request.POST.get("override_reason", ""),
            follows=follows,
            at=clock.now(),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("screening:child", child_id=child.pk)
    return redirect("screening:administer", administration_id=administration.pk)


@requires(Capability.SCREENING_SEND)
@require_http_methods(["GET", "POST"])
def administer(request: AuthedRequest, administration_id: UUID) -> HttpResponse:
    """One form in clinic. Staff entry shows neutral labels and scores; tablet mode shows the
    family's page in their language."""
    administration = selectors.access_administration(
        request.actor, administration_id, need=Capability.SCREENING_SEND
    )
    staff_entry = administration.mode == Mode.STAFF_ENTRY
    if staff_entry and not request.actor.can(Capability.SCREENING_DETAIL):
        return render(request, "403.html", status=403)
    if administration.status == Status.SCORED or administration.mode == Mode.FAMILY_LINK:
        return redirect("screening:child", child_id=administration.child_id)
    instrument = registry.get(administration.instrument_key)
    errors: dict[str, str] = {}
    awaiting = awaiting_partial = False
    if request.method == "GET":
        services.record_result_opened(
            actor=request.actor, administration=administration, at=clock.now()
        )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = forms.answers_from(request.POST, instrument)
        try:
            administration = services.save_answers(
                actor=request.actor,
                administration=administration,
                answers=answers,
                submit=action == "submit",
                at=clock.now(),
            )
        except InvalidAnswers as invalid:
            errors = invalid.errors
        except services.AwaitingAcknowledgement as waiting:
            awaiting, awaiting_partial = True, not waiting.complete
            administration.refresh_from_db()
        except services.AlreadySubmitted:
            return redirect("screening:child", child_id=administration.child_id)
        else:
            if action == "submit":
                if staff_entry:
                    return redirect("screening:result", administration_id=administration.pk)
                with translation.override(administration.language):
                    return render(
                        request,
                        "screening/tablet_done.html",
                        {"administration": administration, "language": administration.language},
                    )
            if request.htmx:
                return HttpResponse(status=204)
    items = form_items(
        instrument,
        administration,
        language=administration.language,
        staff_entry=staff_entry,
        posted=request.POST if errors else None,
    )
    open_alerts = list(administration.alerts.filter(acknowledged_at__isnull=True))
    template = "screening/staff_entry.html" if staff_entry else "screening/tablet.html"
    with translation.override(request.LANGUAGE_CODE if staff_entry else administration.language):
        return render(
            request,
            template,
            {
                "administration": administration,
                "instrument": instrument,
                "items": items,
                "errors": errors,
                "awaiting": awaiting,
                "awaiting_partial": awaiting_partial,
                "open_alerts": open_alerts,
                # The person keying the form never acknowledges its alert (alerts.refusal).
                "may_acknowledge": bool(open_alerts)
                and all(refusal(request.actor, alert) is None for alert in open_alerts),
                "language": administration.language,
            },
            status=400 if errors else 200,
        )


@requires(Capability.SCREENING_RESULTS)
@require_http_methods(["GET"])
def result(request: AuthedRequest, administration_id: UUID) -> HttpResponse:
    administration = selectors.access_administration(request.actor, administration_id)
    services.record_result_opened(
        actor=request.actor, administration=administration, at=clock.now()
    )
    instrument = registry.get(administration.instrument_key)
    show_answers = request.actor.can(Capability.SCREENING_DETAIL)
    return render(
        request,
        "screening/result.html",
        {
            "administration": administration,
            "instrument": instrument,
            "outcome": outcome_of(administration),
            "items": form_items(instrument, administration, language="en", staff_entry=True)
            if show_answers
            else [],
            "follow_up": services.follow_up_of(administration),
            "alerts": list(administration.alerts.all()),
            "shows_form_age": bool(set(instrument.rows) & {"developmental", "behavioral", "autism"})
            and administration.respondent != "adolescent",
            "sections": hooks.result_sections(request, administration),
            "z_codes": zcodes.suggested(
                administration.positive_domains, administration.administered_on or clock.today()
            ),
        },
    )


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def child_screenings(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    # The tab is for roles that see results or send forms; the legal partner and the practice
    # admin have neither. Checked before the child is looked up, so the answer (403) is the same
    # for a real and a made-up id.
    if not (
        request.actor.can(Capability.SCREENING_RESULTS)
        or request.actor.can(Capability.SCREENING_SEND)
    ):
        raise PermissionDenied
    child = access_child(request.actor, child_id)
    services.record_opened(
        actor=request.actor,
        object_type="child",
        object_id=child.pk,
        child_id=child.pk,
        at=clock.now(),
    )
    context = panel_context(request, child, clock.today(), full=True) or {}
    return render(request, "screening/child.html", context)


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def alerts(request: AuthedRequest) -> HttpResponse:
    open_alerts = list(selectors.open_alerts(request.actor))
    contacts = whom_to_call(request.actor, [alert.child for alert in open_alerts])
    services.record_list_opened(
        actor=request.actor, list_name="critical_alerts", count=len(open_alerts), at=clock.now()
    )
    return render(
        request,
        "screening/alerts.html",
        {
            "alerts": open_alerts,
            # Each alert with whom to call about it (families.selectors.whom_to_call).
            "rows": [(alert, contacts.get(alert.child_id)) for alert in open_alerts],
            "now": clock.now(),
            "acknowledged": selectors.recent_acknowledged(request.actor),
            "may_acknowledge": may_acknowledge_in_practice(request.actor),
        },
    )


@requires(Capability.ALERT_ACKNOWLEDGE)
@require_http_methods(["GET", "POST"])
def acknowledge(request: AuthedRequest, alert_id: UUID) -> HttpResponse:
    alert = selectors.access_alert(request.actor, alert_id)
    refused = refusal(request.actor, alert)
    if refused is not None:
        return render(
            request, "screening/acknowledge_refused.html", {"reason": refused}, status=403
        )
    if request.method == "GET":
        services.record_opened(
            actor=request.actor,
            object_type=services.ALERT_OBJECT,
            object_id=alert.pk,
            child_id=alert.child_id,
            at=clock.now(),
        )
    form = forms.AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_alert(
                actor=request.actor,
                alert=alert,
                action_taken=form.cleaned_data["action_taken"],
                at=clock.now(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Alert acknowledged. Thank you."))
            return redirect("screening:alerts")
    return render(
        request,
        "screening/acknowledge.html",
        {
            "alert": alert,
            "form": form,
            "contact": whom_to_call(request.actor, [alert.child]).get(alert.child_id),
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def alert_settings(request: AuthedRequest) -> HttpResponse:
    """Who may acknowledge the practice's critical alerts and who is on call."""
    practice = request.actor.practice
    current = settings_for(practice)
    form = forms.AlertSettingsForm(
        request.POST or None,
        roles=[(role.value, role.label) for role in Role if role in ELIGIBLE_ROLES],
        clinicians=[
            (str(membership.user_id), f"{membership.user} · {membership.get_role_display()}")
            for membership in selectors.alert_clinicians(request.actor)
        ],
        initial={
            "acknowledging_roles": current.acknowledging_roles,
            "on_call_clinician": str(current.on_call_clinician_id or ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_alert_settings(
                actor=request.actor,
                acknowledging_roles=form.cleaned_data["acknowledging_roles"],
                on_call_clinician_id=form.cleaned_data["on_call_clinician"] or None,
                at=clock.now(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Alert settings saved."))
            return redirect("screening:alert_settings")
    return render(
        request,
        "screening/alert_settings.html",
        {
            "form": form,
            "on_call": on_call_clinician(practice),
            "hours": f"{rules.escalation_business_hours():g}",
        },
        status=400 if request.method == "POST" else 200,
    )
