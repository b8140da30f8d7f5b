"""The SMART app's daily upkeep on the worker: forget EHR launches past their life and the OAuth
rows django-oauth-toolkit counts as expired (access tokens, refresh tokens past
REFRESH_TOKEN_EXPIRE_SECONDS or revoked, authorization codes, ID tokens: its own
`clear_expired`, which `manage.py cleartokens` also runs). Used Backend Services assertion ids
are forgotten here too once they have expired, besides at each new assertion, so a client that
stops calling leaves none behind. Nothing here is evidence: who launched which child for which
app, and every read with a token, is in the audit trail."""

from datetime import datetime, timedelta

from oauth2_provider.models import clear_expired

from medhome.jobs.registry import DAY, register

from .models import LaunchContext, UsedAssertion


def sweep(*, now: datetime) -> int:
    """Delete what has expired by `now`; the number of launches and assertion ids deleted."""
    launches, _ = LaunchContext.objects.filter(expires_at__lte=now).delete()
    assertions, _ = UsedAssertion.objects.filter(expires_at__lte=now).delete()
    clear_expired()
    return launches + assertions


register("smart.sweep", sweep, every=DAY, offset=timedelta(hours=3, minutes=30))
