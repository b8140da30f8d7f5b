from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability, capabilities_of

from .middleware import SESSION_PRACTICE_KEY
from .selectors import active_membership, memberships_of


def home_for(role_capabilities: frozenset[str]) -> str:
    """Where a person lands after logging in or choosing a practice (a URL name).

    Clinicians (who acknowledge alerts) go to screening's landing, which sends them to the open
    alerts when the practice has any, else to today's clinic: practices sits below screening,
    so it names that page rather than counting alerts itself. Those whose day is their caseload
    (community health workers, family specialists and parent partners) land on it, named here
    for the same reason (practices sits below programs); those whose day is follow-up work land
    on My tasks.
    """
    if Capability.ALERT_ACKNOWLEDGE in role_capabilities:
        return "screening:landing"
    if Capability.CASELOAD_HOME in role_capabilities:
        return "programs:caseload"
    if Capability.TASKS_HOME in role_capabilities:
        return "tasks:list"
    if Capability.CHART_READ in role_capabilities:
        return "families:search"
    return "families:network"


@login_required
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest) -> HttpResponse:
    """Pick the practice to work in; with a single membership there is nothing to pick."""
    memberships = list(memberships_of(request.user).order_by("practice__name"))
    chosen = None
    if request.method == "POST":
        chosen = active_membership(request.user, request.POST.get("practice"))
    elif len(memberships) == 1:
        chosen = memberships[0]
    if chosen is not None:
        request.session.cycle_key()
        request.session[SESSION_PRACTICE_KEY] = str(chosen.practice_id)
        next_url = request.POST.get("next") or request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect(home_for(capabilities_of(chosen.role)))
    return render(
        request,
        "practices/choose.html",
        {"memberships": memberships, "next": request.GET.get("next", "")},
    )
