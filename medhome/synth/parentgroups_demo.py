"""The demo practice's parent groups, made through the real services: a parent partner on the
team (a demo login like every other: parent.partner@<practice>.demo, the demo password), a
Spanish parent circle they lead, a bilingual reading group, a fathers' group online — each with
meetings three weeks back to two weeks ahead, caregivers signed up (one from the family's own
link) and who came to the meetings held. Nothing clinical, and all of it invented.
Idempotent: a practice that already has parent groups is only summarised.
"""

from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medhome.accounts.models import User
from medhome.accounts.roles import Role, capabilities_of
from medhome.core.actor import Actor
from medhome.families.models import Caregiver
from medhome.parentgroups import services
from medhome.parentgroups.models import Meeting, MeetingAttendance, ParentGroup, SignUp
from medhome.practices.models import Membership, Practice

PARTNER_LOGIN = "parent.partner"
# (first, last) of the demo parent partner per practice domain; synthetic names.
PARTNER_NAMES = {"riverside.demo": ("Yesenia", "Morales"), "eastside.demo": ("Darnell", "Brooks")}
# Meetings relative to the demo's today (days) at the local hour: three held, two to come.
MEETING_DAYS = (-21, -14, -7, 7, 14)
GROUPS: tuple[dict[str, Any], ...] = (
    {
        "kind": "parent_circle",
        "name": "Círculo de mamás y papás",
        "languages": ["es"],
        "description": "Un espacio para conversar entre padres sobre la crianza, con café y "
        "cuidado de niños. Todos son bienvenidos.",
        "place": "Sala comunitaria, primer piso",
        "capacity": 12,
        "hour": 10,
        "topics": (["sueño", "rutinas"], ["juego"], ["comidas en familia"], ["berrinches"], []),
        "who": "es",
        "how_many": 7,
    },
    {
        "kind": "reading_group",
        "name": "Story time · Hora del cuento",
        "languages": ["en", "es"],
        "description": "Read aloud together with your little one; every family takes a book "
        "home. / Leamos juntos en voz alta; cada familia se lleva un libro.",
        "place": "Waiting room reading corner",
        "capacity": 10,
        "hour": 16,
        "topics": (["first books"], ["songs and rhymes"], ["library cards"], ["bedtime"], []),
        "who": "any",
        "how_many": 6,
    },
    {
        "kind": "fathers_group",
        "name": "Dads' evening",
        "languages": ["en"],
        "description": "Fathers and father figures talk about being a dad. Online, cameras "
        "optional.",
        "video_link": "https://video.example.org/harbor-dads",
        "capacity": 8,
        "hour": 19,
        "topics": (["being a new dad"], ["work and family"], ["play"], ["co-parenting"], []),
        "who": "father",
        "how_many": 4,
    },
)


def _domain(practice: Practice) -> str:
    """The practice's demo login domain, read from its own staff (admin@riverside.demo)."""
    names = (
        Membership.objects.filter(practice=practice, user__username__contains="@")
        .exclude(user__username__endswith="@harbor.demo")
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
    for name in names:
        return name.split("@", 1)[1]
    return f"{practice.name.split()[0].lower()}.demo"


def _partner(practice: Practice) -> User:
    domain = _domain(practice)
    username = f"{PARTNER_LOGIN}@{domain}"
    user = User.objects.filter(username=username).first()
    if user is None:
        first, last = PARTNER_NAMES.get(domain, ("Jordan", "Rivera"))
        user = User(
            username=username,
            email=username,
            first_name=first,
            last_name=last,
            display_name=f"{first} {last}",
            credentials="",
        )
        user.set_password(settings.MEDHOME_DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(
        user=user, practice=practice, defaults={"role": Role.PARENT_PARTNER}
    )
    return user


def _actor(user: User, practice: Practice, role: str) -> Actor:
    return Actor(user=user, practice=practice, role=role, capabilities=capabilities_of(role))


def _caregivers(practice: Practice, who: str, count: int, taken: set) -> list[Caregiver]:
    rows = Caregiver.objects.filter(practice=practice).exclude(pk__in=taken).order_by("pk")
    if who == "es":
        rows = rows.filter(preferred_language="es")
    elif who == "father":
        rows = rows.filter(relationship="father")
    chosen = list(rows[:count])
    taken.update(c.pk for c in chosen)
    return chosen


def _at(today: date, days: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))


def summary(practice: Practice) -> str:
    lines = [f"Parent groups of {practice.name}:"]
    groups = ParentGroup.objects.filter(practice=practice).select_related("leader")
    for group in groups.order_by("name"):
        live = SignUp.objects.filter(group=group, withdrawn_at__isnull=True).count()
        meetings = Meeting.objects.filter(group=group).count()
        came = MeetingAttendance.objects.filter(meeting__group=group, attended=True).count()
        lines.append(
            f"  {group.name} ({group.kind_label}, {', '.join(group.languages)}; "
            f"led by {group.leader.username}): {live}/{group.capacity} signed up, "
            f"{meetings} meetings, {came} attendances"
        )
    return "\n".join(lines)


@transaction.atomic
def add_parentgroups_demo(practice: Practice, today: date) -> str:
    """The parent partner, three groups and their meetings; returns a printable summary."""
    if ParentGroup.objects.filter(practice=practice).exists():
        return summary(practice)
    partner = _partner(practice)
    now = _at(today, 0, 12)
    actor = _actor(partner, practice, Role.PARENT_PARTNER)
    chw = (
        Membership.objects.filter(practice=practice, role=Role.COMMUNITY_HEALTH_WORKER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    rng = Random(f"parentgroups:{practice.pk}:{today.isoformat()}")
    taken: set = set()
    # The circle and the fathers' group choose first: the reading group takes anyone left.
    chosen = {
        spec["name"]: _caregivers(practice, spec["who"], spec["how_many"], taken)
        for spec in sorted(GROUPS, key=lambda spec: spec["who"] == "any")
    }
    for spec in GROUPS:
        # The reading group is led by the practice's CHW when there is one: staff lead too.
        leader = chw.user if chw and spec["kind"] == "reading_group" else partner
        group = services.create_group(
            actor=actor,
            values=services.GroupValues(
                kind=spec["kind"],
                name=spec["name"],
                languages=spec["languages"],
                description=spec["description"],
                leader=leader,
                place=spec.get("place", ""),
                video_link=spec.get("video_link", ""),
                capacity=spec["capacity"],
            ),
            at=now - timedelta(days=35),
        )
        people = chosen[spec["name"]]
        for index, caregiver in enumerate(people):
            signed_at = now - timedelta(days=30 - index)
            if index == 0 and spec["who"] == "es":
                # One mother signed up herself from the groups link the partner sent her.
                link, _token = services.send_groups_link(
                    actor=actor, caregiver=caregiver, at=signed_at
                )
                services.family_sign_up(link=link, group_id=group.pk, at=signed_at)
            else:
                services.sign_up(actor=actor, group=group, caregiver=caregiver, at=signed_at)
        meetings = [
            services.add_meeting(
                actor=actor,
                group=group,
                starts_at=_at(today, days, spec["hour"]),
                duration_minutes=90 if spec["kind"] != "reading_group" else 45,
                topics=topics,
                at=now - timedelta(days=35),
            )
            for days, topics in zip(MEETING_DAYS, spec["topics"], strict=True)
        ]
        for meeting in meetings:
            if meeting.starts_at < now and people:
                services.record_attendance(
                    actor=actor,
                    meeting=meeting,
                    marks={c.pk: rng.random() < 0.75 for c in people},
                    at=now,
                )
    return summary(practice)
