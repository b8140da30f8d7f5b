"""The staff's one place for a family's links: every live link of the child's family, whoever
made it and for whatever purpose, with a revoke button for those the role may issue."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_child
from medhome.portal import links
from medhome.portal.models import Purpose


def _may_manage_any(request: AuthedRequest) -> None:
    if not any(links.may_issue(request.actor, purpose) for purpose in Purpose):
        raise PermissionDenied


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def family_links(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    _may_manage_any(request)
    child = access_child(request.actor, child_id)
    now = clock.now()
    response = render(
        request,
        "portal/family_links.html",
        {"child": child, "links": links.live_links(request.actor, child, at=now), "now": now},
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Capability.CHART_READ)
@require_POST
def revoke(request: AuthedRequest, link_id: UUID) -> HttpResponse:
    link = links.access_link(request.actor, link_id)
    links.revoke_link(actor=request.actor, link=link, at=clock.now())
    messages.success(request, _("The family's link no longer works."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("portal:family_links", child_id=link.child_id)
