"""Every write of medhome.experience: planning the survey after visits, the family's one answer,
staff entry of a licensed form, and the practice's quality lead.
docs/clinical-rules.md#family-experience.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child, on_panel
from medhome.messaging.models import MessageKind
from medhome.messaging.services.check_ins import age_on
from medhome.messaging.services.common import system_actor
from medhome.messaging.services.outreach import Outreach, plan_outreach, primary_contacts
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Membership, Practice
from medhome.visits.models import Visit, VisitStatus

from . import definitions
from .models import Answer, Comment, EnteredBy, Invitation, QualityLead, Response

INVITATION_OBJECT = "experience.invitation"
RESPONSE_OBJECT = "experience.response"
LEAD_OBJECT = "experience.qualitylead"

DEFAULTS = {
    "every_days": 30,
    "after_hours": 3,
    "look_back_days": 3,
    "below_age": 12,
    "comment_max_chars": 1000,
}


def setting(name: str) -> int:
    return int({**DEFAULTS, **getattr(settings, "MEDHOME_EXPERIENCE", {})}[name])


def survey_key(invitation: Invitation) -> str:
    return f"{MessageKind.EXPERIENCE_SURVEY}:{invitation.pk}"


# --- Planning (the worker's sweep) ----------------------------------------------------------


def _candidate_visits(practice: Practice, at: datetime) -> list[Visit]:
    """Completed, not confidential visits of children on the panel, between look_back_days and
    after_hours ago, that have no invitation yet. One query."""
    today = at.astimezone(calendar_of(practice).zone).date()
    return list(
        Visit.objects.filter(
            practice=practice,
            status=VisitStatus.COMPLETED,
            confidential=False,
            starts_at__gte=at - timedelta(days=setting("look_back_days")),
            starts_at__lte=at - timedelta(hours=setting("after_hours")),
        )
        .filter(on_panel(today, "child"))
        .exclude(pk__in=Invitation.objects.filter(practice=practice).values("visit_id"))
        .select_related("child")
        .order_by("starts_at", "pk")
    )


def _recently_invited(practice: Practice, family_ids: set[UUID], at: datetime) -> set[UUID]:
    since = at - timedelta(days=setting("every_days"))
    return set(
        Invitation.objects.filter(
            practice=practice, child__family_id__in=list(family_ids), created_at__gt=since
        ).values_list("child__family_id", flat=True)
    )


def plan_surveys(*, practice: Practice, at: datetime) -> int:
    """Invite the family of each completed visit (its primary contact, on its channel, in its
    language) through messaging's one planner; at most one invitation per family per
    every_days. Idempotent: one invitation per visit (a DB constraint), one message per
    invitation (its key). Returns the invitations made."""
    below = setting("below_age")
    visits = [
        v
        for v in _candidate_visits(practice, at)
        if age_on(v.child.date_of_birth, v.starts_at.date()) < below
    ]
    if not visits:
        return 0
    families = {v.child.family_id for v in visits}
    skip = _recently_invited(practice, families, at)
    contacts = primary_contacts(families)
    chosen: list[tuple[Visit, Caregiver]] = []
    for visit in visits:
        family = visit.child.family_id
        caregiver = contacts.get(family)
        if family in skip or caregiver is None:
            continue
        skip.add(family)  # one per family in this run too
        chosen.append((visit, caregiver))
    if not chosen:
        return 0
    invitations = [
        Invitation(
            practice=practice,
            visit=visit,
            child=visit.child,
            caregiver=caregiver,
            survey_key=definitions.FAMILY_SURVEY,
            created_at=at,
        )
        for visit, caregiver in chosen
    ]
    with transaction.atomic():
        Invitation.objects.bulk_create(invitations)
        record_many(
            actor=system_actor(practice),
            entries=[
                Entry(
                    action=Action.CREATE,
                    object_type=INVITATION_OBJECT,
                    object_id=i.pk,
                    detail={"child": str(i.child_id), "visit": str(i.visit_id)},
                )
                for i in invitations
            ],
            at=at,
            practice=practice,
        )
        plan_outreach(
            practice=practice,
            items=[
                Outreach(
                    key=survey_key(i),
                    kind=MessageKind.EXPERIENCE_SURVEY,
                    caregiver=i.caregiver,
                    child=i.child,
                    desired=at,
                    variant="with_link",
                    link_purpose=Purpose.EXPERIENCE,
                    visit=i.visit,
                    subject_id=str(i.pk),
                )
                for i in invitations
            ],
            at=at,
        )
    return len(invitations)


def plan_all_surveys(*, at: datetime) -> int:
    return sum(
        plan_surveys(practice=practice, at=at) for practice in Practice.objects.order_by("pk")
    )


def check_family_link(survey_key: str) -> None:
    """Raises SurveyRefused for a survey its license keeps off family links."""
    definitions.refuse_family_link(definitions.get(survey_key))


# --- The family's answer ---------------------------------------------------------------------


def invitation_of_link(link: FamilyLink) -> Invitation | None:
    """The invitation a survey link belongs to. messaging issues the link when the message goes
    and keeps no pointer to it, so the first open binds it: the caregiver's latest invitation
    for the child made before the link (one live survey link per family at a time, as
    every_days ≥ the link's 14 days)."""
    bound = Invitation.objects.filter(practice_id=link.practice_id, link=link).first()
    if bound is not None:
        return bound
    invitation = (
        Invitation.objects.filter(
            practice_id=link.practice_id,
            child_id=link.child_id,
            caregiver_id=link.caregiver_id,
            created_at__lte=link.created_at,
            created_at__gt=link.created_at - timedelta(days=setting("every_days")),
        )
        .order_by("-created_at")
        .first()
    )
    if invitation is not None and invitation.link_id is None:
        Invitation.objects.filter(pk=invitation.pk, link__isnull=True).update(
            link=link, sent_at=link.created_at
        )
        invitation.link, invitation.sent_at = link, link.created_at
    return invitation


def validate_answers(
    survey: definitions.Survey, answers: Mapping[str, str], comment: str
) -> dict[str, str]:
    """Item key (or "comment") → the message in the active language; {} when all is well.
    Every item of medhome's own survey must be answered with one of its options."""
    errors: dict[str, str] = {}
    for item in survey.items:
        value = answers.get(item.key, "")
        if not value:
            errors[item.key] = _("Please choose an answer to this question.")
        elif item.options and value not in {o.code for o in item.options}:
            errors[item.key] = _("That answer is not one of the choices; please choose again.")
    limit = setting("comment_max_chars")
    if len(comment) > limit:
        errors["comment"] = _("Please keep your comment to %(limit)d characters.") % {
            "limit": limit
        }
    return errors


class AlreadyAnswered(Exception):
    """The invitation has its one answer already: counted once, thank the family."""


def answer_by_family(
    *,
    link: FamilyLink,
    invitation: Invitation,
    answers: Mapping[str, str],
    comment: str,
    may_show_name: bool,
    language: str,
    at: datetime,
    request_id: str = "",
) -> Response:
    """The family's one answer, all or nothing: validated, saved with its answers and comment,
    the link finished, audited. A second submit (the same link twice, or another link of the
    same invitation) raises AlreadyAnswered and changes nothing."""
    survey = definitions.get(invitation.survey_key)
    definitions.refuse_family_link(survey)
    comment = comment.strip()
    errors = validate_answers(survey, answers, comment)
    if errors:
        raise ValidationError(errors)
    visit = invitation.visit
    try:
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if Response.objects.filter(invitation=locked).exists():
                raise AlreadyAnswered
            response = Response.objects.create(
                practice_id=invitation.practice_id,
                invitation=locked,
                survey_key=survey.key,
                child_id=invitation.child_id,
                visit=visit,
                site_id=visit.site_id,
                language=language,
                channel=link.channel,
                entered_by=EnteredBy.FAMILY,
                answered_on=at.astimezone(calendar_of(link.practice).zone).date(),
                created_at=at,
            )
            _answers(response, {i.key: answers[i.key] for i in survey.items})
            if comment:
                Comment.objects.create(
                    practice_id=response.practice_id,
                    response=response,
                    text=comment,
                    may_show_name=may_show_name,
                    created_at=at,
                )
            locked.answered_at = at
            locked.save(update_fields=["answered_at"])
            links.finish_link(link_id=link.pk, done=True, at=at)
            record(
                actor=links.family_actor(link, request_id),
                action=Action.CREATE,
                object_type=RESPONSE_OBJECT,
                object_id=response.pk,
                at=at,
                detail={"child": str(invitation.child_id), "survey": survey.key},
            )
    except IntegrityError as twice:  # another submit won the race on the one-per-invitation key
        raise AlreadyAnswered from twice
    return response


def _answers(response: Response, values: Mapping[str, str]) -> None:
    Answer.objects.bulk_create(
        Answer(practice_id=response.practice_id, response=response, item=key, value=value)
        for key, value in values.items()
    )


# --- Staff entry of a licensed form ---------------------------------------------------------


def enter_licensed_form(
    *,
    actor: Actor,
    child: Child,
    visit: Visit | None,
    answers: Mapping[str, str],
    language: str,
    answered_on: date,
    at: datetime,
) -> Response:
    """Staff key a family's answers from the practice's own fielded CAHPS form (paper or a
    vendor's report), by item number. No wording is involved; counted apart from medhome's own
    survey. At least one item; each answer one of the standard response options."""
    if not actor.can(Capability.MEASURES_READ) or child.practice_id != actor.practice_id:
        raise PermissionDenied
    if visit is not None and (visit.child_id != child.pk or visit.practice_id != child.practice_id):
        raise Http404
    survey = definitions.CAHPS_CG_CHILD_STAFF
    given = {k: v for k, v in answers.items() if v}
    errors: dict[str, Any] = {}
    for key, value in given.items():
        item = survey.item(key)
        if item is None or value not in {o.code for o in item.options}:
            errors[key] = _("That is not one of the standard response options.")
    if not given:
        errors["__all__"] = _("Enter at least one answer from the form.")
    if answered_on > at.date():
        errors["answered_on"] = _("The form cannot have been answered in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = Response.objects.create(
            practice_id=child.practice_id,
            invitation=None,
            survey_key=survey.key,
            child=child,
            visit=visit,
            site_id=visit.site_id if visit else None,
            language=language or "en",
            channel="paper",
            entered_by=EnteredBy.STAFF,
            entered_by_user=actor.user,
            answered_on=answered_on,
            created_at=at,
        )
        _answers(response, given)
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=RESPONSE_OBJECT,
            object_id=response.pk,
            at=at,
            detail={"child": str(child.pk), "survey": survey.key, "items": len(given)},
        )
    return response


# --- The quality lead -----------------------------------------------------------------------


def choose_quality_lead(*, actor: Actor, user_id: object, at: datetime) -> QualityLead:
    """One colleague per practice reads the families' comments; choosing another replaces the
    first. Only an active member of the practice may be chosen."""
    if not actor.can(Capability.USERS_MANAGE):
        raise PermissionDenied
    member = (
        Membership.objects.active()
        .filter(practice_id=actor.practice_id, user_id=user_id)
        .select_related("user")
        .first()
    )
    if member is None:
        raise ValidationError({"user": _("Choose an active member of this practice.")})
    with transaction.atomic():
        lead, _created = QualityLead.objects.update_or_create(
            practice_id=actor.practice_id,
            defaults={"user": member.user, "chosen_by": actor.user, "chosen_at": at},
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=LEAD_OBJECT,
            object_id=lead.pk,
            at=at,
            detail={"user": str(member.user.pk)},
        )
    return lead
