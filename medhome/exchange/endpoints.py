"""The staff page's reads and changes of partner FHIR endpoints (Gravity "direct" pattern,
shared/docs/domain/interop-codes.md §1.6).

A `PartnerEndpoint` belongs to a directory organization, and directory organizations are shared
by every practice: one organization's server receives the referrals of every practice that
refers there. So a practice sees only the endpoints that concern it (its own partners, and the
organizations it has referred to), with status figures of its own referrals only, and it may
change an endpoint only when no other practice is concerned: otherwise its change would decide
where another practice's referrals (PHI) are sent. Switching an endpoint off stops sending and is
always allowed. Capability: users.manage (where the practice's data goes is the practice
admin's, like who may read it); every change is audited on the practice's chain.

The base URL is set by staff, never taken from a client (shared/docs/security.md, SSRF): HTTPS
only in production; plain HTTP only to the loopback address in the local environments (demo,
dev, test: the fixture server). The URL carries no user, password, query or fragment (the client
refuses userinfo under the base: exchange.client.url_under_base). A secret is named, never
stored; a page may name only a secret of settings.MEDHOME_EXCHANGE["secrets"] or an environment
variable under SECRET_PREFIX, so a page can never point the bearer token at another of the
server's secrets (DATABASE_URL, the Django secret key).
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.directory.models import Organization, PracticePartner
from medhome.referrals.models import Referral

from .client import address_allowed, exchange_settings, secret
from .models import PartnerEndpoint, RemoteState, RemoteTask

OBJECT_TYPE = "exchange.partnerendpoint"
SECRET_PREFIX = "MEDHOME_PARTNER_"  # noqa: S105 (a name prefix, not a secret)
SECRET_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,99}$")
LOOPBACK_NAMES = {"localhost"}


def _manager(actor: Actor) -> None:
    if actor.practice is None or not actor.can(Capability.USERS_MANAGE):
        raise PermissionDenied("users.manage")


def _concerning(practice: Any) -> Q:
    """Organizations a practice is concerned with: its partners, and where it referred."""
    partners = PracticePartner.objects.filter(practice=practice).values("organization_id")
    referred = Referral.objects.filter(practice=practice).values("organization_id")
    return Q(pk__in=partners) | Q(pk__in=referred)


def organizations_of(actor: Actor) -> QuerySet[Organization]:
    _manager(actor)
    return Organization.objects.filter(_concerning(actor.practice)).order_by("name", "pk")


def endpoints_of(actor: Actor) -> QuerySet[PartnerEndpoint]:
    _manager(actor)
    return (
        PartnerEndpoint.objects.filter(organization__in=organizations_of(actor))
        .select_related("organization")
        .order_by("organization__name", "pk")
    )


def access_endpoint(actor: Actor, endpoint_id: UUID | str) -> PartnerEndpoint:
    """One endpoint that concerns the actor's practice; any other (or none): 404."""
    try:
        return endpoints_of(actor).get(pk=endpoint_id)
    except (PartnerEndpoint.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing


def organizations_without_endpoint(actor: Actor) -> QuerySet[Organization]:
    return organizations_of(actor).filter(fhir_endpoint__isnull=True)


def shared_with_others(actor: Actor, organization: Organization) -> bool:
    """Another practice has referred to the organization or lists it as a partner."""
    others = ~Q(practice=actor.practice)
    return (
        PracticePartner.objects.filter(others, organization=organization).exists()
        or Referral.objects.filter(others, organization=organization).exists()
    )


# --- validation --------------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _literal_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def clean_base_url(value: str) -> str:
    url = value.strip()
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  (a bad port raises)
    except ValueError:
        raise ValidationError(
            {"base_url": _("The port of this address is not a number.")}
        ) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(
            {"base_url": _("Enter the server's full address, starting with https://.")}
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationError(
            {
                "base_url": _(
                    "The address may not carry a user name, a password, a query or a fragment."
                )
            }
        )
    if _literal_address(parts.hostname) and not address_allowed(parts.hostname):
        raise ValidationError(
            {
                "base_url": _(
                    "This address is on a private or reserved network; a partner's server must "
                    "be reachable on the internet (or in a network the deployment allows)."
                )
            }
        )
    if parts.scheme == "http" and not (settings.IS_LOCAL and _loopback(parts.hostname)):
        raise ValidationError(
            {"base_url": _("The partner's server must use https:// (an encrypted connection).")}
        )
    if len(url) > 500:
        raise ValidationError({"base_url": _("The address is longer than 500 characters.")})
    return url.rstrip("/")


def nameable_secret(name: str) -> bool:
    return name in exchange_settings()["secrets"] or (
        name.startswith(SECRET_PREFIX) and len(name) > len(SECRET_PREFIX)
    )


def clean_secret_name(field: str, value: str, current: str, *, required: bool) -> str:
    name = value.strip()
    if not name:
        if required:
            raise ValidationError({field: _("Name the secret that holds the token.")})
        return ""
    if name == current:  # set by the operator (manage.py exchange_endpoint): kept as it is
        return name
    if not SECRET_NAME.match(name) or not nameable_secret(name):
        raise ValidationError(
            {
                field: _(
                    "Name a secret the server's operator set up for partners: one of the "
                    "exchange's configured secrets, or an environment variable starting "
                    "with %(prefix)s."
                )
                % {"prefix": SECRET_PREFIX}
            }
        )
    return name


# --- changes -----------------------------------------------------------------------------------


def _refuse_if_shared(actor: Actor, organization: Organization) -> None:
    if shared_with_others(actor, organization):
        raise ValidationError(
            _(
                "Other practices refer to this organization too, so its endpoint decides where "
                "their referrals go: the server's operator changes it "
                "(manage.py exchange_endpoint)."
            )
        )


@transaction.atomic
def save_endpoint(
    actor: Actor,
    *,
    organization: Organization | None = None,
    endpoint: PartnerEndpoint | None = None,
    base_url: str,
    token_env: str,
    notify_secret_env: str,
    at: datetime,
) -> PartnerEndpoint:
    """Add an endpoint for one of the practice's organizations, or change one. ValidationError
    (nothing saved) on bad input or an endpoint other practices use."""
    _manager(actor)
    if endpoint is None:
        if (
            organization is None
            or not organizations_without_endpoint(actor).filter(pk=organization.pk).exists()
        ):
            raise ValidationError(
                {"organization": _("Choose one of the practice's organizations without one.")}
            )
        row = PartnerEndpoint(organization=organization, is_active=True)
        created = True
    else:
        row = PartnerEndpoint.objects.select_for_update().get(
            pk=access_endpoint(actor, endpoint.pk).pk
        )
        created = False
    _refuse_if_shared(actor, row.organization)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    checks = (
        ("base_url", lambda: clean_base_url(base_url)),
        (
            "token_env",
            lambda: clean_secret_name("token_env", token_env, row.token_env, required=True),
        ),
        (
            "notify_secret_env",
            lambda: clean_secret_name(
                "notify_secret_env", notify_secret_env, row.notify_secret_env, required=False
            ),
        ),
    )
    for field, check in checks:
        try:
            cleaned[field] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    changed = [f for f, v in cleaned.items() if getattr(row, f) != v]
    for field, value in cleaned.items():
        setattr(row, field, value)
    row.save()
    record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=row.pk,
        at=at,
        detail={"fields": sorted(cleaned) if created else changed},
    )
    return row


@transaction.atomic
def set_active(
    actor: Actor, endpoint_id: UUID | str, active: bool, at: datetime
) -> PartnerEndpoint:
    """Switch an endpoint on (only one no other practice uses) or off (always: it stops
    sending)."""
    _manager(actor)
    row = PartnerEndpoint.objects.select_for_update().get(pk=access_endpoint(actor, endpoint_id).pk)
    if active:
        _refuse_if_shared(actor, row.organization)
    if row.is_active != active:
        row.is_active = active
        row.save(update_fields=["is_active", "updated_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=row.pk,
            at=at,
            detail={"fields": ["is_active"], "is_active": active},
        )
    return row


# --- status (counts and codes only: no PHI) ----------------------------------------------------


@dataclass(frozen=True)
class Status:
    sent: int  # the practice's referrals that reached the partner's server
    open: int  # of those, still followed (the poll reads them back)
    waiting: int  # not confirmed on the partner's server yet
    failing: int  # with at least one failed attempt since the last success
    last_polled_at: datetime | None
    last_problem: str
    last_problem_at: datetime | None
    token_set: bool
    notify_set: bool
    shared: bool


def status_of(actor: Actor, endpoint: PartnerEndpoint) -> Status:
    mine = RemoteTask.objects.filter(endpoint=endpoint, referral__practice=actor.practice)
    figures = mine.aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        open=Count("pk", filter=Q(state=RemoteState.SENT)),
        waiting=Count("pk", filter=Q(state=RemoteState.PENDING)),
        failing=Count("pk", filter=Q(failures__gt=0)),
        polled=Max("last_polled_at"),
    )
    problem = (
        mine.exclude(last_problem="")
        .order_by("-last_problem_at")
        .values("last_problem", "last_problem_at")
        .first()
    ) or {"last_problem": "", "last_problem_at": None}
    return Status(
        sent=figures["sent"],
        open=figures["open"],
        waiting=figures["waiting"],
        failing=figures["failing"],
        last_polled_at=figures["polled"],
        last_problem=problem["last_problem"],
        last_problem_at=problem["last_problem_at"],
        token_set=bool(secret(endpoint.token_env)),
        notify_set=bool(secret(endpoint.notify_secret_env)),
        shared=shared_with_others(actor, endpoint.organization),
    )
