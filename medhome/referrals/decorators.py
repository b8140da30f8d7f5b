from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def requires_partner(capability: str) -> Callable[[Callable], Callable]:
    """A page for someone outside the practice, acting for a partner organization, whose
    partner role gives `capability` (an organization's staff answer referrals; an outside
    member of a care team reads that team's plan, not the organization's referrals)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = getattr(request, "actor", None)
            if actor is None or not actor.is_partner or not actor.can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
