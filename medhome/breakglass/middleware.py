"""The one place a break-glass grant takes effect: a read of a page that names the child.

Runs after practices.ActorMiddleware. For a GET or HEAD whose URL names a child (`child_id`)
for whom the user holds an active grant in the practice they work in, request.actor gains the
capabilities the grant lifts, marked as lifted (core.actor.Lift) so that the tenancy scope
narrows them to that child and the audit trail marks every row written; and the read itself is
audited as a break-glass read. Anything else — another child, another practice, a form that
changes the record, a list of the practice — sees the role's own rights only.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Lift

from .services import active_grant, lifted_for

READS = frozenset({"GET", "HEAD"})
CHILD_OBJECT = "child"


class BreakGlassMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict[str, Any]
    ) -> None:
        actor = getattr(request, "actor", None)
        child_id = kwargs.get("child_id")
        if child_id is None or actor is None or not actor.is_in_practice:
            return None
        if request.method not in READS or not actor.can(Capability.BREAK_GLASS):
            return None
        lifted = lifted_for(actor.role)
        if not lifted:
            return None
        now = clock.now()
        grant = active_grant(practice=actor.practice, user=actor.user, child_id=child_id, at=now)
        if grant is None:
            return None
        lift = Lift(
            grant_id=grant.pk,
            child_id=grant.child_id,
            capabilities=lifted,
            expires_at=grant.expires_at,
        )
        request.actor = replace(  # type: ignore[attr-defined]
            actor, capabilities=actor.capabilities | lifted, break_glass=lift
        )
        record(
            actor=request.actor,  # type: ignore[attr-defined]
            action=Action.VIEW,
            object_type=CHILD_OBJECT,
            object_id=grant.child_id,
            at=now,
            detail={"page": request.resolver_match.view_name if request.resolver_match else ""},
        )
        return None
