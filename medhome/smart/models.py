"""SMART on FHIR: the practice's registered apps and what each issued token carries."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientKind(models.TextChoices):
    APP = "app", _("SMART app (a user launches it)")
    BACKEND = "backend", _("Backend service (system to system)")
    PARTNER = "partner", _("Community organization's system")


class SmartClient(models.Model):
    """One OAuth application as medhome knows it: whose it is and what it may ever ask for.

    A backend service's public keys (JWKS) are registered here; it proves itself with a JWT
    signed by the matching private key (SMART Backend Services), never a shared secret."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="smart"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=ClientKind.choices)
    name = models.CharField(max_length=200)
    launch_url = models.URLField(blank=True)
    # The most a token of this client may ever carry (space-separated SMART scopes).
    allowed_scopes = models.TextField(blank=True)
    # Backend services: the capabilities a system token acts with (no user, no role).
    capabilities = models.JSONField(default=list, blank=True)
    jwks = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class TokenContext(models.Model):
    """What an access token is bound to beyond its scopes: the practice it acts in, the child
    of its launch context, the organization of a partner's client."""

    access_token = models.OneToOneField(
        settings.OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL,
        on_delete=models.CASCADE,
        related_name="smart_context",
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    patient = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    capabilities = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"token context {self.pk}"


class LaunchContext(models.Model):
    """An EHR launch (SMART App Launch §EHR launch): the opaque `launch` value handed to an app,
    bound to who launched it, where, for which child; short-lived and usable once."""

    id = models.CharField(primary_key=True, max_length=64, editable=False)
    client = models.ForeignKey(SmartClient, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("families.Child", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"launch {self.pk[:6]}…"


class GrantContext(models.Model):
    """What an authorization code was granted in: the practice and the chosen/launched child,
    carried from the authorize step to the token it is exchanged for."""

    grant = models.OneToOneField(
        settings.OAUTH2_PROVIDER_GRANT_MODEL, on_delete=models.CASCADE, related_name="smart_context"
    )
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    need_patient_banner = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"grant context {self.pk}"


class UsedAssertion(models.Model):
    """A Backend Services client assertion's `jti`, kept until the assertion expires so that it
    cannot be replayed (SMART Backend Services: "jti ... must not be reused")."""

    client = models.ForeignKey(SmartClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="smart_assertion_jti_once")
        ]

    def __str__(self) -> str:
        return f"assertion {self.jti[:8]}…"
