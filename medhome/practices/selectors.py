from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from medhome.accounts.roles import CLINICIAN_ROLES

from .models import Membership, MembershipQuerySet, Practice


def memberships_of(user) -> MembershipQuerySet:
    return Membership.objects.active().filter(user=user).select_related("practice")


def active_membership(user, practice_id: object) -> Membership | None:
    try:
        practice_uuid = UUID(str(practice_id))
    except ValueError:
        return None
    return memberships_of(user).filter(practice_id=practice_uuid).first()


def clinicians_of(practice: Practice) -> MembershipQuerySet:
    """Who may be a child's primary care clinician in this practice."""
    return (
        Membership.objects.active()
        .filter(practice=practice, role__in=CLINICIAN_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def clinician_users(practice: Practice) -> QuerySet:
    return get_user_model().objects.filter(pk__in=clinicians_of(practice).values("user_id"))
