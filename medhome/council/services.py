"""Every write of the family advisory council: start a council, add a member, record their
withdrawal (erasing their name and contact details, keeping their contributions), record a
meeting with its attendance and compensation in one step, raise a recommendation, write its texts
per language and move its status. All-or-nothing, audited (field names and counts, never words
nor names), and only by staff of the hosting practice with council.manage."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.core.languages import base_language, language_name, normalize_language
from medhome.families.models import Caregiver

from . import states
from .models import (
    DETAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Compensation,
    CompensationForm,
    ConsentMethod,
    Council,
    Meeting,
    MeetingAttendance,
    MeetingFormat,
    Member,
    RaisedBy,
    ReachBy,
    Recommendation,
    RecommendationChange,
    RecommendationText,
)
from .models import RecommendationStatus as S

COUNCIL_OBJECT = "council"
MEMBER_OBJECT = "council_member"
MEETING_OBJECT = "council_meeting"
RECOMMENDATION_OBJECT = "council_recommendation"
FALLBACK_LANGUAGE = "en"
# Short names ("Jo") are words inside other words: only names this long are looked for in texts.
NAME_CHECK_MIN_LENGTH = 3


def _check(actor: Actor, practice_id: object) -> None:
    """Only the hosting practice changes a council: the network's other practices read it."""
    if not actor.can(Capability.COUNCIL_MANAGE) or actor.practice_id != practice_id:
        raise PermissionDenied(_("You cannot change this council."))


def _audit(actor: Actor, action: str, object_type: str, row: Any, at: datetime, **detail) -> None:
    record(
        actor=actor,
        action=Action(action),
        object_type=object_type,
        object_id=row.pk,
        at=at,
        practice=row.practice,
        detail=detail,
    )


def _not_future(on: date, today: date, field: str) -> None:
    if on > today:
        raise ValidationError({field: _("This date is in the future.")})


# --- councils and members -------------------------------------------------------------------


@transaction.atomic
def start_council(
    *, actor: Actor, name: str, network_wide: bool, started_on: date, at: datetime
) -> Council:
    _check(actor, actor.practice_id)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the council a name.")})
    if network_wide and actor.practice.network_id is None:
        raise ValidationError(
            {"network_wide": _("This practice is not part of a network: the council is its own.")}
        )
    council = Council.objects.create(
        practice=actor.practice,
        name=name[:NAME_MAX_LENGTH],
        network_wide=network_wide,
        created_on=started_on,
    )
    _audit(actor, "create", COUNCIL_OBJECT, council, at, network_wide=network_wide)
    return council


@transaction.atomic
def add_member(
    *,
    actor: Actor,
    council: Council,
    name: str,
    language: str,
    reach_by: str,
    contact_detail: str,
    consent_given_on: date,
    consent_method: str,
    caregiver: Caregiver | None,
    today: date,
    at: datetime,
) -> Member:
    _check(actor, council.practice_id)
    errors: dict[str, str] = {}
    name, contact_detail = name.strip(), contact_detail.strip()
    if not name:
        errors["name"] = _("Write the name the member wants us to use.")
    try:
        language = normalize_language(language)
    except ValidationError as unknown:
        errors["language"] = unknown.messages[0]
    if reach_by not in ReachBy.values:
        errors["reach_by"] = _("Choose how the member wants to be reached.")
    elif reach_by != ReachBy.IN_PERSON and not contact_detail:
        errors["contact_detail"] = _(
            "Write the number, email or address for the way they chose to be reached."
        )
    if consent_method not in ConsentMethod.values:
        errors["consent_method"] = _("Choose how the member agreed to serve.")
    if consent_given_on > today:
        errors["consent_given_on"] = _("This date is in the future.")
    if caregiver is not None and caregiver.practice_id != council.practice_id:
        errors["caregiver"] = _("This caregiver is not one of the practice's families.")
    if caregiver is not None and council.members.current().filter(caregiver=caregiver).exists():
        errors["caregiver"] = _("This caregiver is already a member of the council.")
    if errors:
        raise ValidationError(errors)
    member = Member.objects.create(
        practice=council.practice,
        council=council,
        caregiver=caregiver,
        name=name[:NAME_MAX_LENGTH],
        language=language,
        reach_by=reach_by,
        contact_detail=contact_detail[:DETAIL_MAX_LENGTH],
        consent_given_on=consent_given_on,
        consent_method=consent_method,
    )
    _audit(
        actor,
        "create",
        MEMBER_OBJECT,
        member,
        at,
        council=str(council.pk),
        linked_to_caregiver=caregiver is not None,
    )
    return member


@transaction.atomic
def withdraw_member(*, actor: Actor, member: Member, on: date, today: date, at: datetime) -> Member:
    """The member withdraws their consent: off every list at once, their name and contact details
    erased from the row, their past attendance, compensation and recommendations kept under "a
    former member" (the council's record of what it did and paid stays whole)."""
    _check(actor, member.practice_id)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.has_withdrawn:
        raise ValidationError(_("This member has already withdrawn."))
    if on > today:
        raise ValidationError({"withdrawn_on": _("This date is in the future.")})
    if on < member.consent_given_on:
        raise ValidationError(
            {"withdrawn_on": _("The member cannot withdraw before the day they agreed to serve.")}
        )
    member.withdrawn_on = on
    member.name = ""
    member.contact_detail = ""
    member.caregiver = None
    member.save(update_fields=["withdrawn_on", "name", "contact_detail", "caregiver"])
    _audit(
        actor,
        "update",
        MEMBER_OBJECT,
        member,
        at,
        withdrawn=True,
        erased=["name", "contact_detail", "caregiver"],
    )
    return member


# --- meetings, attendance and compensation ---------------------------------------------------


@dataclass(frozen=True)
class Attended:
    """One member at the meeting and what they were paid (amount None: not paid)."""

    member: Member
    amount: Decimal | None = None
    form: str = ""
    paid_on: date | None = None


@transaction.atomic
def record_meeting(
    *,
    actor: Actor,
    council: Council,
    held_on: date,
    format: str,
    place: str,
    agenda: str,
    attended: list[Attended],
    today: date,
    at: datetime,
) -> Meeting:
    """The meeting, who came and what each was paid, all or nothing."""
    _check(actor, council.practice_id)
    errors: dict[str, Any] = {}
    if held_on > today:
        errors["held_on"] = _("Record a meeting once it has taken place.")
    if format not in MeetingFormat.values:
        errors["format"] = _("Choose where the meeting took place.")
    elif not place.strip():
        errors["place"] = _("Write the place or the video link.")
    if not agenda.strip():
        errors["agenda"] = _("Write at least one agenda topic.")
    elif len(agenda) > TEXT_MAX_LENGTH:
        errors["agenda"] = _("The agenda is too long.")
    problems = []
    seen: set[object] = set()
    for row in attended:
        member = row.member
        who = member.shown_name
        if member.council_id != council.pk or member.has_withdrawn:
            problems.append(_("%(who)s is not a current member of this council.") % {"who": who})
        elif member.pk in seen:
            problems.append(_("%(who)s is listed twice.") % {"who": who})
        elif held_on < member.consent_given_on:
            problems.append(_("%(who)s joined the council after this meeting.") % {"who": who})
        seen.add(member.pk)
        if row.amount is None:
            if row.form:
                problems.append(_("Write the amount paid to %(who)s.") % {"who": who})
            continue
        if row.amount < 0:
            problems.append(_("The amount paid to %(who)s cannot be negative.") % {"who": who})
        if row.form not in CompensationForm.values:
            problems.append(_("Choose how %(who)s was paid.") % {"who": who})
        if row.paid_on is None:
            problems.append(_("Write the day %(who)s was paid.") % {"who": who})
        elif row.paid_on > today:
            problems.append(_("The day %(who)s was paid is in the future.") % {"who": who})
    if problems:
        errors["attended"] = problems
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        practice=council.practice,
        council=council,
        held_on=held_on,
        format=format,
        place=place.strip()[:DETAIL_MAX_LENGTH],
        agenda=agenda.strip(),
        recorded_by=actor.user,
        recorded_at=at,
    )
    rows = MeetingAttendance.objects.bulk_create(
        MeetingAttendance(practice=council.practice, meeting=meeting, member=row.member)
        for row in attended
    )
    paid = [
        Compensation(
            practice=council.practice,
            attendance=attendance,
            amount=row.amount,
            form=row.form,
            paid_on=row.paid_on or held_on,  # checked above: a paid row has its day
            recorded_by=actor.user,
            recorded_at=at,
        )
        for attendance, row in zip(rows, attended, strict=True)
        if row.amount is not None
    ]
    Compensation.objects.bulk_create(paid)
    _audit(
        actor,
        "create",
        MEETING_OBJECT,
        meeting,
        at,
        council=str(council.pk),
        attended=len(rows),
        compensated=len(paid),
    )
    return meeting


# --- recommendations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    language: str
    asked: str
    answer: str = ""


def _names_in(council: Council, texts: list[Text]) -> list[str]:
    """Names of current members written in a text: family pages never name a member."""
    names = [
        name
        for name in council.members.current().values_list("name", flat=True)
        if len(name) >= NAME_CHECK_MIN_LENGTH
    ]
    words = " ".join(f"{t.asked} {t.answer}" for t in texts).casefold()
    return sorted({name for name in names if name.casefold() in words})


def _clean_texts(council: Council, texts: list[Text]) -> dict[str, Text]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Text] = {}
    for text in texts:
        asked, answer = text.asked.strip(), text.answer.strip()
        if not asked and not answer:
            continue
        code = base_language(text.language)
        field = f"asked_{code}"
        if not asked:
            errors[field] = _("Write what families asked for in %(language)s too.") % {
                "language": language_name(code)
            }
        elif len(asked) > NAME_MAX_LENGTH * 2:
            errors[field] = _("Keep what families asked for under %(n)s characters.") % {
                "n": NAME_MAX_LENGTH * 2
            }
        if len(answer) > TEXT_MAX_LENGTH:
            errors[f"answer_{code}"] = _("The answer is too long.")
        cleaned[code] = Text(language=code, asked=asked, answer=answer)
    if FALLBACK_LANGUAGE not in cleaned:
        errors.setdefault(
            f"asked_{FALLBACK_LANGUAGE}",
            _("Write what families asked for in English: it is shown when a language is missing."),
        )
    named = _names_in(council, list(cleaned.values()))
    if named:
        errors["__all__"] = _(
            "Family pages never name a member: take %(names)s out of the texts."
        ) % {"names": ", ".join(named)}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save_texts(recommendation: Recommendation, cleaned: dict[str, Text]) -> list[str]:
    """Write the texts; the languages whose words changed."""
    existing = {t.language: t for t in recommendation.texts.all()}
    changed = []
    for code, text in cleaned.items():
        row = existing.get(code)
        if row is None:
            RecommendationText.objects.create(
                practice=recommendation.practice,
                recommendation=recommendation,
                language=code,
                asked=text.asked,
                answer=text.answer,
            )
            changed.append(code)
        elif (row.asked, row.answer) != (text.asked, text.answer):
            row.asked, row.answer = text.asked, text.answer
            row.save(update_fields=["asked", "answer"])
            changed.append(code)
    for code, row in existing.items():
        if code not in cleaned:
            row.delete()
            changed.append(code)
    recommendation.title = cleaned[FALLBACK_LANGUAGE].asked
    recommendation.save(update_fields=["title"])
    return sorted(changed)


@transaction.atomic
def raise_recommendation(
    *,
    actor: Actor,
    council: Council,
    raised_on: date,
    meeting: Meeting | None,
    raised_by: list[Member],
    texts: list[Text],
    today: date,
    at: datetime,
) -> Recommendation:
    _check(actor, council.practice_id)
    errors: dict[str, Any] = {}
    if raised_on > today:
        errors["raised_on"] = _("This date is in the future.")
    if meeting is not None and meeting.council_id != council.pk:
        errors["meeting"] = _("This meeting is not one of this council's.")
    elif meeting is not None and meeting.held_on != raised_on:
        errors["raised_on"] = _("A recommendation raised at a meeting is raised on its date.")
    for member in raised_by:
        if member.council_id != council.pk or member.has_withdrawn:
            errors["raised_by"] = _("Choose current members of this council.")
    try:
        cleaned = _clean_texts(council, texts)
    except ValidationError as refused:
        errors.update(refused.message_dict)
    if errors:
        raise ValidationError(errors)
    recommendation = Recommendation.objects.create(
        practice=council.practice,
        council=council,
        raised_on=raised_on,
        meeting=meeting,
        title=cleaned[FALLBACK_LANGUAGE].asked,
        status=S.HEARD,
    )
    RaisedBy.objects.bulk_create(
        RaisedBy(practice=council.practice, recommendation=recommendation, member=member)
        for member in {m.pk: m for m in raised_by}.values()
    )
    languages = _save_texts(recommendation, cleaned)
    RecommendationChange.objects.create(
        practice=council.practice,
        recommendation=recommendation,
        at=at,
        by=actor.user,
        to_status=S.HEARD,
        languages=languages,
    )
    _audit(
        actor,
        "create",
        RECOMMENDATION_OBJECT,
        recommendation,
        at,
        languages=languages,
        raised_by=len(raised_by),
    )
    return recommendation


def _answer_missing(recommendation: Recommendation, cleaned: dict[str, Text]) -> list[str]:
    """Languages whose request has no answer yet: families who read the request in a language
    read the answer in it too (English, the fallback, always)."""
    return [code for code, text in cleaned.items() if not text.answer]


@transaction.atomic
def edit_texts(
    *, actor: Actor, recommendation: Recommendation, texts: list[Text], at: datetime
) -> list[str]:
    _check(actor, recommendation.practice_id)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    cleaned = _clean_texts(recommendation.council, texts)
    if recommendation.status in states.NEEDS_ANSWER:
        missing = _answer_missing(recommendation, cleaned)
        if missing:
            raise ValidationError(
                {
                    f"answer_{code}": _("A finished recommendation keeps its answer.")
                    for code in missing
                }
            )
    languages = _save_texts(recommendation, cleaned)
    if languages:
        RecommendationChange.objects.create(
            practice=recommendation.practice,
            recommendation=recommendation,
            at=at,
            by=actor.user,
            languages=languages,
        )
        _audit(actor, "update", RECOMMENDATION_OBJECT, recommendation, at, languages=languages)
    return languages


@transaction.atomic
def change_status(
    *, actor: Actor, recommendation: Recommendation, to: str, at: datetime
) -> Recommendation:
    _check(actor, recommendation.practice_id)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    current = recommendation.status
    if to not in S.values:
        raise ValidationError({"status": _("Choose a status.")})
    if to not in states.TRANSITIONS[current]:
        raise ValidationError(
            {
                "status": _("A recommendation that is “%(from)s” cannot become “%(to)s”.")
                % {"from": S(current).label, "to": S(to).label}
            }
        )
    if to in states.NEEDS_ANSWER:
        texts = {
            t.language: Text(t.language, t.asked, t.answer) for t in recommendation.texts.all()
        }
        missing = _answer_missing(recommendation, texts)
        if missing:
            raise ValidationError(
                {
                    "status": _(
                        "Write the practice's answer in %(languages)s before marking it “%(to)s”:"
                        " families read what was done, or why not."
                    )
                    % {
                        "languages": ", ".join(language_name(code) for code in missing),
                        "to": S(to).label,
                    }
                }
            )
    recommendation.status = to
    recommendation.save(update_fields=["status"])
    RecommendationChange.objects.create(
        practice=recommendation.practice,
        recommendation=recommendation,
        at=at,
        by=actor.user,
        from_status=current,
        to_status=to,
    )
    _audit(actor, "update", RECOMMENDATION_OBJECT, recommendation, at, status=[current, to])
    return recommendation


def record_council_view(*, actor: Actor, council: Council, at: datetime) -> None:
    """The council's page lists members and how to reach them: opening it is audited."""
    _audit(actor, "view", COUNCIL_OBJECT, council, at)
