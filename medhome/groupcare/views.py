"""The pages of group well-child care (capability groupcare.run): the cohorts and the proposed
ones, a cohort with its members and its series of sessions, a session's roster. Thin: parse,
one domain call, render; every page audits a read of each child it lists."""

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.languages import language_name
from medhome.core.params import optional_id
from medhome.core.requests import AuthedRequest
from medhome.practices.calendar import calendar_of
from medhome.screening.rules import preferred
from medhome.visits.selectors import clinicians_of

from . import attendance, formation, rules, selectors, services
from .models import DoubleBooking, LeftReason

RUN = Capability.GROUPCARE_RUN


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None


def _moment(request: AuthedRequest, day_field: str, time_field: str) -> datetime | None:
    day = _day(request.POST.get(day_field, ""))
    try:
        at = time.fromisoformat(request.POST.get(time_field, "").strip())
    except ValueError:
        return None
    if day is None:
        return None
    return datetime.combine(day, at, tzinfo=calendar_of(request.actor.practice).zone)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _refused(request: AuthedRequest, refused: ValidationError) -> None:
    for message in refused.messages:
        messages.error(request, message)


# --- the cohorts and the proposals ------------------------------------------------------------


@requires(RUN)
@require_GET
def cohort_list(request: AuthedRequest) -> HttpResponse:
    now = clock.now()
    today = clock.local_date(now)
    proposals = formation.proposals(request.actor, today)
    sites = {site.pk: site for site in selectors.sites_of(request.actor)}
    services.record_children_read(
        actor=request.actor,
        child_ids=[pk for p in proposals for pk in p.child_ids],
        via="groupcare_proposals",
        at=now,
    )
    return render(
        request,
        "groupcare/list.html",
        {
            "cohorts": selectors.cohorts(request.actor),
            "proposals": [
                {
                    "proposal": p,
                    "site": sites.get(p.site_id) if p.site_id else None,
                    "language": language_name(p.language) if p.language else "",
                }
                for p in proposals
            ],
            "sites": list(sites.values()),
            "clinicians": clinicians_of(request.actor),
            "staff": selectors.staff_of(request.actor),
            "settings": {
                "span": rules.setting("birth_span_days"),
                "min": rules.setting("min_families"),
                "max": rules.setting("max_families"),
            },
        },
    )


@requires(RUN)
@require_POST
def form(request: AuthedRequest) -> HttpResponse:
    """Form a cohort, from a proposal (its children posted) or by hand (none)."""
    site = selectors.site_of(request.actor, optional_id(request.POST, "site"))
    ids = [v for v in request.POST.getlist("child") if v]
    children = selectors.children_by_ids(request.actor, _uuids(ids))
    try:
        cohort = services.form_cohort(
            actor=request.actor,
            name=request.POST.get("name", ""),
            site=site,
            language=request.POST.get("language", ""),
            born_from=_day(request.POST.get("born_from", "")),
            born_to=_day(request.POST.get("born_to", "")),
            facilitator_id=_int(request.POST.get("facilitator")),
            co_facilitator_id=_int(request.POST.get("co_facilitator")),
            children=children,
            at=clock.now(),
        )
    except ValidationError as refused:
        _refused(request, refused)
        return redirect("groupcare:list")
    messages.success(request, _("Group “%(name)s” formed.") % {"name": cohort.name})
    return redirect("groupcare:cohort", cohort_id=cohort.pk)


def _uuids(values: list[str]) -> list[UUID]:
    out = []
    for value in values:
        try:
            out.append(UUID(value))
        except ValueError:
            continue
    return out


# --- a cohort ---------------------------------------------------------------------------------


def _cohort_page(
    request: AuthedRequest,
    cohort: Any,
    *,
    clashes: list | None = None,
    posted: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    now = clock.now()
    today = clock.local_date(now)
    members = selectors.members(request.actor, cohort)
    scheduled = selectors.sessions(request.actor, cohort)
    open_members = [m for m in members if m.is_open]
    series = selectors.plan_series(
        cohort, [m.child.date_of_birth for m in open_members], scheduled, on=today
    )
    services.record_children_read(
        actor=request.actor, child_ids=[m.child_id for m in members], via="groupcare_cohort", at=now
    )
    return render(
        request,
        "groupcare/cohort.html",
        {
            "cohort": cohort,
            "language": language_name(cohort.language),
            "members": members,
            "series": series,
            "minutes": rules.setting("session_minutes"),
            "reasons": LeftReason.choices,
            "choices": DoubleBooking.choices,
            "clashes": clashes or [],
            "posted": posted or {},
            "today": today,
        },
        status=status,
    )


@requires(RUN)
@require_GET
def cohort(request: AuthedRequest, cohort_id: UUID) -> HttpResponse:
    return _cohort_page(request, selectors.access_cohort(request.actor, cohort_id))


@requires(RUN)
@require_POST
def add_member(request: AuthedRequest, cohort_id: UUID) -> HttpResponse:
    cohort = selectors.access_cohort(request.actor, cohort_id)
    mrn = request.POST.get("mrn", "").strip()
    child = selectors.child_by_mrn(request.actor, mrn)
    if child is None:
        messages.error(request, _("No child of this practice has that MRN."))
        return redirect("groupcare:cohort", cohort_id=cohort.pk)
    try:
        services.add_member(actor=request.actor, cohort=cohort, child=child, at=clock.now())
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("The family joined the group."))
    return redirect("groupcare:cohort", cohort_id=cohort.pk)


@requires(RUN)
@require_POST
def leave(request: AuthedRequest, cohort_member_id: UUID) -> HttpResponse:
    member = selectors.access_member(request.actor, cohort_member_id)
    try:
        services.leave(
            actor=request.actor,
            member=member,
            reason=request.POST.get("reason", ""),
            at=clock.now(),
        )
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(
            request, _("The family left the group; its group visits still to come are cancelled.")
        )
    return redirect("groupcare:cohort", cohort_id=member.cohort_id)


@requires(RUN)
@require_POST
def schedule(request: AuthedRequest, cohort_id: UUID) -> HttpResponse:
    cohort = selectors.access_cohort(request.actor, cohort_id)
    choices = {
        key.removeprefix("choice-"): str(value)
        for key, value in request.POST.items()
        if key.startswith("choice-") and value
    }
    try:
        session = services.schedule_session(
            actor=request.actor,
            cohort=cohort,
            visit_key=request.POST.get("visit_key", ""),
            starts_at=_moment(request, "day", "time"),
            duration_minutes=_int(request.POST.get("duration_minutes")),
            place=request.POST.get("place", ""),
            video_link=request.POST.get("video_link", ""),
            topics=request.POST.get("topics", ""),
            choices=choices,
            at=clock.now(),
        )
    except services.DoubleBooked as clash:
        _refused(request, clash)
        return _cohort_page(
            request, cohort, clashes=clash.clashes, posted=request.POST.dict(), status=400
        )
    except ValidationError as refused:
        _refused(request, refused)
        return _cohort_page(request, cohort, posted=request.POST.dict(), status=400)
    messages.success(request, _("Session scheduled; each family's group visit is booked."))
    return redirect("groupcare:session", session_id=session.pk)


@requires(RUN)
@require_POST
def cohort_status(request: AuthedRequest, cohort_id: UUID) -> HttpResponse:
    cohort = selectors.access_cohort(request.actor, cohort_id)
    try:
        services.set_status(
            actor=request.actor,
            cohort=cohort,
            status=request.POST.get("status", ""),
            at=clock.now(),
        )
    except ValidationError as refused:
        _refused(request, refused)
    return redirect("groupcare:cohort", cohort_id=cohort.pk)


# --- a session --------------------------------------------------------------------------------


@requires(RUN)
@require_GET
def session(request: AuthedRequest, session_id: UUID) -> HttpResponse:
    found = selectors.access_session(request.actor, session_id)
    now = clock.now()
    roster = selectors.roster(request.actor, found)
    booked = {row.child.pk for row in roster}
    unbooked = [
        m.child
        for m in selectors.members(request.actor, found.cohort, open_only=True)
        if m.child_id not in booked
    ]
    services.record_children_read(
        actor=request.actor,
        child_ids=[row.child.pk for row in roster] + [c.pk for c in unbooked],
        via="groupcare_session",
        at=now,
    )
    return render(
        request,
        "groupcare/session.html",
        {
            "session": found,
            "visit_label": rules.visit_label(found.visit_key, clock.local_date(found.starts_at)),
            "cohort": found.cohort,
            "roster": roster,
            "unbooked": unbooked,
            "caregiver_screen": selectors.caregiver_screen_at(
                found.visit_key, clock.local_date(found.starts_at)
            ),
            "caregiver_instrument": (preferred(selectors.CAREGIVER_ROW) or ["epds"])[0],
            "started": found.starts_at <= now,
            "clinicians": clinicians_of(request.actor),
            "choices": DoubleBooking.choices,
        },
    )


@requires(RUN)
@require_POST
def mark(request: AuthedRequest, attendance_id: UUID) -> HttpResponse:
    row = selectors.access_attendance(request.actor, attendance_id)
    action = request.POST.get("action", "")
    move = {"attended": attendance.mark_attended, "missed": attendance.mark_missed}.get(action)
    if move is None:
        messages.error(request, _("Choose attended or missed."))
    else:
        try:
            move(actor=request.actor, attendance=row, at=clock.now())
        except ValidationError as refused:
            _refused(request, refused)
    return redirect("groupcare:session", session_id=row.session_id)


@requires(RUN)
@require_POST
def makeup(request: AuthedRequest, attendance_id: UUID) -> HttpResponse:
    row = selectors.access_attendance(request.actor, attendance_id)
    try:
        attendance.book_makeup(
            actor=request.actor,
            attendance=row,
            starts_at=_moment(request, "day", "time"),
            clinician_id=_int(request.POST.get("clinician")),
            at=clock.now(),
        )
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Make-up well-child visit booked."))
    return redirect("groupcare:session", session_id=row.session_id)


@requires(RUN)
@require_POST
def book_member(request: AuthedRequest, session_id: UUID) -> HttpResponse:
    found = selectors.access_session(request.actor, session_id)
    child_id = optional_id(request.POST, "child")
    child = selectors.child_by_id(request.actor, child_id)
    if child is None:
        messages.error(request, _("Choose a child of the group."))
        return redirect("groupcare:session", session_id=found.pk)
    try:
        services.book_member(
            actor=request.actor,
            session=found,
            child=child,
            choice=request.POST.get("choice", ""),
            at=clock.now(),
        )
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("The child is booked into this session."))
    return redirect("groupcare:session", session_id=found.pk)
