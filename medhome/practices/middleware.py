from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from medhome.accounts.roles import capabilities_of
from medhome.core.actor import Actor

from .selectors import active_membership

SESSION_PRACTICE_KEY = "medhome_practice_id"


class ActorMiddleware:
    """Builds request.actor from the logged-in user and the practice chosen in the session.

    The membership is re-read on every request, so a removed membership or role change takes
    effect at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = self.actor_for(request)  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def actor_for(request: HttpRequest) -> Actor:
        request_id = getattr(request, "request_id", "")
        user = request.user
        if not user.is_authenticated:
            return Actor(user=None, request_id=request_id)
        practice_id = request.session.get(SESSION_PRACTICE_KEY)
        membership = active_membership(user, practice_id) if practice_id else None
        if membership is None:
            return Actor(user=user, request_id=request_id)
        return Actor(
            user=user,
            practice=membership.practice,
            role=membership.role,
            capabilities=capabilities_of(membership.role),
            request_id=request_id,
        )
