from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def requires(capability: str | None = None) -> Callable:
    """A view needs a logged-in user working in a practice and, optionally, one capability.

    The role's capability is a page-level check (403): what a role may not open is no secret.
    Rows of another practice are a different matter: access_* functions answer 404 for those.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = getattr(request, "actor", None)
            if actor is None or not actor.is_in_practice:
                choose = reverse("practices:choose")
                return redirect(f"{choose}?{urlencode({'next': request.get_full_path()})}")
            if capability and not actor.can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
