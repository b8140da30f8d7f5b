"""The rows of the synthetic programs (synth/programs.py), gathered as plain tuples and written
together (rows.Table: COPY on PostgreSQL, executemany on SQLite): enrolments and their steps,
contacts, concrete supports and the referrals that carry them. Each helper writes what the matching
service writes (programs/services.py: offer, enrol, end; programs/contacts.py: record_contact;
supports.note_supports and the referral loop), without the per-row audit and checks — the
generator keeps the rules itself.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from medhome.practices.models import Membership, Practice
from medhome.programs import definitions as d
from medhome.programs.models import (
    ConcreteSupport,
    Contact,
    Enrolment,
    EnrolmentChange,
    Program,
)
from medhome.referrals.models import Referral
from medhome.visits.models import Visit

from . import history_parameters as H
from . import program_phrases as words
from .bulk import new_id
from .measure_history import History, _windows, consent_table, event_table, path_rows
from .rows import Table

SHOW_FAMILY = 0.9  # INVENTED: most strengths are shown to the family


class ChildLike(Protocol):
    id: UUID
    family_id: UUID
    date_of_birth: date
    preferred_language: str
    payer: str


@dataclass(frozen=True)
class Staff:
    """Who delivers the programs here: user ids by role."""

    roles: dict[int, str]  # user id -> role, for a book's giver
    specialists: tuple[int, ...]
    chws: tuple[int, ...]

    @classmethod
    def of(cls, practice: Practice) -> "Staff":
        rows = list(
            Membership.objects.active()
            .filter(practice=practice)
            .order_by("user_id")
            .values_list("user_id", "role")
        )
        return cls(
            roles=dict(rows),
            specialists=tuple(u for u, r in rows if r == "family_specialist"),
            chws=tuple(u for u, r in rows if r == "community_health_worker"),
        )


@dataclass
class Written:
    counts: dict[str, int] = field(default_factory=dict)


def program_fields(key: str) -> dict[str, Any]:
    """The facts of a shipped program as services.add_program copies them onto the row."""
    shipped = d.catalogue()[key]
    return {
        "key": shipped.key,
        "definition": shipped.key,
        "source": shipped.source,
        "min_age_days": shipped.min_age_days,
        "max_age_days": shipped.max_age_days,
        "roles": list(shipped.roles),
        "contact_kinds": list(shipped.contact_kinds),
        "tiers": [
            {
                "key": tier.key,
                "name": str(tier.name),
                "criteria": str(tier.criteria),
                "contact_every_days": tier.contact_every_days,
            }
            for tier in shipped.tiers
        ],
        "universal": shipped.universal,
        "referral_need": shipped.referral_need,
        "contact_every_days": shipped.contact_every_days,
        "serves": list(shipped.serves),
    }


def ensure_programs(practice: Practice, *, at: datetime, rng: Random) -> dict[str, Program]:
    """Every shipped program running in the practice (those it already runs are kept)."""
    have = {p.key: p for p in Program.objects.filter(practice=practice)}
    new = [
        Program(id=new_id(rng), practice=practice, created_at=at, **program_fields(key))
        for key in d.catalogue()
        if key not in have
    ]
    Program.objects.bulk_create(new)
    return {**have, **{p.key: p for p in new}}


def well_child_visits(
    practice: Practice, today: date
) -> dict[Any, list[tuple[date, Any, int | None]]]:
    """Each child's completed well-child visits before `today`: (day, visit id, clinician)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    found: dict[Any, list[tuple[date, Any, int | None]]] = defaultdict(list)
    rows = (
        Visit.objects.filter(practice=practice, kind="well_child", status="completed")
        .order_by("child_id", "starts_at")
        .values_list("child_id", "starts_at", "pk", "clinician_id")
    )
    for child_id, starts, visit_id, clinician in rows.iterator(chunk_size=5000):
        day = starts.astimezone(zone).date()
        if day < today:
            found[child_id].append((day, visit_id, clinician))
    return found


def scheduled_visits(born: date, today: date, rng: Random) -> list[tuple[date, Any, int | None]]:
    """For a population without visit rows: the days of the windows it would have kept."""
    days: list[tuple[date, Any, int | None]] = []
    for _key, opens, nominal, closes, months in _windows(born, today):
        if rng.random() < next(rate for upper, rate in H.ADHERENCE if months < upper):
            day = min(
                closes - timedelta(days=1), max(opens, nominal + timedelta(rng.randint(-7, 20)))
            )
            if day < today:
                days.append((day, None, None))
    return days


class Builder:
    """The rows of one practice's programs, child after child, written together."""

    def __init__(
        self,
        practice: Practice,
        programs: dict[str, Program],
        staff: Staff,
        today: date,
        rng: Random,
        organizations: dict[str, Any],
    ) -> None:
        self.practice, self.programs, self.staff = practice, programs, staff
        self.today, self.rng, self.organizations = today, rng, organizations
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.enrolments = Table(
            Enrolment,
            (
                "id",
                "practice_id",
                "program_id",
                "child_id",
                "status",
                "tier",
                "offered_on",
                "enrolled_on",
                "ended_on",
                "end_reason",
                "agreement",
                "agreed_by_id",
                "staff_id",
                "updated_at",
            ),
        )
        self.changes = Table(
            EnrolmentChange,
            (
                "id",
                "practice_id",
                "enrolment_id",
                "on",
                "recorded_at",
                "by_id",
                "from_status",
                "to_status",
                "from_tier",
                "to_tier",
                "reason",
            ),
        )
        self.contacts = Table(
            Contact,
            (
                "id",
                "practice_id",
                "program_id",
                "enrolment_id",
                "child_id",
                "visit_id",
                "kind",
                "on",
                "recorded_at",
                "staff_id",
                "role",
                "setting",
                "outcome",
                "topics",
                "book_language",
                "goals",
                "strengths",
                "protective_factors",
                "caregiver_id",
                "show_family",
                "note",
            ),
        )
        self.supports = Table(
            ConcreteSupport,
            (
                "id",
                "practice_id",
                "contact_id",
                "child_id",
                "support",
                "referral_id",
                "legal_referral_id",
                "noted_on",
            ),
        )
        self.referrals = Table(
            Referral,
            (
                "id",
                "practice_id",
                "child_id",
                "need",
                "organization_id",
                "status",
                "reason",
                "created_by_id",
                "created_at",
                "requested_at",
                "first_response_at",
                "closed_at",
                "outcome",
                "outcome_note",
                "version",
            ),
            {"priority": "routine", "source": "manual"},
        )
        self.consents = consent_table()
        self.events = event_table()

    # --- small pieces --------------------------------------------------------------------

    def moment(self, day: date) -> datetime:
        if day >= self.today:  # today's contacts: this morning, never later than now
            return datetime.combine(day, time(8, 30), self.zone)
        hour = 8 + self.rng.randint(0, 8)
        return datetime.combine(day, time(hour, 10 * self.rng.randint(0, 5)), self.zone)

    def tables(self) -> list[Table]:
        return [
            self.enrolments,
            self.changes,
            self.referrals,
            self.consents,
            self.events,
            self.contacts,
            self.supports,
        ]

    def flush(self) -> dict[str, int]:
        with transaction.atomic():
            return {table.model.__name__: table.flush() for table in self.tables()}

    def enrolment(
        self,
        key: str,
        child: ChildLike,
        caregiver: Any,
        *,
        status: str,
        offered_on: date,
        by: int,
        enrolled_on: date | None = None,
        tier: str = "",
        ended_on: date | None = None,
        reason: str = "",
        staff: int | None = None,
    ) -> UUID:
        """One enrolment and its steps, as offer/enrol/end write them."""
        enrolment_id = new_id(self.rng)
        last = ended_on or enrolled_on or offered_on
        self.enrolments.add(
            (
                enrolment_id,
                self.practice.pk,
                self.programs[key].pk,
                child.id,
                status,
                tier,
                offered_on,
                enrolled_on,
                ended_on,
                reason,
                "spoken" if enrolled_on else "",
                caregiver if enrolled_on else None,
                staff,
                self.moment(last),
            )
        )
        first = "enrolled" if enrolled_on and enrolled_on == offered_on else "offered"
        self.change(
            enrolment_id, offered_on, by, "", first, "", tier if first == "enrolled" else ""
        )
        if enrolled_on and first == "offered":
            self.change(enrolment_id, enrolled_on, by, "offered", "enrolled", "", tier)
        if ended_on is not None:
            before = "enrolled" if enrolled_on else "offered"
            self.change(enrolment_id, ended_on, by, before, status, tier, tier, reason)
        return enrolment_id

    def change(
        self,
        enrolment_id: UUID,
        on: date,
        by: int,
        old: str,
        new: str,
        old_tier: str,
        new_tier: str,
        reason: str = "",
    ) -> None:
        self.changes.add(
            (
                new_id(self.rng),
                self.practice.pk,
                enrolment_id,
                on,
                self.moment(on),
                by,
                old,
                new,
                old_tier,
                new_tier,
                reason,
            )
        )

    def contact(
        self,
        key: str,
        child: ChildLike,
        enrolment_id: UUID | None,
        kind: str,
        on: date,
        staff: int,
        *,
        visit: Any = None,
        setting: str = "",
        outcome: str = "",
        topics: Iterable[str] = (),
        book_language: str = "",
        goals: str = "",
        strengths: bool = False,
        caregiver: Any = None,
        note: str = "",
        role: str = "",
    ) -> UUID:
        contact_id = new_id(self.rng)
        text, factors = self.rng.choice(words.STRENGTHS) if strengths else ("", ())
        self.contacts.add(
            (
                contact_id,
                self.practice.pk,
                self.programs[key].pk,
                enrolment_id,
                child.id,
                visit,
                kind,
                on,
                self.moment(on),
                staff,
                role or self.staff.roles.get(staff, ""),
                setting,
                outcome,
                json.dumps(sorted(set(topics))),
                book_language,
                goals,
                text,
                json.dumps(list(factors)),
                caregiver if strengths else None,
                self.rng.random() < SHOW_FAMILY,
                note,
            )
        )
        return contact_id

    def support(
        self, child: ChildLike, contact_id: UUID, on: date, support: str, *, by: int, caregiver: Any
    ) -> str:
        """A concrete support named at a contact and, where the directory has an organization
        for its need and a caregiver consented, the referral that carries it (a fate of the
        loop as in measure_history; what has not happened by `today` is still open)."""
        need = d.SUPPORT_NEEDS[support]
        organization = self.organizations.get(need)
        referral_id = None
        fate = "not_referred"
        if organization is not None and caregiver is not None:
            referral_id = new_id(self.rng)
            fate = self.referral(child, referral_id, need, organization, on, support, by, caregiver)
        self.supports.add(
            (
                new_id(self.rng),
                self.practice.pk,
                contact_id,
                child.id,
                support,
                referral_id,
                None,
                on,
            )
        )
        return fate

    def referral(
        self,
        child: ChildLike,
        referral_id: UUID,
        need: str,
        organization: Any,
        on: date,
        support: str,
        by: int,
        caregiver: Any,
    ) -> str:
        rng, today = self.rng, self.today
        sent = self.moment(on) + timedelta(minutes=30)
        draw = rng.random()
        fate = next(name for share, name in H.REFERRAL_FATE if draw < share)
        responded = sent + timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 6))
        ended = responded + timedelta(days=rng.randint(2, 45))
        if fate == "rejected":
            ended = responded
        elif fate == "cancelled":
            ended = sent + timedelta(days=rng.randint(3, 40))
        if ended.date() >= today:
            fate = "accepted" if responded.date() < today and fate != "cancelled" else "requested"
        if fate == "accepted" and responded.date() >= today:
            fate = "requested"
        steps = History.steps(fate, sent, responded, ended)
        outcome = rng.choice(H.REFERRAL_OUTCOMES) if fate == "completed" else ""
        self.referrals.add(
            (
                referral_id,
                self.practice.pk,
                child.id,
                need,
                organization,
                fate,
                f"{d.SUPPORTS[support]} (named at a program contact).",
                by,
                sent,
                sent,
                responded if fate not in ("requested", "cancelled") else None,
                ended if fate in ("rejected", "completed", "failed", "cancelled") else None,
                outcome,
                "Synthetic outcome." if outcome else "",
                len(steps) + 1,
            )
        )
        self.consents.add(
            (new_id(rng), self.practice.pk, referral_id, caregiver, organization, by, sent)
        )
        for row in path_rows(referral_id, sent, by, steps, lambda: new_id(rng)):
            self.events.add(row)
        return fate
