from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from medhome.core import clock

from . import health


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for monitoring (and a load balancer that should stop sending traffic when the
    database is gone): 200 when every check passes, 503 naming the ones that failed."""
    ready, checks = health.readiness(now=clock.now())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )
