"""Whether a planned message should still go when the sender takes it: each kind's own check,
run at the last moment (a visit moved, a referral closed, a child left the panel). A kind
without a check always goes. Returns the reason it should not ("" when it should)."""

from collections.abc import Callable
from datetime import datetime

from medhome.families.models import Child
from medhome.referrals.selectors import family_visible_referrals
from medhome.referrals.states import TERMINAL
from medhome.visits.models import VisitStatus

from ..models import Message, MessageKind
from .check_ins import why_not_check_in
from .reviews import why_not_review


def _on_panel(message: Message, at: datetime) -> str:
    if message.child_id is None:
        return ""
    on_panel = Child.objects.on_panel(at.date()).filter(pk=message.child_id).exists()
    return "" if on_panel else "not_on_panel"


def _visit_reminder(message: Message, at: datetime) -> str:
    visit = message.visit
    if visit is None or visit.status != VisitStatus.SCHEDULED or visit.starts_at <= at:
        return "visit_changed"
    if visit.confidential:
        return "confidential"
    return _on_panel(message, at)


def _referral_follow_up(message: Message, at: datetime) -> str:
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


def _discharge_check_in(message: Message, at: datetime) -> str:
    return why_not_check_in(message, at) or _on_panel(message, at)


def _care_plan_review(message: Message, at: datetime) -> str:
    return why_not_review(message, at) or _on_panel(message, at)


CHECKS: dict[str, Callable[[Message, datetime], str]] = {
    MessageKind.VISIT_REMINDER: _visit_reminder,
    MessageKind.REFERRAL_FOLLOW_UP: _referral_follow_up,
    MessageKind.DISCHARGE_CHECK_IN: _discharge_check_in,
    MessageKind.CARE_PLAN_REVIEW: _care_plan_review,
}


def why_not(message: Message, at: datetime) -> str:
    check = CHECKS.get(message.kind)
    return check(message, at) if check is not None else ""
