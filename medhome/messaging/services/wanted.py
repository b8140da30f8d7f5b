"""Whether a planned message should still go when the sender takes it: each kind's own check,
run at the last moment (a visit moved, a referral closed, a child left the panel). A kind
without a check always goes. Returns the reason it should not ("" when it should)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from medhome.families.models import Child
from medhome.referrals.selectors import family_visible_referrals
from medhome.referrals.states import TERMINAL
from medhome.visits.models import VisitStatus

from ..models import Message, MessageKind
from .check_ins import why_not_check_in
from .recall import visited_or_booked
from .reviews import why_not_review

# A survey not sent within a week of its visit is not sent (medhome rule,
# docs/clinical-rules.md#family-experience).
SURVEY_FRESH_DAYS = 7

# The "still on the panel?" check: one query for a message alone, a set read once for a batch.
Panel = Callable[[Message, datetime], str]


def _on_panel(message: Message, at: datetime) -> str:
    if message.child_id is None:
        return ""
    found = Child.objects.on_panel(at.date()).filter(pk=message.child_id).exists()
    return "" if found else "not_on_panel"


def _in(children: set[object]) -> Panel:
    def check(message: Message, at: datetime) -> str:
        if message.child_id is None or message.child_id in children:
            return ""
        return "not_on_panel"

    return check


def _visit_reminder(message: Message, at: datetime, on_panel: Panel) -> str:
    visit = message.visit
    if visit is None or visit.status != VisitStatus.SCHEDULED or visit.starts_at <= at:
        return "visit_changed"
    if visit.confidential:
        return "confidential"
    return on_panel(message, at)


def _referral_follow_up(message: Message, at: datetime, on_panel: Panel) -> str:
    """Not once the referral is closed, nor once this caregiver may no longer see it (consent
    revoked, entered in error, found to be a safety or the adolescent's own referral)."""
    if message.child is None or message.caregiver is None or not message.subject_id:
        return "referral_not_visible"
    visible = family_visible_referrals(child=message.child, caregiver=message.caregiver).filter(
        pk=message.subject_id, consent__revoked_at__isnull=True
    )
    status = visible.values_list("status", flat=True).first()
    if status is None:
        return "referral_not_visible"
    return "referral_closed" if status in TERMINAL else ""


def _discharge_check_in(message: Message, at: datetime, on_panel: Panel) -> str:
    return why_not_check_in(message, at) or on_panel(message, at)


def _care_plan_review(message: Message, at: datetime, on_panel: Panel) -> str:
    return why_not_review(message, at) or on_panel(message, at)


def _experience_survey(message: Message, at: datetime, on_panel: Panel) -> str:
    """Never about a confidential visit (the adolescent's own care), even one labelled so after
    the survey was planned; not once the visit is more than a week behind (the survey asks
    about a visit the family still remembers)."""
    visit = message.visit
    if visit is None or visit.status != VisitStatus.COMPLETED:
        return "visit_changed"
    if visit.confidential:
        return "confidential"
    if at - visit.starts_at > timedelta(days=SURVEY_FRESH_DAYS):
        return "survey_too_late"
    return on_panel(message, at)


def _recall(message: Message, at: datetime, on_panel: Panel) -> str:
    """A well-child visit booked (or come) since the recall was planned, or the child left the
    panel: the family has already answered, or is no longer the practice's to recall."""
    if message.child_id is None:
        return ""
    if visited_or_booked(message.child_id, since=message.created_at, practice=message.practice):
        return "visit_booked"
    return on_panel(message, at)


CHECKS: dict[str, Callable[[Message, datetime, Panel], str]] = {
    MessageKind.VISIT_REMINDER: _visit_reminder,
    MessageKind.REFERRAL_FOLLOW_UP: _referral_follow_up,
    MessageKind.DISCHARGE_CHECK_IN: _discharge_check_in,
    MessageKind.CARE_PLAN_REVIEW: _care_plan_review,
    MessageKind.RECALL: _recall,
    MessageKind.EXPERIENCE_SURVEY: _experience_survey,
}


def why_not(message: Message, at: datetime, *, on_panel: set[object] | None = None) -> str:
    """`on_panel`: the batch's children on the panel (batch.know), else asked for this one."""
    check = CHECKS.get(message.kind)
    if check is None:
        return ""
    return check(message, at, _on_panel if on_panel is None else _in(on_panel))
