"""Histories for the quality measures, at scale: well-child (and sick) visits, the screens given
at them, and referrals after some positive screens — as plain rows (rows.Table), written by
COPY on PostgreSQL and executemany on SQLite, a chunk of children at a time.

What a child gets (rates in history_parameters; INVENTED data with invented disparities):
- well-child visits on the periodicity schedule, each window kept with an age-, payer- and
  language-dependent adherence (visit_history's rule, made faster: windows per date of birth
  are computed once); sick visits from `sick_from`;
- at the 1-, 2-, 4- and 6-month visits a caregiver EPDS; at 9, 18 and 30 months a general
  developmental screen (ASQ-3, or SWYC Milestones where the practice uses SWYC); at 18 and 24
  months an M-CHAT-R; at any well-child visit sometimes a social-needs screen (AHC HRSN core,
  or the Hunger Vital Sign). Results are real scored results (screen_pool);
- after some positives a referral (food, housing, transportation, utilities, mental health,
  early intervention) with the family's consent, its events, and a mix of fates: no answer
  yet, declined, accepted and still open, completed with an outcome, failed, cancelled.

Pure given its inputs: the same children, seed and as-of date give the same rows.
"""

import uuid
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from random import Random
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.models import RowCompletion
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import windows_for
from medhome.referrals.models import Referral, ReferralConsent, ReferralEvent
from medhome.screening.models import Administration
from medhome.visits.models import Visit

from . import history_parameters as H
from .rows import Table
from .screen_pool import Result, pick

CHUNK = 20_000  # children per write
EPDS_VISITS = ("1mo", "2mo", "4mo", "6mo")
DEV_VISITS = {"9mo": 9, "18mo": 18, "30mo": 30}
MCHAT_VISITS = ("18mo", "24mo")
SCREEN_LANGUAGES = ("en", "es")  # forms given in the family's language; others with an interpreter
SHARED_ITEMS = '["name", "contact", "language", "need"]'


@dataclass(frozen=True)
class ChildFacts:
    """What the history of one child depends on."""

    id: uuid.UUID
    practice_id: uuid.UUID
    date_of_birth: date
    payer: str
    language: str
    clinician_id: int | None
    caregiver_id: uuid.UUID | None


@dataclass
class Settings:
    """One run: the as-of date, how far back, who refers to whom."""

    as_of: date
    created_at: datetime
    history_from: date | None = None  # well-child visits from this date (None: since birth)
    sick_from: date | None = None  # sick visits from this date (None: none)
    completions: bool = True  # RowCompletion rows for the visits (the due lists read them)
    # Referrals: need -> organization id, and the staff user who sends them, per practice.
    organizations: dict[str, uuid.UUID] = field(default_factory=dict)
    sender: dict[uuid.UUID, int] = field(default_factory=dict)
    swyc_practices: frozenset[uuid.UUID] = frozenset()
    practice_factor: dict[uuid.UUID, float] = field(default_factory=dict)
    write_seconds: float = 0.0  # filled by write_histories: time spent writing


@cache
def _windows(born: date, as_of: date) -> tuple[tuple[str, date, date, date, int], ...]:
    """(visit key, opens, nominal, closes, months) of the windows opened before `as_of` (a
    visit in a window still open counts if its day is before `as_of`)."""
    found = []
    for visit, window in windows_for(born, schedule=current_schedule(as_of)):
        if window.opens >= as_of:
            break
        months = (window.nominal.year - born.year) * 12 + window.nominal.month - born.month
        found.append((visit.key, window.opens, window.nominal, window.closes, months))
    return tuple(found)


def _rate(table: tuple[tuple[int, float], ...], months: int) -> float:
    return next(rate for upper, rate in table if months < upper)


def _uuid(rng: Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Writer:
    """The tables one run fills, flushed together."""

    def __init__(self, run: Settings) -> None:
        self.run = run
        self.visits = Table(
            Visit,
            ("id", "practice_id", "child_id", "clinician_id", "starts_at", "kind", "modality"),
            {"status": "completed", "created_at": run.created_at, "site_id": None},
        )
        self.completions = Table(
            RowCompletion,
            ("id", "practice_id", "child_id", "visit_key", "done_on", "source_id"),
            {
                "row": VISIT_ROW,
                "source": "visit",
                "schedule_version": current_schedule(run.as_of).version,
                "recorded_at": run.created_at,
            },
        )
        self.screens = Table(
            Administration,
            (
                "id",
                "practice_id",
                "child_id",
                "instrument_key",
                "instrument_version",
                "mode",
                "respondent",
                "caregiver_id",
                "language",
                "answers",
                "started_at",
                "updated_at",
                "submitted_at",
                "administered_on",
                "visit_key",
                "form_age_months",
                "total",
                "subscores",
                "band",
                "positive",
                "next_step",
                "positive_domains",
                "cpt",
                "icd10",
            ),
            {"status": "scored", "critical": []},
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
                "source_administration_id",
                "created_by_id",
                "created_at",
                "requested_at",
                "first_response_at",
                "closed_at",
                "outcome",
                "outcome_note",
                "version",
            ),
            {
                "priority": "routine",
                "reason": "Synthetic history: referral after a positive screen.",
                "source": "screening",
            },
        )
        self.consents = consent_table()
        self.events = event_table()

    def tables(self) -> list[Table]:
        return [
            self.visits,
            self.completions,
            self.screens,
            self.referrals,
            self.consents,
            self.events,
        ]

    def flush(self) -> dict[str, int]:
        return {t.model.__name__: t.flush() for t in self.tables()}


class History:
    """Builds the rows of one child after another into a Writer."""

    def __init__(self, run: Settings, rng: Random, writer: Writer) -> None:
        self.run, self.rng, self.out = run, rng, writer
        self.zone = ZoneInfo(settings.TIME_ZONE)

    def moment(self, day: date) -> datetime:
        return datetime.combine(
            day, time(8 + self.rng.randint(0, 8), 20 * self.rng.randint(0, 2)), self.zone
        )

    def screen_factor(self, child: ChildFacts) -> float:
        language = H.LANGUAGE_SCREEN_FACTOR.get(child.language, H.OTHER_LANGUAGE_SCREEN_FACTOR)
        payer = H.PAYER_SCREEN_FACTOR.get(child.payer, H.UNINSURED_SCREEN_FACTOR)
        return language * payer * self.run.practice_factor.get(child.practice_id, 1.0)

    def child(self, child: ChildFacts) -> None:
        rng, run = self.rng, self.run
        penalty = H.PAYER_VISIT_PENALTY.get(child.payer, 0.0)
        if child.language != "en":
            penalty += H.LANGUAGE_VISIT_PENALTY
        factor = self.screen_factor(child)
        for key, opens, nominal, closes, months in _windows(child.date_of_birth, run.as_of):
            if run.history_from is not None and closes <= run.history_from:
                continue
            if rng.random() > _rate(H.ADHERENCE, months) - penalty:
                continue
            day = min(
                closes - timedelta(days=1),
                max(opens, nominal + timedelta(days=rng.randint(-10, 25))),
            )
            if day >= run.as_of:
                continue
            visit_id = _uuid(rng)
            starts = self.moment(day)
            self.out.visits.add(
                (
                    visit_id,
                    child.practice_id,
                    child.id,
                    child.clinician_id,
                    starts,
                    "well_child",
                    "in_person",
                )
            )
            if run.completions:
                self.out.completions.add(
                    (_uuid(rng), child.practice_id, child.id, key, day, visit_id)
                )
            self.screens_at(child, key, day, starts, factor)
        if run.sick_from is not None:
            self.sick_visits(child)

    def sick_visits(self, child: ChildFacts) -> None:
        rng = self.rng
        day = max(
            child.date_of_birth + timedelta(days=30), self.run.sick_from or child.date_of_birth
        )
        while True:
            months = (day - child.date_of_birth).days // 30
            day += timedelta(
                days=int(rng.expovariate(_rate(H.SICK_VISITS_PER_YEAR, months) / 365)) + 1
            )
            if day >= self.run.as_of:
                return
            modality = "video" if rng.random() < H.VIDEO_SHARE else "in_person"
            self.out.visits.add(
                (
                    _uuid(rng),
                    child.practice_id,
                    child.id,
                    child.clinician_id,
                    self.moment(day),
                    "sick",
                    modality,
                )
            )

    def screens_at(
        self, child: ChildFacts, key: str, day: date, starts: datetime, factor: float
    ) -> None:
        rng = self.rng
        positive_payer = child.payer if child.payer in H.EPDS_POSITIVE else H.DEFAULT_POSITIVE_PAYER
        if key in EPDS_VISITS and rng.random() < H.SCREEN_RATE["caregiver_depression"] * factor:
            wanted = "positive" if rng.random() < H.EPDS_POSITIVE[positive_payer] else "negative"
            result = pick(rng, "epds", wanted)
            self.screen(
                child, result, key, day, starts, None, ("mental_health",) if result.positive else ()
            )
        if key in DEV_VISITS and rng.random() < H.SCREEN_RATE["developmental"] * factor:
            wanted = "positive" if rng.random() < H.DEV_POSITIVE else "negative"
            form = DEV_VISITS[key]
            if child.practice_id in self.run.swyc_practices:
                result = pick(rng, f"swyc_milestones_{form}", wanted, form)
            else:
                result = pick(rng, "asq3", wanted)
            needs = ("early_intervention",) if result.positive else ()
            self.screen(child, result, key, day, starts, form, needs)
        if key in MCHAT_VISITS and rng.random() < H.SCREEN_RATE["autism"] * factor:
            draw = rng.random()
            wanted = (
                "high"
                if draw < H.MCHAT_HIGH
                else "medium"
                if draw < H.MCHAT_HIGH + H.MCHAT_MEDIUM
                else "low"
            )
            result = pick(rng, "mchat_r", wanted)
            needs = ("early_intervention",) if result.band in ("medium", "high") else ()
            self.screen(child, result, key, day, starts, None, needs)
        if rng.random() < H.SCREEN_RATE["social_needs"] * factor:
            food = H.FOOD_INSECURE[positive_payer]
            domains = [d for d in ("food",) if rng.random() < food]
            domains += [d for d, ratio in H.DOMAIN_RATIO.items() if rng.random() < food * ratio]
            if rng.random() < H.AHC_SHARE:
                result = pick(rng, "ahc_hrsn", "+".join(sorted(domains)))
            else:
                result = pick(rng, "hvs", "positive" if "food" in domains else "negative")
            self.screen(child, result, key, day, starts, None, result.positive_domains)

    def screen(
        self,
        child: ChildFacts,
        result: Result,
        key: str,
        day: date,
        starts: datetime,
        form: int | None,
        needs: Iterable[str],
    ) -> None:
        screen_id = _uuid(self.rng)
        language = child.language if child.language in SCREEN_LANGUAGES else "en"
        caregiver = child.caregiver_id if result.respondent == "caregiver" else None
        self.out.screens.add(
            (
                screen_id,
                child.practice_id,
                child.id,
                result.instrument_key,
                result.instrument_version,
                result.mode,
                result.respondent,
                caregiver,
                language,
                result.answers,
                starts,
                starts,
                starts,
                day,
                key,
                form,
                result.total,
                result.subscores,
                result.band,
                result.positive,
                result.next_step,
                result.positive_domains_json,
                result.cpt,
                result.icd10,
            )
        )
        for need in needs:
            rate = H.REFERRAL_RATE.get(need, 0.0)
            if child.language != "en":
                rate *= H.REFERRAL_LANGUAGE_FACTOR
            if need in self.run.organizations and self.rng.random() < rate:
                self.referral(child, need, screen_id, starts)

    def referral(
        self, child: ChildFacts, need: str, screen_id: uuid.UUID, screened: datetime
    ) -> None:
        rng, as_of = self.rng, self.run.as_of
        sender = self.run.sender.get(child.practice_id)
        if sender is None or child.caregiver_id is None:
            return
        draw = rng.random()
        delay = next(days for share, days in H.REFERRAL_DELAY_DAYS if draw < share)
        sent = screened + timedelta(days=rng.randint(0, delay), minutes=30)
        if sent.date() >= as_of:
            return
        draw = rng.random()
        fate = next(name for share, name in H.REFERRAL_FATE if draw < share)
        if (
            fate == "completed"
            and child.language != "en"
            and rng.random() < H.LANGUAGE_FAILED_SHARE
        ):
            fate = "failed"
        responded = sent + timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 6))
        ended = responded + timedelta(days=rng.randint(2, 45))
        if fate == "rejected":
            ended = responded
        elif fate == "cancelled":
            ended = sent + timedelta(days=rng.randint(3, 40))
        # What has not happened by the as-of date has not happened yet: the loop is still open.
        if ended.date() >= as_of:
            fate = "accepted" if responded.date() < as_of and fate != "cancelled" else "requested"
        if fate == "accepted" and responded.date() >= as_of:
            fate = "requested"
        steps = self.steps(fate, sent, responded, ended)
        referral_id = _uuid(rng)
        organization = self.run.organizations[need]
        outcome = rng.choice(H.REFERRAL_OUTCOMES) if fate == "completed" else ""
        first_response = responded if fate not in ("requested", "cancelled") else None
        closed = ended if fate in ("rejected", "completed", "failed", "cancelled") else None
        self.out.referrals.add(
            (
                referral_id,
                child.practice_id,
                child.id,
                need,
                organization,
                fate,
                screen_id,
                sender,
                screened,
                sent,
                first_response,
                closed,
                outcome,
                "Synthetic outcome." if outcome else "",
                len(steps) + 1,
            )
        )
        self.out.consents.add(
            (
                _uuid(rng),
                child.practice_id,
                referral_id,
                child.caregiver_id,
                organization,
                sender,
                sent,
            )
        )
        for row in path_rows(referral_id, screened, sender, steps, lambda: _uuid(rng)):
            self.out.events.add(row)

    @staticmethod
    def steps(
        fate: str, sent: datetime, responded: datetime, ended: datetime
    ) -> list[tuple[str, str, datetime, str]]:
        steps = [("draft", "requested", sent, "practice")]
        if fate == "requested":
            return steps
        if fate == "cancelled":
            return [*steps, ("requested", "cancelled", ended, "practice")]
        if fate == "rejected":
            return [*steps, ("requested", "rejected", responded, "organization")]
        steps.append(("requested", "accepted", responded, "organization"))
        if fate == "accepted":
            return steps
        if fate == "in_progress":
            return [
                *steps,
                ("accepted", "in_progress", responded + timedelta(days=1), "organization"),
            ]
        return [*steps, ("accepted", fate, ended, "organization")]


def write_histories(
    children: Iterable[ChildFacts], run: Settings, *, seed: str, chunk: int = CHUNK
) -> dict[str, int]:
    """Generate and write, `chunk` children at a time; returns rows written per table."""
    rng = Random(f"medhome-synth:measure-history:{seed}")
    writer = Writer(run)
    history = History(run, rng, writer)
    written: dict[str, int] = {}
    writing = 0.0
    for n, child in enumerate(children, start=1):
        history.child(child)
        if n % chunk == 0:
            began = perf_counter()
            _add(written, writer.flush())
            writing += perf_counter() - began
    began = perf_counter()
    _add(written, writer.flush())
    run.write_seconds = writing + perf_counter() - began
    return written


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for name, count in more.items():
        total[name] = total.get(name, 0) + count


def facts_of(children: Iterable[Any], first_caregiver: dict[Any, Any]) -> Iterator[ChildFacts]:
    """ChildFacts from Child rows (instances) and each family's first caregiver id."""
    for c in children:
        yield ChildFacts(
            c.id,
            c.practice_id,
            c.date_of_birth,
            c.payer,
            c.preferred_language,
            c.primary_clinician_id,
            first_caregiver.get(c.family_id),
        )


def practice_choices(practice_ids: list[uuid.UUID], rng: Random) -> tuple[frozenset, dict]:
    """Which practices use SWYC for developmental screening, and each one's screening factor."""
    low, high = H.PRACTICE_SCREEN_FACTOR
    swyc = frozenset(p for p in practice_ids if rng.random() < H.SWYC_PRACTICE_SHARE)
    return swyc, {p: rng.uniform(low, high) for p in practice_ids}


def position(sorted_days: list[date], day: date) -> int:
    return bisect_left(sorted_days, day)


def consent_table() -> Table:
    """The verbal consent every synthetic referral carries (the history's and the programs')."""
    return Table(
        ReferralConsent,
        (
            "id",
            "practice_id",
            "referral_id",
            "given_by_caregiver_id",
            "organization_id",
            "recorded_by_id",
            "given_at",
        ),
        {"shared_items": ["name", "contact", "language", "need"], "method": "verbal"},
    )


def path_rows(
    referral_id: uuid.UUID,
    created_at: datetime,
    by: Any,
    steps: list[tuple[str, str, datetime, str]],
    new_id: Callable[[], uuid.UUID],
) -> Iterator[tuple[Any, ...]]:
    """A synthetic referral's events (event_table's columns): its draft's, as
    `referrals.services.starting.create_draft` writes it (version 1), then one per step. The
    draft's id comes from the referral's, not the generator, so the rest of the panel is drawn as
    before."""
    draft_id = uuid.uuid5(referral_id, "draft")
    yield (draft_id, referral_id, "", "draft", created_at, by, "Care team", "practice", 1)
    for version, (before, after, at, side) in enumerate(steps, start=2):
        actor = by if side == "practice" else None
        label = "Care team" if side == "practice" else "Community organization"
        yield (new_id(), referral_id, before, after, at, actor, label, side, version)


def event_table() -> Table:
    """A synthetic referral's steps, one row per status change."""
    return Table(
        ReferralEvent,
        (
            "id",
            "referral_id",
            "from_status",
            "to_status",
            "at",
            "actor_id",
            "actor_label",
            "side",
            "version",
        ),
    )
