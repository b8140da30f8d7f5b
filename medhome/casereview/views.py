"""The case-review list and a family's review page. Thin: parse, one domain call, render."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.params import optional_id
from medhome.core.requests import AuthedRequest
from medhome.programs.models import Program

from . import program_review, selectors, services
from .forms import ReviewForm, blank_rows, read_review
from .reasons import REASON_KEYS, REASONS

PAGE_SIZE = 25


@requires(selectors.NEED)
@require_http_methods(["GET"])
def review_list(request: AuthedRequest) -> HttpResponse:
    reason = request.GET.get("reason", "")
    if reason not in REASON_KEYS:
        reason = ""
    now = clock.now()
    attention = selectors.needing_attention(request.actor, now=now, reason=reason or None)
    page = Paginator(attention, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.rows_of(request.actor, list(page.object_list))
    services.record_list_read(actor=request.actor, rows=rows, at=now)
    return render(
        request,
        "casereview/list.html",
        {
            "rows": rows,
            "page": page,
            "reasons": REASONS,
            "reason": reason,
            "review_programs": list(program_review.review_programs(request.actor)),
        },
    )


@requires(program_review.READ)
@require_http_methods(["GET"])
def program(request: AuthedRequest, program_id: UUID) -> HttpResponse:
    """A program's review: every family enrolled in it (DULCE: weekly)."""
    now = clock.now()
    chosen = program_review.access_review_program(request.actor, program_id)
    review = program_review.program_review(request.actor, chosen, now=now)
    services.record_program_read(actor=request.actor, program=chosen, rows=review.families, at=now)
    return render(
        request,
        "casereview/program.html",
        {"review": review, "may_record": request.actor.can(selectors.NEED)},
    )


def _program_of(request: AuthedRequest) -> Program | None:
    """The program whose meeting the family's review is held in (?program=<id>), or None."""
    program_id = optional_id(request.GET, "program") or optional_id(request.POST, "program")
    if program_id is None:
        return None
    return program_review.access_review_program(request.actor, program_id)


def _page(
    request: AuthedRequest,
    family_id: UUID,
    form: ReviewForm,
    status: int = 200,
    program: Program | None = None,
):
    now = clock.now()
    family = selectors.access_review_family(request.actor, family_id)
    data = selectors.family_page(request.actor, family, now=now)
    services.record_family_read(actor=request.actor, family=family, children=data.children, at=now)
    if not form.rows:
        only_child = str(data.children[0].pk) if len(data.children) == 1 else ""
        form.rows = blank_rows(only_child)
    colleagues = list(selectors.colleagues(request.actor))
    people = [
        (
            f"{services.PERSON}{member.user_id}",
            f"{member.user.get_full_name()} · {member.get_role_display()}",
        )
        for member in colleagues
    ]
    roles = [(f"{services.ROLE}{role}", Role(role).label) for role in selectors.team_roles()]
    return render(
        request,
        "casereview/family.html",
        {
            "page": data,
            "form": form,
            "held_on": form.held_on or clock.local_date(now),
            "colleagues": colleagues,
            "people": people,
            "roles": roles,
            "children": [(str(child.pk), child) for child in data.children],
            "program": program,
            "records_contact": program is not None and program_review.holds_review_contact(program),
        },
        status=status,
    )


@requires(selectors.NEED)
@require_http_methods(["GET", "POST"])
def family(request: AuthedRequest, family_id: UUID) -> HttpResponse:
    program = _program_of(request)
    if request.method == "GET":
        return _page(request, family_id, ReviewForm(), program=program)
    family = selectors.access_review_family(request.actor, family_id)
    form = read_review(request.POST)
    if not form.errors and form.held_on is not None:
        try:
            services.record_review(
                actor=request.actor,
                family=family,
                held_on=form.held_on,
                attendee_ids=form.attendee_ids,
                summary=form.summary,
                decisions=form.decisions,
                at=clock.now(),
                program=program,
            )
        except ValidationError as refused:
            form.errors = list(refused.messages)
        else:
            messages.success(request, _("Case review recorded."))
            if program is not None:
                return redirect("casereview:program", program_id=program.pk)
            return redirect("casereview:family", family_id=family.pk)
    return _page(request, family_id, form, status=400, program=program)
