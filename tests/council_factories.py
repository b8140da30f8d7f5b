"""Rows of the family advisory council for the sweeps and the council's tests (invented names
that appear nowhere else, so a sighting is a leak)."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from medhome.council.models import (
    Compensation,
    Council,
    Meeting,
    MeetingAttendance,
    Member,
    RaisedBy,
    Recommendation,
    RecommendationText,
)
from medhome.practices.models import Practice

AT = timezone.make_aware(datetime(2026, 11, 3, 19, 0))


def council(practice: Practice, *, name: str = "Family Advisory Council", network_wide=False):
    return Council.objects.create(
        practice=practice, name=name, network_wide=network_wide, created_on=date(2026, 1, 5)
    )


def member(council: Council, name: str = "Wilhelmina Thistlewood", language: str = "en"):
    return Member.objects.create(
        practice=council.practice,
        council=council,
        name=name,
        language=language,
        reach_by="email",
        contact_detail=f"{name.split()[0].lower()}@example.org",
        consent_given_on=date(2026, 1, 10),
        consent_method="written",
    )


def meeting(council: Council, user, *, held_on: date = date(2026, 11, 3)) -> Meeting:
    return Meeting.objects.create(
        practice=council.practice,
        council=council,
        held_on=held_on,
        format="in_person",
        place="Community room",
        agenda="Waiting times\nEvening hours",
        recorded_by=user,
        recorded_at=AT,
    )


def attended(meeting: Meeting, member: Member, user, amount: str = "50.00") -> MeetingAttendance:
    row = MeetingAttendance.objects.create(
        practice=meeting.practice, meeting=meeting, member=member
    )
    Compensation.objects.create(
        practice=meeting.practice,
        attendance=row,
        amount=Decimal(amount),
        form="gift_card",
        paid_on=meeting.held_on,
        recorded_by=user,
        recorded_at=AT,
    )
    return row


def recommendation(
    council: Council,
    *,
    english: str = "Evening hours on Tuesdays",
    spanish: str | None = "Horario de tarde los martes",
    status: str = "heard",
    answer: str = "",
    answer_es: str = "",
    meeting: Meeting | None = None,
    raised_by: list[Member] = (),  # type: ignore[assignment]
) -> Recommendation:
    row = Recommendation.objects.create(
        practice=council.practice,
        council=council,
        raised_on=meeting.held_on if meeting else date(2026, 11, 3),
        title=english,
        status=status,
        meeting=meeting,
    )
    RecommendationText.objects.create(
        practice=council.practice, recommendation=row, language="en", asked=english, answer=answer
    )
    if spanish is not None:
        RecommendationText.objects.create(
            practice=council.practice,
            recommendation=row,
            language="es",
            asked=spanish,
            answer=answer_es,
        )
    for who in raised_by:
        RaisedBy.objects.create(practice=council.practice, recommendation=row, member=who)
    return row


def council_rows(practice: Practice, user) -> dict:
    """A council of the practice (its own, not network-wide) with one member who came to one
    meeting and raised one recommendation: the rows the URL sweeps fill ids with."""
    own = council(practice)
    who = member(own)
    held = meeting(own, user)
    attended(held, who, user)
    return {
        "council": own,
        "council_member": who,
        "council_meeting": held,
        "recommendation": recommendation(own, meeting=held, raised_by=[who]),
    }
