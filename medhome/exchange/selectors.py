"""The exchange's reads."""

from typing import Any

from .models import PartnerEndpoint


def active_endpoint(endpoint_id: Any) -> PartnerEndpoint | None:
    """The active endpoint of that id, or None (the notification answers 404 either way)."""
    return PartnerEndpoint.objects.filter(pk=endpoint_id, is_active=True).first()
