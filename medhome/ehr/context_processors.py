from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from medhome.accounts.roles import Capability

from . import selectors


def waiting_messages(request: HttpRequest) -> dict[str, Any]:
    """How many EHR messages wait for a child, in the navigation bar of those who keep the
    panel (front desk, coordinator, admin: they file them). Clinicians see the link without
    the count, so their pages cost no extra query. Lazy: one indexed count, only when a page
    shows the navigation."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_in_practice:
        return {}
    if not (actor.can(Capability.FAMILY_EDIT) and actor.can(Capability.ATTRIBUTION_MANAGE)):
        return {}
    return {"waiting_ehr_count": SimpleLazyObject(lambda: selectors.waiting_count(actor))}
