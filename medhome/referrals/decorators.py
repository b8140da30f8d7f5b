from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def requires_partner(view: Callable) -> Callable:
    """A page for a community organization's staff: logged in and acting for an organization."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        actor = getattr(request, "actor", None)
        if actor is None or not actor.is_partner:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
