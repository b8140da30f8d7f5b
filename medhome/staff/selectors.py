from uuid import UUID

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.practices.models import Membership
from medhome.practices.scoping import get_scoped, scoped


def team_of(actor: Actor):
    return (
        scoped(actor, Membership, need=Capability.USERS_MANAGE)
        .select_related("user")
        .order_by("-is_active", "role", "user__last_name", "user__first_name")
    )


def access_membership(actor: Actor, membership_id: UUID) -> Membership:
    return get_scoped(actor, Membership, need=Capability.USERS_MANAGE, pk=membership_id)


def may_share_password_link(actor: Actor, membership: Membership) -> bool:
    """Only for an account this practice alone holds and that has no password yet.

    An account that also works in another practice is that practice's colleague too: handing its
    admin here a set-password link would let them take the account over, and its other practice.
    """
    user = membership.user
    if user.has_usable_password() or not actor.can(Capability.USERS_MANAGE):
        return False
    return not Membership.objects.filter(user=user).exclude(practice=actor.practice).exists()
