from medhome.core.actor import Actor

from .models import AuditEvent, AuditEventQuerySet


def openings_of(actor: Actor, *, object_type: str, object_id: object) -> AuditEventQuerySet:
    """Who opened or changed this record, newest first, for those allowed to see it."""
    if not actor.can("audit.read"):
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(practice=actor.practice)
        .for_object(object_type, object_id)
        .order_by("-sequence")
    )
