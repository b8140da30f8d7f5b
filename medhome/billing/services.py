"""The billing app writes nothing of its own: only the audit of what it showed."""

from datetime import datetime

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.actor import Actor
from medhome.families.services import CHILD_OBJECT
from medhome.visits.models import Visit


def record_billing_read(
    *, actor: Actor, visits: list[Visit], at: datetime, export: bool = False
) -> None:
    """A summary or the day's CSV is a read of each child's record: one event per visit, by
    ids only (the codes would say which screens a child had)."""
    action = Action.EXPORT if export else Action.VIEW
    record_many(
        actor=actor,
        entries=[
            Entry(
                action=action,
                object_type=CHILD_OBJECT,
                object_id=visit.child_id,
                detail={"billing_visit": str(visit.pk)},
            )
            for visit in visits
        ],
        at=at,
        practice=actor.practice,
    )
