"""The demo's family advisory council, recorded through the council's services: seven invented
parents and caregivers (English and Spanish speakers), three meetings in the autumn with what each
was paid for their time, and four recommendations in English and Spanish — one of them, group
visits in Spanish on weekday evenings, in progress (the improvement cycle the demo links to it).
Idempotent: a practice that already has the demo council gets it back unchanged."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from medhome.accounts.roles import Role, capabilities_of
from medhome.core.actor import Actor
from medhome.council import services
from medhome.council.models import Council, Recommendation
from medhome.council.models import RecommendationStatus as S
from medhome.practices.models import Membership, Practice

COUNCIL_NAME = "Family Advisory Council"
STORY_TITLE = "Group visits in Spanish on weekday evenings"
# (name they want used, language, how to reach them, detail): all invented.
MEMBERS = [
    ("Yesenia R.", "es", "text", "+15555550101"),
    ("Carmen Tovar", "es", "call", "+15555550102"),
    ("Luz Elena", "es", "text", "+15555550103"),
    ("Ana Lucía P.", "es", "in_person", ""),
    ("Keisha W.", "en", "email", "keisha.w@example.org"),
    ("Dana Park", "en", "text", "+15555550105"),
    ("Tom H.", "en", "email", "tom.h@example.org"),
]
# Days before the demo's today, and what was paid: a $50 gift card each (CSSP's "Common
# Threads": families are paid for their time), child care or a ride for some.
MEETINGS = [
    (91, "in_person", "Community room, 2nd floor", "Welcome and ground rules\nWaiting times"),
    (63, "video", "Video call (link sent by text)", "Reminders and language\nEvening hours"),
    (28, "both", "Community room and video", "Group visits\nWhat we heard back"),
]
RECOMMENDATIONS = [
    # (meeting index, English ask, Spanish ask, moves, English answer, Spanish answer)
    (
        0,
        "Text reminders in Spanish, not only in English",
        "Recordatorios por mensaje de texto en español, no solo en inglés",
        [S.UNDER_REVIEW, S.IN_PROGRESS, S.DONE],
        "Since October every visit reminder goes in the language each family chose.",
        "Desde octubre, cada recordatorio de cita llega en el idioma que eligió la familia.",
    ),
    (
        1,
        "Open on Saturday mornings",
        "Abrir los sábados por la mañana",
        [S.UNDER_REVIEW, S.NOT_ADOPTED],
        "We cannot staff Saturdays this year; instead we added evening visits on Tuesdays.",
        "Este año no tenemos personal para los sábados; en su lugar abrimos citas los martes"
        " por la tarde.",
    ),
    (
        2,
        STORY_TITLE,
        "Visitas en grupo en español entre semana por la tarde",
        [S.UNDER_REVIEW, S.IN_PROGRESS],
        "We are starting a Spanish-speaking group for babies born this winter, on Tuesday"
        " evenings; we will tell you how it goes.",
        "Estamos formando un grupo en español para bebés nacidos este invierno, los martes por"
        " la tarde; les contaremos cómo va.",
    ),
    (
        2,
        "A quiet corner for feeding babies",
        "Un rincón tranquilo para alimentar al bebé",
        [S.UNDER_REVIEW],
        "",
        "",
    ),
]


@dataclass(frozen=True)
class CouncilDemo:
    council: Council
    recommendation: Recommendation  # the one in progress that the improvement cycle answers
    summary: str  # plain text, printable


def _actor(practice: Practice) -> Actor:
    membership = (
        Membership.objects.filter(
            practice=practice,
            role__in=[Role.PARENT_PARTNER, Role.CARE_COORDINATOR, Role.PRACTICE_ADMIN],
            is_active=True,
        )
        .select_related("user")
        .order_by("role", "user__username")
        .first()
    )
    if membership is None:
        raise ValueError("the demo council needs a coordinator, admin or parent partner")
    return Actor(
        user=membership.user,
        practice=practice,
        role=membership.role,
        capabilities=capabilities_of(membership.role),
    )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(19, 0)))


def summary_of(council: Council) -> str:
    """The council in a few printable lines: members, meetings, payments, recommendations."""
    members = list(council.members.all())
    current = [m for m in members if not m.has_withdrawn]
    languages = sorted({m.language for m in current})
    lines = [
        f"{council.name} ({council.practice.name})",
        f"Members: {len(current)} current ({', '.join(languages)}),"
        f" {len(members) - len(current)} former",
    ]
    for meeting in council.meetings.order_by("held_on"):
        paid = sum(
            (a.compensation.amount for a in meeting.attendance.select_related("compensation")),
            Decimal(0),
        )
        lines.append(
            f"Meeting {meeting.held_on}: {meeting.attendance.count()} came, {paid} USD paid;"
            f" {'; '.join(meeting.topics)}"
        )
    for recommendation in council.recommendations.order_by("raised_on", "title"):
        lines.append(f"[{recommendation.get_status_display()}] {recommendation.title}")
    return "\n".join(lines)


def add_council_demo(practice: Practice, today: date) -> CouncilDemo:
    existing = Council.objects.filter(practice=practice, name=COUNCIL_NAME).first()
    if existing is not None:
        return CouncilDemo(
            existing, existing.recommendations.get(title=STORY_TITLE), summary_of(existing)
        )
    actor = _actor(practice)
    started = today - timedelta(days=120)
    council = services.start_council(
        actor=actor, name=COUNCIL_NAME, network_wide=False, started_on=started, at=_at(started)
    )
    members = [
        services.add_member(
            actor=actor,
            council=council,
            name=name,
            language=language,
            reach_by=reach_by,
            contact_detail=detail,
            consent_given_on=started + timedelta(days=index),
            consent_method="written",
            caregiver=None,
            today=today,
            at=_at(started),
        )
        for index, (name, language, reach_by, detail) in enumerate(MEMBERS)
    ]
    meetings = []
    for number, (days_ago, fmt, place, agenda) in enumerate(MEETINGS):
        held_on = today - timedelta(days=days_ago)
        came = [m for i, m in enumerate(members) if (i + number) % 7 != 6]  # one misses each
        attended = [
            services.Attended(member=m, amount=Decimal("50.00"), form="gift_card", paid_on=held_on)
            for m in came
        ]
        meetings.append(
            services.record_meeting(
                actor=actor,
                council=council,
                held_on=held_on,
                format=fmt,
                place=place,
                agenda=agenda,
                attended=attended,
                today=today,
                at=_at(held_on),
            )
        )
    story: Recommendation | None = None
    for meeting_index, english, spanish, moves, answer_en, answer_es in RECOMMENDATIONS:
        meeting = meetings[meeting_index]
        recommendation = services.raise_recommendation(
            actor=actor,
            council=council,
            raised_on=meeting.held_on,
            meeting=meeting,
            raised_by=[m for m in members if m.language == "es"][:2],
            texts=[
                services.Text("en", english, answer_en),
                services.Text("es", spanish, answer_es),
            ],
            today=today,
            at=_at(meeting.held_on),
        )
        for step, status in enumerate(moves, start=1):
            recommendation = services.change_status(
                actor=actor,
                recommendation=recommendation,
                to=status,
                at=_at(min(meeting.held_on + timedelta(days=7 * step), today)),
            )
        if english == STORY_TITLE:
            story = recommendation
    assert story is not None
    return CouncilDemo(council, story, summary_of(council))
