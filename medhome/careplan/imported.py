"""The shared plan from another system: the CareTeam, Goal and CarePlan lines of an EHR bulk
import (ehr.bulk; the handlers are registered in CareplanConfig.ready) become the child's care
team (here), goals and plan (imported_plan), written through the same services as a change on
the plan's page, so the plan's history and the audit say who (the import) and when.

The rules (docs/clinical-rules.md#imported-plans):
- The team is merged: each participant not yet on the child's team is added, none is removed or
  changed, so a team edited here keeps its edits and a team sent again adds only who is new. A
  staff member is this practice's when the sender's Practitioner is one of this practice's
  memberships, or exactly one active staff member here has that name; anyone else stays on the
  team as an outside member under their name. A caregiver is the family's caregiver the import
  already made of the sender's RelatedPerson; another family's caregiver is refused. An outside
  member added here brings the phone and e-mail of the contained Practitioner the participant
  refers to (fhir.resources.careteam.contact).
- A goal and a plan are written once. Sent again unchanged they are unchanged; changed, they
  are refused (`plan_changed`): the family and the team here own the plan from then on.
- The plan's words (what matters most, strengths, the review date) fill only what is still empty
  here; they never overwrite the family's words written in this practice.
- An action the sender marked as the adolescent's own stays confidential here
  (fhir_codes.ACTION_CONFIDENTIAL; docs/clinical-rules.md#adolescent-confidentiality).
- An action's owner (its performer) is found as a participant is, on the child's team here; an
  owner nobody here matches leaves the action unassigned and counted, the plan kept.
- A goal the import creates brings its progress notes, each with its time and its author found
  the same way (note_author); an author nobody here matches keeps the note, signed with the
  name the sender gave.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.ehr.bulk_people import Applied, child_rows, each, run_batch
from medhome.ehr.fhir_in.common import (
    RELATED_PERSON_ID_SYSTEM,
    Refused,
    reference_id,
    resolve_child,
)
from medhome.families.models import Caregiver, CaregiverIdentifier, Child
from medhome.practices.models import Membership

from . import services
from .fhir_codes import LEAD, ROLE_SYSTEM
from .models import CareTeamMember, ExternalRole, MemberKind, ProgressNote

if TYPE_CHECKING:
    from medhome.ehr.bulk import BatchResult, Context, Line

NOT_KEPT = "entered-in-error"
PHONE_MAX = CareTeamMember._meta.get_field("phone").max_length or 0
NAME_MAX = ProgressNote._meta.get_field("by_name").max_length or 0


@dataclass(frozen=True)
class Member:
    kind: str
    user: Any = None
    caregiver: Caregiver | None = None
    name: str = ""
    organization: str = ""
    external_role: str = ""
    role_label: str = ""
    is_lead: bool = False
    phone: str = ""
    email: str = ""

    def same_as(self, member: CareTeamMember) -> bool:
        if self.kind != member.kind:
            return False
        if self.kind == MemberKind.STAFF:
            return bool(member.user_id == self.user.pk)
        if self.kind == MemberKind.CAREGIVER:
            return bool(self.caregiver is not None and member.caregiver_id == self.caregiver.pk)
        return (member.name.strip().casefold(), member.organization.strip().casefold()) == (
            self.name.casefold(),
            self.organization.casefold(),
        )


@dataclass(frozen=True)
class Team:
    child: Child
    members: list[Member]
    known: bool


def plan_actor(context: "Context") -> Actor:
    """The import writes the plan for the practice: the services' plan-editing right, lifted
    for the import alone (its actor has no role of a person; starting an import is an
    administrator's act, ehr.views)."""
    return replace(context.actor, capabilities=context.actor.capabilities | {Capability.PLAN_EDIT})


def refuse_changed(line: "Line", shared: dict[str, Any]) -> None:
    if line.key in shared["known"]:
        raise Refused(
            "plan_changed",
            _(
                "This part of the care plan was imported before with other content; the plan "
                "here is not rewritten by an import. Change it on the plan's page."
            ),
        )


def child_of(line: "Line", context: "Context", shared: dict[str, Any], field_name: str) -> Child:
    ref = resolve_child(line.resource.get(field_name), shared["children"])
    return child_rows(context, shared)[ref.child_id]


def caregiver_of(
    value: Any,
    child: Child,
    context: "Context",
    shared: dict[str, Any],
    *,
    missing_ok: bool = False,
) -> Caregiver | None:
    """The caregiver the import made of the sender's RelatedPerson, who must be of the child's
    family (None when the reference is not a RelatedPerson). `missing_ok`: one this practice
    does not have is None rather than a refusal (an action's owner, a note's author: the item
    is kept without them); another family's is refused all the same."""
    sender_id = reference_id(value, "RelatedPerson")
    if not sender_id:
        return None
    cache: dict[str, Caregiver | None] = shared.setdefault("caregivers", {})
    if sender_id not in cache:
        found = (
            CaregiverIdentifier.objects.for_practice(context.practice)
            .filter(system=RELATED_PERSON_ID_SYSTEM, value=sender_id)
            .select_related("caregiver")
            .first()
        )
        cache[sender_id] = found.caregiver if found is not None else None
    caregiver = cache[sender_id]
    if caregiver is None and missing_ok:
        return None
    if caregiver is None:
        raise Refused(
            "caregiver_unknown",
            _("The plan names a caregiver this practice does not have (import them first)."),
        )
    if caregiver.family_id != child.family_id:
        raise Refused("caregiver_not_family", _("The plan names a caregiver of another family."))
    return caregiver


# -- the care team ----------------------------------------------------------------------------


def _staff(context: "Context", shared: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    """This practice's active staff: user by membership id, users by name (one query)."""
    if "staff" not in shared:
        by_id: dict[str, Any] = {}
        by_name: dict[str, list[Any]] = {}
        memberships = (
            Membership.objects.for_practice(context.practice)
            .filter(is_active=True, user__is_active=True)
            .select_related("user")
        )
        for membership in memberships:
            user = membership.user
            by_id[str(membership.pk)] = user
            name = str(user.display_name or user.get_full_name()).strip().casefold()
            if name:
                by_name.setdefault(name, []).append(user)
        shared["staff"] = (by_id, by_name)
    found: tuple[dict[str, Any], dict[str, list]] = shared["staff"]
    return found


def staff_user(
    reference: Any, display: str, context: "Context", shared: dict[str, Any]
) -> Any | None:
    """This practice's staff member a Practitioner reference names: one of its memberships, or
    the one active staff member with that name."""
    by_id, by_name = _staff(context, shared)
    named = by_name.get(display.casefold(), [])
    return by_id.get(reference_id(reference, "Practitioner")) or (
        named[0] if len(named) == 1 else None
    )


def _roles(participant: dict[str, Any]) -> tuple[set[str], str]:
    codes: set[str] = set()
    text = ""
    for role in participant.get("role") or []:
        if not isinstance(role, dict):
            continue
        text = text or str(role.get("text") or "").strip()
        for coding in role.get("coding") or []:
            if isinstance(coding, dict) and coding.get("system") == ROLE_SYSTEM:
                codes.add(str(coding.get("code") or ""))
    return codes, text


def _outside(display: str) -> tuple[str, str]:
    """ "Name (Organization)" as careteam.member_ref writes an outside member."""
    if display.endswith(")") and " (" in display:
        name, _sep, organization = display[:-1].rpartition(" (")
        return name.strip(), organization.strip()
    return display.strip(), ""


def _member(
    participant: dict[str, Any], child: Child, context: "Context", shared: dict[str, Any]
) -> Member:
    codes, text = _roles(participant)
    reference = participant.get("member") or {}
    display = str(reference.get("display") or "").strip() if isinstance(reference, dict) else ""
    caregiver = caregiver_of(reference, child, context, shared)
    if caregiver is not None:
        return Member(MemberKind.CAREGIVER, caregiver=caregiver, role_label=text)
    role = next((code for code in codes if code in ExternalRole.values), "")
    practitioner = reference_id(reference, "Practitioner")
    if practitioner or MemberKind.STAFF in codes:
        user = staff_user(reference, display, context, shared)
        if user is not None:
            return Member(MemberKind.STAFF, user=user, role_label=text, is_lead=LEAD[0] in codes)
        # Not one of this practice's staff: still on the child's team, as someone outside it.
        return Member(
            MemberKind.EXTERNAL,
            name=display,
            external_role=role or ExternalRole.OTHER,
            role_label=text,
        )
    name, organization = _outside(display)
    if not name:
        raise Refused("member_unnamed", _("A member of the care team has no name."))
    return Member(
        MemberKind.EXTERNAL,
        name=name,
        organization=organization,
        external_role=role,
        role_label=text,
    )


def team_member_of(
    reference: dict[str, Any], child: Child, context: "Context", shared: dict[str, Any]
) -> CareTeamMember | None:
    """The member of the child's team here whom a staff or outside member's reference names,
    known as the CareTeam import knows a participant (the team is imported first:
    ehr.fhir_in.ORDER); None when nobody on the team is them."""
    try:
        wanted = _member({"member": reference}, child, context, shared)
    except Refused as refusal:
        if refusal.code != "member_unnamed":
            raise
        return None
    return next(
        (member for member in _team(child, context, shared) if wanted.same_as(member)), None
    )


def _team(child: Child, context: "Context", shared: dict[str, Any]) -> list[CareTeamMember]:
    """The child's team here (one query per child and batch)."""
    teams: dict[Any, list[CareTeamMember]] = shared.setdefault("teams", {})
    if child.pk not in teams:
        teams[child.pk] = list(
            CareTeamMember.objects.for_practice(context.practice)
            .filter(child=child, is_active=True)
            .select_related("user", "caregiver")
        )
    return teams[child.pk]


def _signs(member: CareTeamMember, label: str) -> bool:
    """Is `label` how the outside member signs a note (CareTeamMember.outside_label)? Read
    without the role, whose words are in the sender's language."""
    prefix = f"{member.display_name} ("
    if not (label.startswith(prefix) and label.endswith(")")):
        return False
    inside = label[len(prefix) : -1]
    return inside.endswith(f", {member.organization}") if member.organization else "," not in inside


def note_author(
    annotation: dict[str, Any], child: Child, context: "Context", shared: dict[str, Any]
) -> services.NoteAuthor:
    """Who wrote a goal's note (fhir.resources.goal.author): a caregiver of the family, this
    practice's staff member, the outside member of the child's team who signs so; else only the
    name the sender gave, so the note still says who wrote it."""
    reference = annotation.get("authorReference")
    if isinstance(reference, dict):
        display = str(reference.get("display") or "").strip()
        if reference_id(reference, "RelatedPerson"):
            caregiver = caregiver_of(reference, child, context, shared, missing_ok=True)
            if caregiver is not None:
                return services.NoteAuthor(caregiver=caregiver)
        elif reference_id(reference, "Practitioner") or not reference.get("reference"):
            user = staff_user(reference, display, context, shared)
            if user is not None:
                return services.NoteAuthor(user=user)
        return services.NoteAuthor(name=display[:NAME_MAX])
    label = str(annotation.get("authorString") or "").strip()
    outside = [m for m in _team(child, context, shared) if m.kind == MemberKind.EXTERNAL]
    member = next((m for m in outside if label and _signs(m, label)), None)
    if member is not None:
        return services.NoteAuthor(outside_member=member)
    return services.NoteAuthor(name=label[:NAME_MAX])


def _contained(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The resource's contained Practitioners by id (careteam.contact: an outside member's
    phone and e-mail)."""
    return {
        str(found.get("id")): found
        for found in resource.get("contained") or []
        if isinstance(found, dict) and found.get("resourceType") == "Practitioner"
    }


def _valid_contact(system: str, value: str) -> bool:
    if system == "phone":
        return len(value) <= PHONE_MAX
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _with_contact(
    member: Member,
    participant: dict[str, Any],
    contained: dict[str, dict[str, Any]],
    result: "BatchResult",
) -> Member:
    """An outside member with the phone and e-mail of the contained Practitioner their
    participant refers to ("#id"). A value medhome cannot keep is left out and counted; the
    member still joins the team."""
    reference = participant.get("member")
    text = str(reference.get("reference") or "") if isinstance(reference, dict) else ""
    if member.kind != MemberKind.EXTERNAL or not text.startswith("#"):
        return member
    found: dict[str, str] = {}
    for telecom in contained.get(text[1:], {}).get("telecom") or []:
        if not isinstance(telecom, dict) or telecom.get("system") not in ("phone", "email"):
            continue
        system, value = str(telecom["system"]), str(telecom.get("value") or "").strip()
        if not value or system in found:
            continue
        if _valid_contact(system, value):
            found[system] = value
        else:
            result.skipped["member_contact_invalid"] += 1
    return replace(member, phone=found.get("phone", ""), email=found.get("email", ""))


def import_care_teams(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    actor = plan_actor(context)

    def prepare(line: "Line", shared: dict[str, Any]) -> Team | None:
        if line.resource.get("status") == NOT_KEPT:
            result.skipped["entered_in_error"] += 1
            return None
        child = child_of(line, context, shared, "subject")
        contained = _contained(line.resource)
        members = [
            _with_contact(
                _member(participant, child, context, shared), participant, contained, result
            )
            for participant in line.resource.get("participant") or []
            if isinstance(participant, dict)
        ]
        return Team(child=child, members=members, known=line.key in shared["known"])

    def write(team: Team, _shared: dict[str, Any]) -> Applied:
        return _merge_team(actor, team, context.at)

    run_batch("CareTeam", lines, context, result, prepare, each(write))


def _merge_team(actor: Actor, team: Team, at: datetime) -> Applied:
    child = team.child
    current = list(
        CareTeamMember.objects.for_practice(child.practice).filter(child=child, is_active=True)
    )
    has_lead = any(member.is_lead_coordinator for member in current)
    added = 0
    for member in team.members:
        if any(member.same_as(existing) for existing in current):
            continue
        lead = member.is_lead and not has_lead
        current.append(
            services.add_team_member(
                actor=actor,
                plan=services.ensure_plan(actor=actor, child=child, at=at),
                kind=member.kind,
                user=member.user,
                caregiver=member.caregiver,
                name=member.name,
                organization=member.organization,
                external_role=member.external_role,
                phone=member.phone,
                email=member.email,
                role_label=member.role_label,
                is_lead_coordinator=lead,
                at=at,
            )
        )
        has_lead = has_lead or lead
        added += 1
    outcome = "unchanged" if not added else ("updated" if team.known else "created")
    return outcome, child.pk, child.pk
