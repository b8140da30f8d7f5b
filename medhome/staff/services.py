"""Writes to a practice's team and its working calendar, audited like changes to the chart."""

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from medhome.accounts.models import User
from medhome.accounts.roles import Capability, Role
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.practices.models import (
    MeasuresRefresh,
    Membership,
    Network,
    Practice,
    PracticeCalendar,
)

MEMBERSHIP_OBJECT = "membership"
CALENDAR_OBJECT = "practice_calendar"
MEASURES_REFRESH_OBJECT = "practice_measures_refresh"
PRACTICE_OBJECT = "practice"
# Who the audit trail names for what the server's operator does at the command line.
OPERATOR_ROLE = "operator"


def set_password_path(user: User) -> str:
    """The one-time link's path by which a new colleague chooses their password (the admin
    shares it; it stops working once used or when the password changes)."""
    return reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def start_practice(
    *,
    practice_name: str,
    state: str,
    phone: str,
    network_name: str,
    admin_username: str,
    admin_first_name: str,
    admin_last_name: str,
    admin_email: str,
    at: datetime,
) -> tuple[Practice, Membership]:
    """A new practice and its first practice admin, on a server with nobody to ask: the admin
    adds the rest of the team on the team page. An existing account becomes the admin as it is
    (its password and two-step sign-in stay); a new one has no password until the one-time link
    (set_password_path) is used. All or nothing, audited in the new practice's trail."""
    errors: dict[str, list[str]] = {}
    if Practice.objects.filter(name__iexact=practice_name.strip()).exists():
        errors["practice_name"] = [_("A practice with this name already exists.")]
    network = None
    if network_name.strip():
        network, _new = Network.objects.get_or_create(name=network_name.strip())
    practice = Practice(
        name=practice_name.strip(),
        state=state.strip().upper(),
        phone=phone.strip(),
        network=network,
    )
    try:
        practice.full_clean(exclude=["network"])
    except ValidationError as invalid:
        errors.update(invalid.message_dict)
    if len(practice.state) != 2 or not practice.state.isalpha():
        errors["state"] = [_("Give the two-letter US state code, e.g. RI.")]
    if errors:
        raise ValidationError(errors)
    practice.save()
    operator = Actor(
        user=None,
        practice=practice,
        role=OPERATOR_ROLE,
        capabilities=frozenset({Capability.USERS_MANAGE}),
    )
    membership, created = add_member(
        actor=operator,
        username=admin_username,
        first_name=admin_first_name,
        last_name=admin_last_name,
        email=admin_email,
        credentials="",
        role=Role.PRACTICE_ADMIN,
        at=at,
    )
    record(
        actor=operator,
        action=Action.CREATE,
        object_type=PRACTICE_OBJECT,
        object_id=practice.pk,
        at=at,
        detail={"network": bool(network), "admin_account_created": created},
    )
    return practice, membership


def _require(actor: Actor) -> None:
    if not actor.can(Capability.USERS_MANAGE):
        raise PermissionError(Capability.USERS_MANAGE)


def _keep_an_admin(membership: Membership, *, new_role: str | None, active: bool) -> None:
    """A practice must keep at least one active practice admin, or nobody can manage it."""
    loses_admin = membership.role == Role.PRACTICE_ADMIN and (
        not active or new_role != Role.PRACTICE_ADMIN
    )
    if not loses_admin:
        return
    others = (
        Membership.objects.active()
        .filter(practice=membership.practice, role=Role.PRACTICE_ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(_("The practice needs at least one active practice admin."))


@transaction.atomic
def add_member(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    credentials: str,
    role: str,
    at: datetime,
) -> tuple[Membership, bool]:
    """Give a colleague a role here; create their account if they have none. (membership, new?)"""
    _require(actor)
    username = username.strip().lower()
    user = get_user_model().objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            credentials=credentials,
        )
        user.set_unusable_password()  # they choose their own through the one-time link
        user.full_clean(exclude=["password"])
        user.save()
    membership = Membership.objects.filter(user=user, practice=actor.practice).first()
    if membership is not None and membership.is_active:
        raise ValidationError(_("This person is already a member of the practice."))
    if membership is None:
        membership = Membership(user=user, practice=actor.practice, role=role)
    membership.role, membership.is_active = role, True
    membership.full_clean(exclude=["user", "practice"])
    membership.save()
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=MEMBERSHIP_OBJECT,
        object_id=membership.pk,
        at=at,
        detail={"role": role, "new_account": created},
    )
    return membership, created


@transaction.atomic
def change_member(
    *, actor: Actor, membership: Membership, role: str, is_active: bool, at: datetime
) -> Membership:
    _require(actor)
    membership = Membership.objects.select_for_update().get(
        pk=membership.pk, practice=actor.practice
    )
    if role not in Role.values:
        raise ValidationError(_("Choose one of the roles in the list."))
    if membership.user_id == getattr(actor.user, "pk", None) and not is_active:
        raise ValidationError(_("You cannot remove your own access."))
    _keep_an_admin(membership, new_role=role, active=is_active)
    changed = [
        f for f, v in (("role", role), ("is_active", is_active)) if getattr(membership, f) != v
    ]
    if not changed:
        return membership
    membership.role, membership.is_active = role, is_active
    membership.save(update_fields=["role", "is_active"])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=MEMBERSHIP_OBJECT,
        object_id=membership.pk,
        at=at,
        detail={"fields": changed, "role": role, "active": is_active},
    )
    return membership


@transaction.atomic
def update_calendar(
    *,
    actor: Actor,
    opens_at: time,
    closes_at: time,
    working_weekdays: list[int],
    holidays: list[str],
    at: datetime,
    phone: str | None = None,
) -> PracticeCalendar:
    """The practice admin sets when the practice works (every business-day and business-hour
    deadline counts on it: practices.calendar)."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    if opens_at >= closes_at:
        errors["closes_at"] = [_("The practice closes after it opens.")]
    days = sorted({int(day) for day in working_weekdays})
    if not days or not set(days) <= set(range(1, 8)):
        errors["working_weekdays"] = [_("Choose at least one working day.")]
    dates: set[str] = set()
    for value in holidays:
        try:
            dates.add(date.fromisoformat(str(value).strip()).isoformat())
        except ValueError:
            errors["holidays"] = [_("Write each holiday as a date, e.g. 2026-07-03.")]
            break
    if errors:
        raise ValidationError(errors)
    calendar, _created = PracticeCalendar.objects.select_for_update().get_or_create(
        practice=actor.practice,
        defaults={"opens_at": opens_at, "closes_at": closes_at},
    )
    calendar.opens_at, calendar.closes_at = opens_at, closes_at
    calendar.working_weekdays, calendar.holidays = days, sorted(dates)
    calendar.save()
    fields = ["opens_at", "closes_at", "working_weekdays", "holidays"]
    if phone is not None:
        Practice.objects.filter(pk=actor.practice_id).update(phone=phone.strip())
        actor.practice.phone = phone.strip()
        fields.append("phone")
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CALENDAR_OBJECT,
        object_id=actor.practice_id,
        at=at,
        detail={"fields": fields},
    )
    return calendar


def set_measures_refresh(*, actor: Actor, refresh: str, at: datetime) -> None:
    """The practice admin chooses when the worker recomputes the practice's measures: every
    night, or also within minutes of a change (medhome.measures.services)."""
    _require(actor)
    if refresh not in MeasuresRefresh.values:
        raise ValidationError({"measures_refresh": [_("Choose one of the options.")]})
    with transaction.atomic():
        Practice.objects.filter(pk=actor.practice_id).update(measures_refresh=refresh)
        actor.practice.measures_refresh = refresh
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=MEASURES_REFRESH_OBJECT,
            object_id=actor.practice_id,
            at=at,
            detail={"measures_refresh": refresh},
        )
