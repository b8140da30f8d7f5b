from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def open_alerts(request: HttpRequest) -> dict[str, Any]:
    """How many critical answers wait in the practice, for the navigation bar on every page.

    Lazy: counted only when a page shows the navigation (family pages never do)."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_in_practice:
        return {}
    return {"open_alert_count": SimpleLazyObject(lambda: selectors.open_alerts(actor).count())}
