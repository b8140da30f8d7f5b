"""Changing the practice's own view of the directory (the shared HSDS rows are changed only by
import)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor

from .models import Organization, PracticePartner

CURATED_FIELDS = ("trusted", "on_site", "note")


def curate(
    actor: Actor,
    organization: Organization,
    trusted: bool,
    on_site: bool,
    note: str,
    at: datetime,
) -> PracticePartner:
    """Set the actor's practice's curation of an organization; audited by field name only."""
    if not actor.can(Capability.DIRECTORY_CURATE) or actor.practice is None:
        raise PermissionDenied("directory.curate")
    with transaction.atomic():
        partner = (
            PracticePartner.objects.for_practice(actor.practice)
            .select_for_update()
            .filter(organization=organization)
            .first()
        )
        created = partner is None
        if partner is None:
            partner = PracticePartner(practice=actor.practice, organization=organization)
        wanted = {"trusted": trusted, "on_site": on_site, "note": note.strip()}
        changed = [name for name in CURATED_FIELDS if getattr(partner, name) != wanted[name]]
        if created:
            changed = [name for name in CURATED_FIELDS if wanted[name]]
        for name, value in wanted.items():
            setattr(partner, name, value)
        partner.updated_at = at
        partner.updated_by = actor.user if getattr(actor.user, "pk", None) else None
        partner.save()
        record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            object_type="directory.practicepartner",
            object_id=partner.pk,
            at=at,
            detail={"fields": changed, "organization": str(organization.pk)},
        )
    return partner
