"""Starting a referral: a draft, from a positive screen or by hand."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.core.actor import Actor
from medhome.directory.models import Organization, Service
from medhome.directory.vocabulary import NEED_FOR_SCREENING_DOMAIN, Need
from medhome.families.models import Child
from medhome.screening.models import Administration
from medhome.screening.models import Status as ScreeningStatus

from ..acting import (
    REFERRAL_OBJECT,
    acting_user,
    actor_label,
    audit,
    require_staff,
)
from ..models import (
    Priority,
    Referral,
    ReferralEvent,
    Source,
)
from ..states import (
    Side,
    Status,
)


def suggested_needs(administration: Administration) -> list[Need]:
    """The needs a positive screen suggests, in the screen's order, each once."""
    needs: list[Need] = []
    for domain in administration.positive_domains or []:
        need = NEED_FOR_SCREENING_DOMAIN.get(domain)
        if need is not None and Need(need) not in needs:
            needs.append(Need(need))
    return needs


def _organization(organization: Organization | UUID | str) -> Organization:
    pk = organization.pk if isinstance(organization, Organization) else organization
    try:
        return Organization.objects.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as missing:
        raise ValidationError(
            {"organization": [_("Choose an organization from the directory.")]}
        ) from missing


@transaction.atomic
def start_referral(
    *,
    actor: Actor,
    child: Child,
    need: str,
    organization: Organization | UUID | str,
    service: Service | None = None,
    priority: str = Priority.ROUTINE,
    reason: str,
    source_administration: Administration | None = None,
    source: str | None = None,
    at: datetime,
) -> Referral:
    """A draft referral; it reaches the organization only when sent with the family's consent.

    `source` defaults to screening when `source_administration` is given, else manual.
    """
    require_staff(actor, child.practice_id)
    errors: dict[str, list[str]] = {}
    if need not in Need.values:
        errors["need"] = [_("Choose the need the family is referred for.")]
    if priority not in Priority.values:
        errors["priority"] = [_("Choose routine or urgent.")]
    if not reason.strip():
        errors["reason"] = [_("Say why the family is referred.")]
    source = source or (Source.SCREENING if source_administration else Source.MANUAL)
    if source not in Source.values:
        errors["source"] = [_("Choose where the referral started.")]
    if source_administration is not None:
        if source_administration.child_id != child.pk:
            errors["source_administration"] = [_("That screen belongs to another child.")]
        elif source_administration.status != ScreeningStatus.SCORED or not (
            source_administration.positive or source_administration.positive_domains
        ):
            errors["source_administration"] = [_("A referral follows only a positive screen.")]
    organization = _organization(organization)
    if service is not None:
        service_org = getattr(service, "organization_id", None)
        if service_org != organization.pk:
            errors["service"] = [_("That service is not offered by this organization.")]
    if errors:
        raise ValidationError(errors)
    return create_draft(
        actor,
        Referral(
            practice=child.practice,
            child=child,
            need=need,
            organization=organization,
            service=service,
            priority=priority,
            reason=reason.strip(),
            source=source,
            source_administration=source_administration,
            # Started from the adolescent's confidential screen: the referral is theirs (§11).
            confidential=bool(source_administration and source_administration.confidential),
            created_by=acting_user(actor),
            created_at=at,
        ),
        side=Side.PRACTICE,
    )


def create_draft(actor: Actor, referral: Referral, *, side: str, label: str = "") -> Referral:
    """Insert a checked referral as a draft: its first event and its audit, nothing sent (the
    one insert of a referral: start_referral's, and the EHR import's, referrals.imported)."""
    referral.status = Status.DRAFT
    referral.save(force_insert=True)
    at = referral.created_at if referral.imported_at is None else referral.imported_at
    ReferralEvent.objects.create(
        referral=referral,
        from_status="",
        to_status=Status.DRAFT,
        at=at,
        actor=acting_user(actor),
        actor_label=label or actor_label(actor, side, referral),
        side=side,
    )
    audit(
        actor,
        Action.CREATE,
        REFERRAL_OBJECT,
        referral.pk,
        practice=referral.practice,
        at=at,
        fields=["child", "need", "organization", "service", "priority", "reason", "source"]
        + (["confidential", "imported_at"] if referral.imported_at else []),
    )
    return referral
