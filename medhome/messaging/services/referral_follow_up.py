"""Planning referral follow-ups: "Did you get help?" N days after a referral was sent, with the
family's referral-status link, where the family answers and closes its own loop
(docs/clinical-rules.md#referral-follow-up).

For each N in MEDHOME_MESSAGING["referral_follow_up_days"] (default [10]): the practice's
referrals sent on or before the practice-local day N days ago, not closed, whose close due date
(ReferralSettings.close_days from sending) has not passed yet — the message is there to get the
family's answer before the coordinator's "not closed" task, not after it. Which referrals may
reach a caregiver at all is the referrals app's one rule (family_visible_referrals, here in its
set-based form): never a safety referral, never the adolescent's own, and only to the caregiver
whose consent the referral carries — a consent given by nobody but the adolescent makes the
referral the adolescent's own, so there is no caregiver to fall back to. One query per offset,
then plan_outreach (idempotent on f"referral_follow_up:{referral}:{N}").
"""

from datetime import datetime, time, timedelta

from medhome.portal.models import Purpose
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Practice
from medhome.referrals.models import Referral
from medhome.referrals.selectors import family_visible_to_consenting_caregivers
from medhome.referrals.services import settings_for
from medhome.referrals.states import TERMINAL

from ..models import MessageKind
from ..rules import setting
from .outreach import Outreach, Planned, already_planned, plan_outreach

VARIANT = "with_link"


def follow_up_key(referral_id: object, days: int) -> str:
    return f"{MessageKind.REFERRAL_FOLLOW_UP}:{referral_id}:{days}"


def follow_up_days() -> list[int]:
    return sorted({int(days) for days in setting("referral_follow_up_days")})


def plan_referral_follow_ups(*, practice: Practice, at: datetime) -> Planned:
    """Plan the follow-ups due by `at` (the practice's local day). Running it again plans
    nothing twice."""
    calendar = calendar_of(practice)
    today = at.astimezone(calendar.zone).date()
    desired = max(
        at, datetime.combine(today, time.fromisoformat(setting("reminder_time")), calendar.zone)
    )
    close_days = settings_for(practice).close_days
    items: list[Outreach] = []
    for days in follow_up_days():
        # Sent on the local day `days` ago or before, and not yet due to close.
        sent_before = datetime.combine(today - timedelta(days=days - 1), time(0), calendar.zone)
        referrals = list(
            family_visible_to_consenting_caregivers()
            .native()  # an imported referral is another system's record: no reminders
            .filter(
                practice=practice,
                requested_at__lt=sent_before,
                requested_at__gt=at - timedelta(days=close_days),
                consent__revoked_at__isnull=True,
            )
            .exclude(status__in=TERMINAL)
            .select_related("child", "consent__given_by_caregiver")
            .order_by("requested_at", "pk")
        )
        keys = {follow_up_key(r.pk, days): r for r in referrals}
        planned = already_planned(practice, keys)
        items.extend(
            _item(key, referral, desired) for key, referral in keys.items() if key not in planned
        )
    return plan_outreach(practice=practice, items=items, at=at)


def _item(key: str, referral: Referral, desired: datetime) -> Outreach:
    caregiver = referral.consent.given_by_caregiver
    assert caregiver is not None  # family-visible: a caregiver consented
    return Outreach(
        key=key,
        kind=MessageKind.REFERRAL_FOLLOW_UP,
        caregiver=caregiver,
        child=referral.child,
        desired=desired,
        variant=VARIANT,
        link_purpose=Purpose.REFERRAL_STATUS,
        subject_id=str(referral.pk),
    )


def plan_all_referral_follow_ups(*, at: datetime) -> int:
    """The daily job: every practice's follow-ups due today (their local date)."""
    total = 0
    for practice in Practice.objects.filter(
        pk__in=Referral.objects.exclude(requested_at=None).values("practice")
    ).order_by("pk"):
        total += plan_referral_follow_ups(practice=practice, at=at).created
    return total
