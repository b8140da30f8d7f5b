from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from medhome.accounts.roles import Capability

from . import selectors


def waiting_messages(request: HttpRequest) -> dict[str, Any]:
    """How many EHR messages wait for a child, for the navigation bar of those who file them
    (front desk, coordinators, clinicians). Lazy: one indexed count, only when a page shows
    the navigation."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_in_practice or not actor.can(Capability.FAMILY_EDIT):
        return {}
    return {"waiting_ehr_count": SimpleLazyObject(lambda: selectors.waiting_count(actor))}
