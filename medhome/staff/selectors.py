from uuid import UUID

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.practices.models import Membership
from medhome.practices.scoping import get_scoped, scoped


def team_of(actor: Actor):  # type: ignore[no-untyped-def]
    return (
        scoped(actor, Membership, need=Capability.USERS_MANAGE)
        .select_related("user")
        .order_by("-is_active", "role", "user__last_name", "user__first_name")
    )


def access_membership(actor: Actor, membership_id: UUID) -> Membership:
    return get_scoped(actor, Membership, need=Capability.USERS_MANAGE, pk=membership_id)
