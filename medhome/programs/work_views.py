"""A program's family page and its contact form (docs/clinical-rules.md#parent-partners): the
non-clinical page from which a parent partner — programs.work without chart.read — works a
family on their caseload. Thin: parse, one domain call or read, the audit, render."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest

from . import recording, selectors, services, work


@requires(Capability.PROGRAM_WORK)
@require_GET
def family_page(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    actor = request.actor
    child = selectors.access_work_child(actor, child_id)
    now = clock.now()
    context = work.page_context(actor, child, clock.local_date(now))
    services.record_family_page_read(actor=actor, child=child, at=now)
    return render(request, "programs/work/family.html", context)


@requires(Capability.PROGRAM_WORK)
@require_http_methods(["GET", "POST"])
def family_contact(request: AuthedRequest, child_id: UUID, program_id: UUID) -> HttpResponse:
    """Record a contact from the family page: the chart's form and service (`recording`), for a
    program the reader works; concrete supports are named here and referred from the chart."""
    actor = request.actor
    child = selectors.access_work_child(actor, child_id)
    program = selectors.access_work_program(actor, program_id)
    form = recording.contact_form(
        actor, request.POST or None, program=program, child=child, may_refer=False
    )
    saved = (
        request.method == "POST"
        and form.is_valid()
        and recording.save(actor, form, program=program, child=child) is not None
    )
    if saved:
        messages.success(request, _("Contact recorded."))
        return redirect("programs:family_page", child_id=child.pk)
    status = 400 if request.method == "POST" else 200
    context = {"child": child, "program": program, "form": form}
    return render(request, "programs/work/contact.html", context, status=status)
