"""The demo's parent partner at work (docs/clinical-rules.md#parent-partners): the practice's own
program that parent partners deliver — "Parent to parent", for families with a child under 3 —
and a few families on the practice's parent partner's caseload, Spanish-speaking ones first, each
enrolled through the real services; most with a first contact and what the parent is doing well,
one never contacted (due), one last reached weeks ago (overdue). So the parent partner's login
lands on a caseload with something to do and opens a family page without the chart.
Idempotent: a practice that has the program is left alone. All of it invented.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from medhome.accounts.roles import Role, capabilities_of
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice
from medhome.programs import contacts as program_contacts
from medhome.programs import services as programs
from medhome.programs.definitions import years
from medhome.programs.models import Program

KEY = "parent-to-parent"
FAMILIES = 6
# Days since each family's enrolment and since its last contact (None: never contacted).
HISTORY = [(40, 3), (35, 10), (30, None), (60, 45), (20, 6), (15, 2)]
STRENGTHS = [
    "Mamá sabe calmar al bebé con canciones de cuna.",
    "Dad takes the baby to the library's story time every Saturday.",
    "",
    "Grandmother and mother share the night feeds and plan together.",
    "Asked other parents in the group for ideas about sleep.",
    "Keeps a notebook of questions for the visits.",
]


def _actor(practice: Practice, role: str) -> Actor | None:
    membership = (
        Membership.objects.active()
        .filter(practice=practice, role=role)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        return None
    return Actor(
        user=membership.user, practice=practice, role=role, capabilities=capabilities_of(role)
    )


def _families(practice: Practice, today: date) -> list[Child]:
    """One child per family, 2 months to 2½ years old, Spanish-speaking families first."""
    children = Child.objects.filter(
        practice=practice,
        date_of_birth__lte=today - timedelta(days=120),
        date_of_birth__gt=today - timedelta(days=900),
    ).order_by("pk")
    chosen: dict[object, Child] = {}
    for child in sorted(children, key=lambda c: c.preferred_language != "es"):
        chosen.setdefault(child.family_id, child)
        if len(chosen) == FAMILIES:
            break
    return list(chosen.values())


def add_parent_partner_demo(practice: Practice, today: date) -> Program | None:
    """The program and the parent partner's caseload (None without a parent partner or an
    admin in the practice)."""
    existing = Program.objects.filter(practice=practice, key=KEY).first()
    if existing is not None:
        return existing
    admin = _actor(practice, Role.PRACTICE_ADMIN)
    partner = _actor(practice, Role.PARENT_PARTNER)
    if admin is None or partner is None:
        return None
    at = timezone.make_aware(datetime.combine(today, time(12)))
    with transaction.atomic():
        program = programs.add_own_program(
            actor=admin,
            key=KEY,
            fields={
                "name": "Parent to parent",
                "summary": "A parent partner who has raised children here walks with the family: "
                "calls, groups, finding what they need.",
                "roles": [Role.PARENT_PARTNER],
                "min_age_days": 0,
                "max_age_days": years(3),
                "contact_every_days": 30,
            },
            at=at,
        )
        for child, (enrolled, last), words in zip(
            _families(practice, today), HISTORY, STRENGTHS, strict=False
        ):
            programs.enrol(
                actor=partner,
                program=program,
                child=child,
                on=today - timedelta(days=enrolled),
                at=at,
                agreement="spoken",
                staff=partner.user,
            )
            if last is not None:
                program_contacts.record_contact(
                    actor=partner,
                    program=program,
                    child=child,
                    kind="contact",
                    on=today - timedelta(days=last),
                    at=at,
                    setting="phone",
                    strengths=words,
                    protective_factors=["social_connections"],
                )
    return program
