"""Writes of the languages a colleague speaks: their own, or the practice admin's for a member of
the practice (users.manage). Audited in the chain of the practice where the change is made."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.core.languages import language_name, normalize_language
from medhome.practices.models import Membership

from .models import Proficiency, StaffLanguage

LANGUAGE_OBJECT = "staff_language"


def may_edit(actor: Actor, user: Any) -> bool:
    """Their own languages, or (users.manage) those of a member of the actor's practice."""
    if getattr(actor.user, "pk", None) == user.pk:
        return True
    return actor.can(Capability.USERS_MANAGE) and (
        Membership.objects.filter(user=user, practice=actor.practice).exists()
    )


def _require(actor: Actor, user: Any) -> None:
    if not may_edit(actor, user):
        raise PermissionError(Capability.USERS_MANAGE)


def _proficiency(value: str) -> str:
    if not value:
        raise ValidationError(
            {"proficiency": [_("Choose how well you speak it.")]}, code="missing_proficiency"
        )
    if value not in Proficiency.values:
        raise ValidationError(
            {"proficiency": [_("Choose one of the levels in the list.")]}, code="bad_proficiency"
        )
    return value


def _audit(actor: Actor, row: StaffLanguage, at: datetime, change: str) -> None:
    record(
        actor=actor,
        action=Action.CREATE if change == "added" else Action.UPDATE,
        object_type=LANGUAGE_OBJECT,
        object_id=row.user_id,
        at=at,
        detail={
            "change": change,
            "language": row.language,
            "proficiency": row.proficiency,
            "own": getattr(actor.user, "pk", None) == row.user_id,
        },
    )


@transaction.atomic
def add_language(
    *, actor: Actor, user: Any, language: str, proficiency: str, at: datetime
) -> StaffLanguage:
    _require(actor, user)
    errors: dict[str, list[str]] = {}
    try:
        code = normalize_language(language)
    except ValidationError as invalid:
        errors["language"] = invalid.messages
        code = ""
    try:
        proficiency = _proficiency(proficiency)
    except ValidationError as invalid:
        errors.update(invalid.message_dict)
    if code and StaffLanguage.objects.filter(user=user, language=code).exists():
        errors["language"] = [
            _("%(language)s is already on the list: change its level instead.")
            % {"language": language_name(code)}
        ]
    if errors:
        raise ValidationError(errors)
    row = StaffLanguage.objects.create(
        user=user, language=code, proficiency=proficiency, updated_at=at
    )
    _audit(actor, row, at, "added")
    return row


@transaction.atomic
def change_language(
    *, actor: Actor, row: StaffLanguage, proficiency: str, at: datetime
) -> StaffLanguage:
    _require(actor, row.user)
    proficiency = _proficiency(proficiency)
    row = StaffLanguage.objects.select_for_update().get(pk=row.pk)
    if row.proficiency == proficiency:
        return row
    row.proficiency, row.updated_at = proficiency, at
    row.save(update_fields=["proficiency", "updated_at"])
    _audit(actor, row, at, "changed")
    return row


@transaction.atomic
def remove_language(*, actor: Actor, row: StaffLanguage, at: datetime) -> None:
    _require(actor, row.user)
    _audit(actor, row, at, "removed")
    row.delete()
