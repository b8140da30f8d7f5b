from typing import Any

from django.http import HttpRequest


def actor(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "actor", None)
    return {"actor": current, "practice": getattr(current, "practice", None)}
