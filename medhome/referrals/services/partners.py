"""Users of a community organization: the one place their memberships are written."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.models import User
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.practices.models import Membership

from ..models import PartnerMembership, PartnerRole

PARTNER_MEMBERSHIP_OBJECT = "partner_membership"


@transaction.atomic
def outside_member_login(
    *, actor: Actor, email: str, name: str, organization: Any, at: datetime
) -> tuple[User, bool]:
    """The login of an outside member of a care team, in their organization: (user, new?).

    A person who already works for the organization keeps their login and membership (an
    organization's staff may also be on a child's team); a new person gets an account with
    no usable password (they choose it through the one-time link, as a new colleague does) and
    a care-team-only membership (PartnerRole.CARE_TEAM: no referrals). An address that belongs
    to practice staff or to another organization's user is refused: one login, one place.
    The caller checked the actor may edit the child's care team."""
    username = email.strip().lower()
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        given, _space, family = name.strip().partition(" ")
        user = User(username=username, email=username, first_name=given, last_name=family)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    elif Membership.objects.filter(user=user).exists():
        raise ValidationError(
            {"email": _("This e-mail address belongs to practice staff: add them as staff.")}
        )
    memberships = PartnerMembership.objects.filter(user=user)
    if memberships.exclude(organization_id=organization.pk).exists():
        raise ValidationError(
            {"email": _("This e-mail address belongs to a user of another organization.")}
        )
    membership = memberships.filter(organization_id=organization.pk).first()
    if membership is not None:
        if not membership.is_active:
            raise ValidationError(
                {"email": _("This person's access to their organization was ended.")}
            )
        return user, created
    membership = PartnerMembership.objects.create(
        user=user, organization=organization, role=PartnerRole.CARE_TEAM
    )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=PARTNER_MEMBERSHIP_OBJECT,
        object_id=membership.pk,
        at=at,
        practice=actor.practice,
        detail={"role": membership.role, "new_account": created},
    )
    return user, created
