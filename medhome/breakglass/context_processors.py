from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from medhome.accounts.roles import Capability

from . import selectors


def unreviewed_grants(request: HttpRequest) -> dict[str, Any]:
    """How many break-glass grants wait for the practice admin's review, beside the grants
    link in the navigation bar. Lazy: one indexed count, only when a page shows the bar."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_in_practice or not actor.can(Capability.BREAK_GLASS_REVIEW):
        return {}
    return {"unreviewed_grant_count": SimpleLazyObject(lambda: selectors.unreviewed_count(actor))}
