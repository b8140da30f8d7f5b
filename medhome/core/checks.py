"""The start-up check of the session timeouts: a renewal interval as long as the idle timeout
would end the sessions of staff who are working (a page renews the idle timeout only once the
interval has passed), so the server refuses to start with one."""

from typing import Any

from django.conf import settings
from django.core import checks


def check_session_timeouts(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    renew, idle = settings.MEDHOME_SESSION_RENEW_SECONDS, settings.SESSION_COOKIE_AGE
    if isinstance(renew, int) and 0 <= renew < idle:
        return []
    return [
        checks.Error(
            f"MEDHOME_SESSION_RENEW_SECONDS ({renew!r}) must be at least 0 and shorter than the "
            f"idle timeout, MEDHOME_SESSION_IDLE_SECONDS ({idle}).",
            hint="See docs/deploy.md (the settings table); 60 s is the default.",
            obj="MEDHOME_SESSION_RENEW_SECONDS",
            id="medhome.E104",
        )
    ]
