"""What the family wants to talk about at the visit, in their words
(docs/clinical-rules.md#huddle-sheet).

Written by a caregiver on the pre-visit page (portal.pages calls `write_agenda`), read by the
team on the huddle sheet (`agendas_since`). One row per pre-visit link, so writing again through
the same link replaces the words, and a page never shows another caregiver's.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child
from medhome.practices.scoping import scoped

from .models import AGENDA_MAX, FamilyAgenda

AGENDA_OBJECT = "family_agenda"


def written_through(link_id: UUID) -> FamilyAgenda | None:
    """The words written through one link (the family page shows its own words back)."""
    return FamilyAgenda.objects.filter(link_id=link_id).first()


@transaction.atomic
def write_agenda(
    *, actor: Actor, child: Child, caregiver: Caregiver, link_id: UUID, text: str, at: datetime
) -> FamilyAgenda | None:
    """Keep the caregiver's words for the visit (audited by field name, never the words); an
    empty box takes back what this link wrote before. A message for the family when too long."""
    words = text.strip()
    if len(words) > AGENDA_MAX:
        raise ValidationError(
            _("Please keep it under %(n)s characters: the team reads it before the visit.")
            % {"n": AGENDA_MAX}
        )
    if caregiver.family_id != child.family_id:
        raise ValidationError(_("This page is for another family."))
    existing = FamilyAgenda.objects.select_for_update().filter(link_id=link_id).first()
    if existing is None and not words:
        return None
    if existing is None:
        existing = FamilyAgenda(
            practice=child.practice, child=child, caregiver=caregiver, link_id=link_id
        )
        action = Action.CREATE
    else:
        action = Action.UPDATE
    # An empty box takes back what this link wrote (the row stays, empty, for the audit trail).
    existing.text = words
    existing.written_at = at
    existing.save()
    record(
        actor=actor,
        action=action,
        object_type=AGENDA_OBJECT,
        object_id=existing.pk,
        at=at,
        practice=child.practice,
        detail={"child": str(child.pk), "fields": ["text"]},
    )
    return existing


def agendas_since(
    actor: Actor, child_ids: Iterable[UUID], *, since: datetime
) -> dict[UUID, list[FamilyAgenda]]:
    """The family's words for the coming visit, per child, written since `since` (their last
    visit), newest first, in one query."""
    rows = (
        scoped(actor, FamilyAgenda, need=Capability.CHART_READ)
        .filter(child_id__any_of=list(child_ids), written_at__gte=since)
        .exclude(text="")
        .select_related("caregiver")
        .order_by("-written_at")
    )
    found: dict[UUID, list[FamilyAgenda]] = defaultdict(list)
    for agenda in rows:
        found[agenda.child_id].append(agenda)
    return found
