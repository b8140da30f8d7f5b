"""The child's payer and member id follow the EHR's active coverage (the measures stratify by
payer: docs/clinical-rules.md#people-and-demographics). Changes are audited by field name."""

from datetime import datetime
from typing import Any

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.actor import Actor
from medhome.core.copy import update_rows
from medhome.families.models import Child
from medhome.practices.models import Practice

from .patients import CHILD_OBJECT


def apply_payers(
    *,
    practice: Practice,
    coverages: list[tuple[Any, dict[str, Any]]],
    actor: Actor,
    at: datetime,
) -> int:
    """Set each child's payer from its active coverage among these (child id, coverage values);
    the number of children changed."""
    wanted = {
        child_id: (values["payer"], values["member_id"])
        for child_id, values in coverages
        if values.get("active")
    }
    if not wanted:
        return 0
    children = Child.objects.for_practice(practice).in_bulk(list(wanted))
    changed: list[Child] = []
    entries = []
    for child_id, child in children.items():
        payer, member_id = wanted[child_id]
        fields = [
            name
            for name, value in (("payer", payer), ("payer_member_id", member_id))
            if getattr(child, name) != value
        ]
        if not fields:
            continue
        child.payer, child.payer_member_id = payer, member_id
        child.version += 1
        child.updated_at = at
        changed.append(child)
        entries.append(
            Entry(Action.UPDATE, CHILD_OBJECT, child.pk, {"fields": fields, "source": "ehr"})
        )
    update_rows(Child, changed, ["payer", "payer_member_id", "version", "updated_at"])
    record_many(actor=actor, entries=entries, at=at, practice=practice)
    return len(changed)
