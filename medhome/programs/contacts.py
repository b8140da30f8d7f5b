"""Recording a program contact in seconds (docs/clinical-rules.md#programs): what happened, where,
the topics, a book's language, the goals the parent set, an outreach attempt's outcome, what the
parent is doing well — by a role the program lists (or, for a team kind such as the case review,
whoever records it), for an enrolled child (any child within a universal program's ages, or
outside them by a clinician with the reason), dated neither before the enrolment nor after it
ended nor in the future. Audited with field names, never the words."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability, Role
from medhome.audit.models import Action
from medhome.core.actor import Actor
from medhome.core.clock import local_date
from medhome.families.languages import language_choices, normalize_language
from medhome.families.models import Child

from . import definitions as d
from .models import REASON_MAX_LENGTH, TEXT_MAX_LENGTH, Contact, Enrolment, Program
from .services import CONTACT_OBJECT, _audit, _require_program, ineligibility

_NEEDS_SETTING = {"hs_consult", "chw_outreach", "chw_visit"}


def _contact_errors(
    actor: Actor, program: Program, child: Child, kind: str, on: date, at: datetime, f: dict
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if program.roles and actor.role not in program.roles and kind not in d.TEAM_KINDS:
        errors["kind"] = [
            _("Your role (%(role)s) does not deliver %(program)s; its contacts are recorded by: ")
            % {
                "role": Role(actor.role).label if actor.role in Role.values else actor.role,
                "program": program.display_name,
            }
            + ", ".join(str(Role(role).label) for role in program.roles if role in Role.values)
            + "."
        ]
    if kind not in (program.contact_kinds or ["contact"]):
        errors["kind"] = errors.get("kind", []) + [_("Choose what happened at the contact.")]
    if on > local_date(at):
        errors["on"] = [_("The date cannot be in the future.")]
    setting = f.get("setting", "")
    if setting and setting not in d.SETTINGS:
        errors["setting"] = [_("Choose where the contact happened.")]
    elif kind in _NEEDS_SETTING and not setting:
        errors["setting"] = [_("Say where the contact happened (in clinic, by phone, at home…).")]
    if kind == "chw_outreach" and f.get("outcome", "") not in d.OUTREACH_OUTCOMES:
        errors["outcome"] = [_("Record whether the family was reached.")]
    elif kind != "chw_outreach" and f.get("outcome"):
        errors["outcome"] = [_("Only an outreach attempt has an outcome.")]
    if kind == "book_given":
        try:
            language = normalize_language(f.get("book_language", ""))
        except ValidationError:
            language = ""
        if language not in {code for code, _name in language_choices()}:
            errors["book_language"] = [_("Choose the language of the book.")]
    if any(topic not in d.TOPICS for topic in f.get("topics", [])):
        errors["topics"] = [_("Choose topics from the list.")]
    if any(factor not in d.PROTECTIVE_FACTORS for factor in f.get("protective_factors", [])):
        errors["protective_factors"] = [_("Choose protective factors from the list.")]
    for key in ("goals", "strengths", "note"):
        if len(f.get(key, "")) > TEXT_MAX_LENGTH:
            errors[key] = [_("At most %(n)s characters.") % {"n": TEXT_MAX_LENGTH}]
    caregiver = f.get("caregiver")
    if caregiver is not None and caregiver.family_id != child.family_id:
        errors["caregiver"] = [_("Choose one of the child's caregivers.")]
    return errors


def _enrolment_on(program: Program, child: Child, on: date) -> tuple[Enrolment | None, str]:
    """The enrolment a contact on that day belongs to, or why there is none."""
    if program.universal:
        return None, ineligibility(program, child, on)
    enrolment = (
        Enrolment.objects.filter(program=program, child=child, enrolled_on__isnull=False)
        .order_by("-enrolled_on")
        .first()
    )
    if enrolment is None:
        return None, _("%(child)s is not enrolled in %(program)s; enrol the family first.") % {
            "child": child.display_name,
            "program": program.display_name,
        }
    assert enrolment.enrolled_on is not None
    if on < enrolment.enrolled_on:
        return None, _("The contact cannot be dated before the enrolment (%(day)s).") % {
            "day": formats.date_format(enrolment.enrolled_on, "SHORT_DATE_FORMAT")
        }
    if enrolment.ended_on is not None and on > enrolment.ended_on:
        return None, _("The family's enrolment ended on %(day)s.") % {
            "day": formats.date_format(enrolment.ended_on, "SHORT_DATE_FORMAT")
        }
    return enrolment, ""


@transaction.atomic
def record_contact(
    *,
    actor: Actor,
    program: Program,
    child: Child,
    kind: str,
    on: date,
    at: datetime,
    visit: Any = None,
    **fields: Any,
) -> Contact:
    """One contact, in seconds: what happened, where, the topics, a book's language, the goals
    the parent set, the outcome of an outreach attempt, what the parent is doing well."""
    _require_program(actor, program, child)
    errors = _contact_errors(actor, program, child, kind, on, at, fields)
    enrolment, why_not = _enrolment_on(program, child, on)
    override_reason = str(fields.get("override_reason", "")).strip()[:REASON_MAX_LENGTH]
    if why_not and program.universal and override_reason:
        # Outside a universal program's ages (a book at a 4-month visit): a clinician's call.
        if actor.can(Capability.PROGRAM_OVERRIDE):
            why_not = ""
        else:
            why_not += " " + _("Only a clinician can record it outside the eligibility.")
    elif not why_not:
        override_reason = ""
    if why_not:
        errors.setdefault("on", []).append(why_not)
    if visit is not None and visit.child_id != child.pk:
        errors["visit"] = [_("That visit belongs to another child.")]
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(
        practice=program.practice,
        program=program,
        enrolment=enrolment,
        child=child,
        visit=visit,
        kind=kind,
        on=on,
        recorded_at=at,
        staff=actor.user,
        role=actor.role,
        setting=fields.get("setting", ""),
        outcome=fields.get("outcome", ""),
        topics=list(fields.get("topics", [])),
        book_language=normalize_language(fields.get("book_language", ""))
        if kind == "book_given"
        else "",
        goals=fields.get("goals", "").strip(),
        strengths=fields.get("strengths", "").strip(),
        protective_factors=list(fields.get("protective_factors", [])),
        caregiver=fields.get("caregiver"),
        show_family=bool(fields.get("show_family", True)),
        note=fields.get("note", "").strip(),
        override_reason=override_reason,
    )
    _audit(
        actor,
        Action.CREATE,
        CONTACT_OBJECT,
        contact,
        at,
        child=str(child.pk),
        kind=kind,
        fields=sorted(key for key, value in fields.items() if value),
    )
    return contact
