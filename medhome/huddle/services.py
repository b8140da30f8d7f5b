"""The huddle sheet's only write: the audit of who read or printed it."""

from datetime import datetime

from django.db import transaction

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.actor import Actor

from .selectors import Sheet


def record_sheet_read(*, actor: Actor, sheet: Sheet, at: datetime, printed: bool = False) -> int:
    """The sheet shows each child's record (results, alerts, referrals, hospital stays), so it
    is audited as a read of each child's record — one event per child, the chart's own object
    type, in one append — never the names."""
    action = Action.PRINT if printed else Action.VIEW
    entries = [
        Entry(
            action=action,
            object_type="child",
            object_id=row.visit.child_id,
            detail={"via": "huddle_sheet", "day": sheet.day.isoformat()},
        )
        for row in sheet.rows
    ]
    with transaction.atomic():
        return record_many(actor=actor, entries=entries, at=at)
