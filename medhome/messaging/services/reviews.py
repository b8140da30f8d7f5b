"""Care-plan review reminders: a set-based daily sweep. `care_plan_review_days_before` days
(default 7, medhome rule) before a plan's review date, the caregivers who are on the child's care
team get a message whose link opens the plan (link purpose "care_plan", issued when it is sent);
when no caregiver is on the team, the family's primary contact. The key names the plan, the
review date and the caregiver, so a new review date plans anew and a changed one is not sent.

The family page behind the link shows only what a caregiver may see (careplan.selectors.
family_visible_actions: never the adolescent's own actions nor a safety referral's), so the
message itself carries nothing of the plan. At 18 a caregiver's access ends
(docs/clinical-rules.md#adolescent-confidentiality): no reminder for a plan of an adult.
"""

from datetime import date, datetime, time, timedelta
from uuid import UUID

from medhome.careplan.models import CarePlan, CareTeamMember, MemberKind
from medhome.families.models import Caregiver, on_panel
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Practice

from ..models import Message, MessageKind
from ..rules import setting
from .check_ins import age_on
from .outreach import Outreach, Planned, already_planned, plan_outreach, primary_contacts

ADULT_AGE = 18


def review_key(plan_id: object, review_on: date, caregiver_id: object) -> str:
    return f"{MessageKind.CARE_PLAN_REVIEW}:{plan_id}:{review_on.isoformat()}:{caregiver_id}"


def _plans(practice: Practice, today: date, last_day: date) -> list[CarePlan]:
    return list(
        CarePlan.objects.filter(practice=practice, review_on__gt=today, review_on__lte=last_day)
        .filter(on_panel(today, "child"))
        .select_related("child")
        .only(
            "pk",
            "review_on",
            "child__id",
            "child__family_id",
            "child__practice_id",
            "child__date_of_birth",
        )
        .order_by("review_on", "pk")
    )


def _team_caregivers(practice: Practice, plans: list[CarePlan]) -> dict[UUID, list[Caregiver]]:
    """Child id → the caregivers of the child's own family on the child's team. One query."""
    families = {plan.child_id: plan.child.family_id for plan in plans}
    found: dict[UUID, list[Caregiver]] = {}
    for member in (
        CareTeamMember.objects.filter(
            practice=practice,
            child_id__in=list(families),
            kind=MemberKind.CAREGIVER,
            is_active=True,
        )
        .select_related("caregiver")
        .order_by("child_id", "created_at", "pk")
    ):
        caregiver = member.caregiver
        if caregiver is None or caregiver.family_id != families[member.child_id]:
            continue
        found.setdefault(member.child_id, []).append(caregiver)
    return found


def plan_care_plan_reviews(*, practice: Practice, at: datetime) -> Planned:
    """Plan the reminders of the plans whose review date is within the next days_before days
    (a review date set closer than that is reminded at once). Idempotent on the key."""
    calendar = calendar_of(practice)
    today = at.astimezone(calendar.zone).date()
    days = int(setting("care_plan_review_days_before"))
    plans = [
        plan
        for plan in _plans(practice, today, today + timedelta(days=days))
        if plan.review_on is not None
        and age_on(plan.child.date_of_birth, plan.review_on) < ADULT_AGE
    ]
    if not plans:
        return Planned(0, 0)
    team = _team_caregivers(practice, plans)
    contacts = primary_contacts(
        {plan.child.family_id for plan in plans if plan.child_id not in team}
    )
    send_time = time.fromisoformat(setting("reminder_time"))
    wanted: list[tuple[str, CarePlan, Caregiver]] = []
    for plan in plans:
        assert plan.review_on is not None
        primary = contacts.get(plan.child.family_id)
        recipients = team.get(plan.child_id) or ([primary] if primary is not None else [])
        wanted.extend(
            (review_key(plan.pk, plan.review_on, caregiver.pk), plan, caregiver)
            for caregiver in recipients
        )
    existing = already_planned(practice, (key for key, _plan, _caregiver in wanted))
    items = [
        Outreach(
            key=key,
            kind=MessageKind.CARE_PLAN_REVIEW,
            caregiver=caregiver,
            child=plan.child,
            desired=max(
                at,
                datetime.combine(
                    plan.review_on - timedelta(days=days), send_time, tzinfo=calendar.zone
                ),
            ),
            variant="with_link",
            link_purpose="care_plan",
            subject_id=str(plan.pk),
        )
        for key, plan, caregiver in wanted
        if key not in existing and plan.review_on is not None
    ]
    return plan_outreach(practice=practice, items=items, at=at)


def plan_all_care_plan_reviews(*, at: datetime) -> int:
    """The daily job: every practice's review reminders."""
    return sum(
        plan_care_plan_reviews(practice=practice, at=at).created
        for practice in Practice.objects.order_by("pk")
    )


def why_not_review(message: Message, at: datetime) -> str:
    """The last-moment check: the review date was changed or removed, or has come ("" when the
    reminder should still go). The date planned for is the key's third part."""
    plan = (
        CarePlan.objects.filter(
            practice_id=message.practice_id, pk=message.subject_id, child_id=message.child_id
        )
        .only("review_on")
        .first()
        if message.subject_id and message.child_id is not None
        else None
    )
    planned_for = message.idempotency_key.split(":")[2:3]
    if plan is None or plan.review_on is None or [plan.review_on.isoformat()] != planned_for:
        return "review_changed"
    if plan.review_on <= at.astimezone(calendar_of(message.practice).zone).date():
        return "review_changed"
    return ""
