"""Outside members of the care team (docs/clinical-rules.md#outside-care-team): the invitation
(a login in a partner organization, linked to the child's team member), the family's consent to
share with that member and its revocation, and the progress notes they add.

The login and its organization are the partner organizations' mechanism (referrals); the
consent is the referral consent's shape, per member (docs/decisions/0010-outside-care-team.md).
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core.actor import Actor
from medhome.directory import services as directory
from medhome.families.models import Caregiver
from medhome.families.services import CHILD_OBJECT
from medhome.referrals import services as referrals
from medhome.referrals.acting import ADOLESCENT_CONSENT_AGE
from medhome.referrals.models import ConsentMethod

from ..models import (
    CarePlan,
    CareTeamMember,
    ExternalRole,
    Goal,
    MemberKind,
    OutsideConsent,
    OutsideItem,
    ProgressNote,
    Side,
)
from .common import log_change, require_edit, required_text
from .team import add_team_member

CONSENT_OBJECT = "careplan.outsideconsent"
# Kept in the record as data, so not translated at write time.
REPLACED = "replaced by a new consent"


def _age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def invite_outside_member(
    *,
    actor: Actor,
    plan: CarePlan,
    name: str,
    external_role: str,
    email: str,
    organization: Any = None,
    new_organization: str = "",
    at: datetime,
) -> tuple[CareTeamMember, bool]:
    """Put an outside person on the child's team with a login in their organization:
    (member, new account?). They read nothing until the family's consent is recorded."""
    require_edit(actor, plan.practice_id)
    new_organization = new_organization.strip()
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Write the person's name.")
    if external_role not in ExternalRole.values:
        errors["external_role"] = _("Choose a role.")
    if not email.strip():
        errors["email"] = _("Write the person's e-mail address: their login is sent to it.")
    else:
        try:
            validate_email(email.strip())
        except ValidationError:
            errors["email"] = _("Write a valid e-mail address.")
    if (organization is None) == (not new_organization):
        errors["organization"] = _(
            "Choose their organization from the list, or write the name of a new one (not both)."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if organization is None:
            organization = directory.add_partner_organization(actor, new_organization, at)
        user, created = referrals.outside_member_login(
            actor=actor, email=email, name=name, organization=organization, at=at
        )
        if CareTeamMember.objects.filter(
            practice_id=plan.practice_id, child_id=plan.child_id, account=user, is_active=True
        ).exists():
            raise ValidationError({"email": _("This person is already on the child's team.")})
        member = add_team_member(
            actor=actor,
            plan=plan,
            kind=MemberKind.EXTERNAL,
            name=name.strip(),
            organization=str(organization.name)[:200],
            external_role=external_role,
            email=user.email,
            at=at,
        )
        member.account = user
        member.partner_organization = organization
        member.save(update_fields=["account", "partner_organization"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="careplan.careteammember",
            object_id=member.pk,
            at=at,
            practice=plan.practice,
            detail={"fields": ["account", "partner_organization"], "new_account": created},
        )
    return member, created


def _check_given_by(
    member: CareTeamMember, caregiver: Caregiver | None, adolescent: bool, on: date
) -> dict[str, str]:
    if (caregiver is None) == (not adolescent):
        return {
            "given_by": _(
                "Say who gave consent: a caregiver, or the adolescent for their own items."
            )
        }
    if caregiver is not None and (
        caregiver.practice_id != member.practice_id or caregiver.family_id != member.child.family_id
    ):
        return {"given_by": _("That caregiver is not in this child's family.")}
    if adolescent and _age_in_years(member.child.date_of_birth, on) < ADOLESCENT_CONSENT_AGE:
        return {
            "given_by": _("Only an adolescent (%(age)s or older) consents for their own items.")
            % {"age": ADOLESCENT_CONSENT_AGE}
        }
    return {}


def record_outside_consent(
    *,
    actor: Actor,
    member: CareTeamMember,
    caregiver: Caregiver | None = None,
    adolescent: bool = False,
    shared_items: list[str],
    method: str,
    at: datetime,
) -> OutsideConsent:
    """The family's consent to share with one outside member: the shared care plan always, and
    the items named. A new consent replaces the one in force (revoked, with that reason)."""
    require_edit(actor, member.practice_id)
    errors: dict[str, str] = {}
    if member.kind != MemberKind.EXTERNAL or not member.is_active:
        errors["member"] = _("Consent to share is recorded for an outside member of the team.")
    errors.update(_check_given_by(member, caregiver, adolescent, at.date()))
    items = list(dict.fromkeys([OutsideItem.CARE_PLAN, *shared_items]))
    if unknown := [item for item in items if item not in OutsideItem.values]:
        errors["shared_items"] = _("These cannot be shared: %(items)s.") % {
            "items": ", ".join(map(str, unknown))
        }
    if method not in ConsentMethod.values:
        errors["method"] = _("Say how consent was given: verbal, written or portal.")
    if errors:
        raise ValidationError(errors)
    user = actor.user
    if getattr(user, "pk", None) is None:
        raise PermissionDenied  # consent is recorded by a person, named in its history
    with transaction.atomic():
        CareTeamMember.objects.select_for_update().get(pk=member.pk)
        for previous in OutsideConsent.objects.filter(member=member).in_force():
            _revoke(actor=actor, consent=previous, reason=REPLACED, at=at)
        consent = OutsideConsent.objects.create(
            practice_id=member.practice_id,
            member=member,
            given_by_caregiver=caregiver,
            given_by_adolescent=adolescent,
            shared_items=sorted(items),
            method=method,
            recorded_by=user,
            given_at=at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=CONSENT_OBJECT,
            object_id=consent.pk,
            at=at,
            practice=member.practice,
            detail={"member": str(member.pk), "items": sorted(items), "method": method},
        )
    return consent


def _revoke(*, actor: Actor, consent: OutsideConsent, reason: str, at: datetime) -> None:
    consent.revoked_at = at
    consent.revoked_by = actor.user if getattr(actor.user, "pk", None) else None
    consent.revoke_reason = reason[:500]
    consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CONSENT_OBJECT,
        object_id=consent.pk,
        at=at,
        practice=consent.practice,
        detail={"fields": ["revoked_at", "revoked_by", "revoke_reason"]},
    )


def revoke_outside_consent(
    *, actor: Actor, member: CareTeamMember, reason: str, at: datetime
) -> OutsideConsent:
    """The family withdraws consent: the member's next request answers 404 (the outside
    selectors read the consent in force on every request; nothing is cached)."""
    require_edit(actor, member.practice_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why consent is revoked.")})
    with transaction.atomic():
        consent = (
            OutsideConsent.objects.select_for_update().filter(member=member).in_force().first()
        )
        if consent is None:
            raise ValidationError(_("There is no consent in force to revoke."))
        _revoke(actor=actor, consent=consent, reason=reason.strip(), at=at)
    return consent


def add_outside_progress_note(
    *, actor: Actor, member: CareTeamMember, goal: Goal, text: str, at: datetime
) -> ProgressNote:
    """A progress note by the outside member on one of the child's goals, marked as theirs; the
    practice sees it on the care plan. The caller reached `member` through
    selectors.access_outside_member (their own, consent in force)."""
    user = actor.user if getattr(actor.user, "pk", None) else None
    if not actor.is_partner or not actor.can(Capability.CARE_TEAM_OUTSIDE):
        raise PermissionDenied
    if user is None or member.account_id != user.pk:
        raise Http404
    if goal.practice_id != member.practice_id or goal.plan.child_id != member.child_id:
        raise ValidationError({"goal": _("Choose a goal of this child's plan.")})
    cleaned = required_text(text)
    with transaction.atomic():
        if not OutsideConsent.objects.filter(member=member).in_force().exists():
            raise Http404
        note = ProgressNote.objects.create(
            practice_id=goal.practice_id,
            goal=goal,
            text=cleaned,
            by_user=user,
            by_outside_member=member,
            at=at,
        )
        log_change(
            actor=actor,
            plan=goal.plan,
            # As shown in the plan's history and on the timeline: the person and their
            # organization, so the practice tells an outside member's note from its own.
            label=f"{member.display_name} ({member.organization})"[:200]
            if member.organization
            else member.display_name,
            side=Side.TEAM,
            obj=note,
            operation="create",
            changes=[{"field": "text", "old": "", "new": cleaned, "goal": str(goal.pk)}],
            at=at,
        )
    return note


def record_outside_reads(*, actor: Actor, members: list[CareTeamMember], at: datetime) -> None:
    """An outside member opened their list or a child's shared plan: one audit event per child
    shown, in that child's practice's trail (as a chart read is), with the items shown."""
    by_practice: dict[Any, list[CareTeamMember]] = {}
    for member in members:
        by_practice.setdefault(member.practice_id, []).append(member)
    for shown_members in by_practice.values():
        record_many(
            actor=actor,
            entries=[
                Entry(
                    action=Action.VIEW,
                    object_type="careplan.careteammember",
                    object_id=member.pk,
                    detail={"outside": True, "child": str(member.child_id)},
                )
                for member in shown_members
            ],
            at=at,
            practice=shown_members[0].practice,
        )


def record_outside_plan_read(
    *, actor: Actor, member: CareTeamMember, items: list[str], at: datetime
) -> None:
    """An outside member opened a child's shared plan: which member, which items were shown."""
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=CHILD_OBJECT,
        object_id=member.child_id,
        at=at,
        practice=member.practice,
        detail={"outside_member": str(member.pk), "items": sorted(items)},
    )
