"""Changing the practice's own view of the directory (the shared HSDS rows are changed only by
import, except an organization a practice adds for an outside member of a care team)."""

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


def add_partner_organization(actor: Actor, name: str, at: datetime) -> Organization:
    """An organization the directory does not list yet (a specialist's clinic, a home-visiting
    program), added by a practice for an outside member of a child's care team: an HSDS row with
    its name only, and the practice's partner (PracticePartner) so the practice finds it again."""
    if not actor.can(Capability.PLAN_EDIT) or actor.practice is None:
        raise PermissionDenied("plan.edit")
    with transaction.atomic():
        organization = Organization.objects.create(name=name.strip()[:200])
        partner = PracticePartner.objects.create(
            practice=actor.practice,
            organization=organization,
            updated_at=at,
            updated_by=actor.user if getattr(actor.user, "pk", None) else None,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="directory.practicepartner",
            object_id=partner.pk,
            at=at,
            detail={"fields": ["organization"], "organization": str(organization.pk)},
        )
    return organization
