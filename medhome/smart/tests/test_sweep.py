"""The daily SMART sweep (smart.jobs): what has expired goes, what still lives stays."""

from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant

from medhome.accounts.roles import Role
from medhome.jobs import registry
from medhome.smart.jobs import sweep
from medhome.smart.models import LaunchContext, TokenContext, UsedAssertion

from .support import REDIRECT, register_app


def _launch(app, user, practice, child, *, expires):
    return LaunchContext.objects.create(
        id=f"launch-{expires.timestamp()}",
        client=app.client,
        user=user,
        practice=practice,
        patient=child,
        created_at=expires - timedelta(minutes=5),
        expires_at=expires,
    )


def _token(app, user, practice, *, expires, raw):
    token = AccessToken.objects.create(
        user=user, application=app.client.application, token=raw, expires=expires, scope="user/*.rs"
    )
    TokenContext.objects.create(access_token=token, practice=practice)
    return token


def test_the_sweep_deletes_only_what_has_expired(practice_a, staff_a, child_a):
    admin = staff_a[Role.PRACTICE_ADMIN]
    app = register_app(practice_a, admin)
    now = timezone.now()
    live_launch = _launch(app, admin, practice_a, child_a, expires=now + timedelta(minutes=1))
    _launch(app, admin, practice_a, child_a, expires=now - timedelta(seconds=1))
    UsedAssertion.objects.create(client=app.client, jti="old", expires_at=now - timedelta(1))
    UsedAssertion.objects.create(client=app.client, jti="new", expires_at=now + timedelta(1))
    live = _token(app, admin, practice_a, expires=now + timedelta(hours=1), raw="live-token")
    _token(app, admin, practice_a, expires=now - timedelta(hours=1), raw="dead-token")
    Grant.objects.create(
        user=admin,
        application=app.client.application,
        code="old-code",
        expires=now - timedelta(minutes=1),
        redirect_uri=REDIRECT,
        scope="launch",
    )

    assert sweep(now=now) == 2

    assert list(LaunchContext.objects.all()) == [live_launch]
    assert list(UsedAssertion.objects.values_list("jti", flat=True)) == ["new"]
    assert list(AccessToken.objects.all()) == [live]
    assert list(TokenContext.objects.values_list("access_token", flat=True)) == [live.pk]
    assert not Grant.objects.exists()


def test_the_sweep_runs_daily_on_the_worker():
    job = registry.get("smart.sweep")
    assert job is not None and job.run is sweep and job.every == timedelta(days=1)
