"""The daily huddle sheet: a site's booked children for one day, in time order, with what the
team needs to know before the doors open (docs/clinical-rules.md#huddle-sheet).

Set-based: one query per kind of fact for the whole day, whatever the number of visits
(tests/test_huddle_queries asserts it); the day's children are one parameter of each
(`child_id__any_of`, core.lookups: a statement of more than 50 parameters is split again by
psycopg on every execution, a shorter one once). Every read is scoped to the actor's practice;
what a role may not see is left out here, not in the template:

- results only with screening.results, an adolescent's own screen only with screening.detail
  (screening.selectors.may_see_result), otherwise a "confidential" count;
- a safety (partner-violence) domain or referral is never named on the sheet, on screen or on
  paper: it reads "discuss privately" (docs/clinical-rules.md#safety-items);
- referrals only with referral.send (referrals.selectors.READ), an adolescent's own only for
  the clinical team (referrals.selectors.may_see_confidential);
- critical alerts through screening.alert_display.present_alert, the one presenting rule.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from medhome.accounts.roles import Capability
from medhome.careplan.models import CarePlan
from medhome.core.actor import Actor
from medhome.events.models import CareEvent
from medhome.events.services import EVENT_OBJECT
from medhome.families.selectors import WhomToCall, whom_to_call
from medhome.instruments import registry
from medhome.portal.models import FamilyLink, Purpose
from medhome.practices.models import Site
from medhome.practices.scoping import scoped
from medhome.referrals import selectors as referral_selectors
from medhome.referrals.models import Referral
from medhome.referrals.states import TERMINAL
from medhome.screening.alert_display import ShownAlert, present_alert
from medhome.screening.models import Administration, CriticalAlert, Status
from medhome.screening.panel import DueLine, visits_with_due
from medhome.screening.selectors import may_see_result
from medhome.staff.speakers import Cover, cover, needs_cover, speakers_of
from medhome.tasks.selectors import open_source_ids
from medhome.visits.agenda import agendas_since
from medhome.visits.models import FamilyAgenda, Visit, VisitStatus
from medhome.visits.selectors import day_bounds

from . import first

SAFETY = "safety"


def lookback_days() -> int:
    """How far back the sheet looks for a child with no earlier completed visit."""
    return int(getattr(settings, "MEDHOME_HUDDLE_LOOKBACK_DAYS", 90))


def instrument_name(key: str) -> str:
    try:
        return registry.get(key).name
    except registry.UnknownInstrument:
        return key


@dataclass(frozen=True)
class ScreenLink:
    """One screener of a pre-visit link: sent, opened by the family, or answered."""

    instrument: str
    state: str  # "sent" | "opened" | "done"
    sent_at: datetime

    @property
    def state_label(self) -> str:
        # Only the state's own word is translated (the sheet asks it of every link).
        if self.state == "sent":
            return pgettext("pre-visit link", "sent")
        if self.state == "opened":
            return pgettext("pre-visit link", "opened")
        if self.state == "done":
            return pgettext("pre-visit link", "done")
        raise KeyError(self.state)


@dataclass(frozen=True)
class ShownResult:
    instrument: str
    band: str
    positive: bool
    pending: bool  # positive and its next step not yet taken
    domains: tuple[str, ...]  # positive domains, a safety one never named
    private: bool  # a safety domain was positive: talk in private
    # The safety items were not asked (an imported AHC HRSN): its "negative" is not a negative
    # safety screen (docs/clinical-rules.md#imported-screens), said without naming safety.
    questions_not_asked: bool = False


@dataclass(frozen=True)
class ReferralLine:
    need: str
    organization: str
    status: str
    confidential: bool


@dataclass(frozen=True)
class Transition:
    kind: str
    started_at: datetime
    ended_at: datetime | None
    unanswered: bool  # its follow-up task is still open


@dataclass
class HuddleRow:
    visit: Visit
    due: DueLine
    contact: WhomToCall | None
    since: date | None  # the last completed visit, if any
    links: list[ScreenLink] = field(default_factory=list)
    results: list[ShownResult] | None = None  # None: this reader may not see results
    hidden_results: int = 0  # confidential screens this reader may not open
    alerts: list[ShownAlert] = field(default_factory=list)
    referrals: list[ReferralLine] | None = None  # None: this reader may not see referrals
    hidden_referrals: int = 0
    transitions: list[Transition] = field(default_factory=list)
    priorities: str = ""  # the care plan's, in the family's words
    # What a caregiver wrote on the pre-visit page about this visit (visits.agenda).
    agendas: list[FamilyAgenda] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    # The family's language against the team's speakers; None for an English-speaking family.
    language: Cover | None = None

    @property
    def child(self) -> Any:
        return self.visit.child

    @property
    def screens_due_without_link(self) -> tuple[Any, ...]:
        return self.due.still_due if not self.links else ()


@dataclass(frozen=True)
class Sheet:
    day: date
    site: Site | None
    rows: list[HuddleRow]
    shows_results: bool
    shows_referrals: bool

    def pages(self, per_page: int) -> list[list[HuddleRow]]:
        return [self.rows[i : i + per_page] for i in range(0, len(self.rows), per_page)]


def huddle_sheet(actor: Actor, day: date, *, site: Site | None) -> Sheet:
    """The sheet for `site` (None: every site) on `day`: the booked and arrived visits."""
    lines = [
        line
        for line in visits_with_due(actor, day, site=site)
        if line.visit is not None
        and line.visit.status in (VisitStatus.SCHEDULED, VisitStatus.ARRIVED)
    ]
    if not lines:  # a day without visits: nothing to read about its children
        return Sheet(
            day=day,
            site=site,
            rows=[],
            shows_results=actor.can(Capability.SCREENING_RESULTS),
            shows_referrals=actor.can(referral_selectors.READ),
        )
    children = [line.visit.child for line in lines if line.visit is not None]
    ids = {child.pk for child in children}
    start, _end = day_bounds(day)
    last_seen = _last_visits(actor, ids, before=start)
    floor = start - timedelta(days=lookback_days())
    since_of = {
        child_id: max(floor, last_seen[child_id]) if child_id in last_seen else floor
        for child_id in ids
    }
    earliest = min(since_of.values(), default=floor)
    contacts = whom_to_call(actor, children)
    links = _links(actor, ids, since=earliest)
    screens = _screens(actor, ids, since=earliest)
    alerts = _alerts(actor, ids)
    referrals = _referrals(actor, ids)
    transitions = _transitions(actor, ids, since=earliest)
    priorities = _priorities(actor, ids)
    agendas = agendas_since(actor, ids, since=earliest)
    speakers = _speakers(actor, lines, contacts)

    rows = []
    for line in lines:
        visit = line.visit
        assert visit is not None
        child_id = visit.child_id
        since = since_of[child_id]
        own_screens = [
            s for s in screens.get(child_id, []) if s.submitted_at and s.submitted_at >= since
        ]
        row = HuddleRow(
            visit=visit,
            due=line,
            contact=contacts.get(child_id),
            since=last_seen[child_id].date() if child_id in last_seen else None,
            links=_link_states(
                [link for link in links.get(child_id, []) if link.created_at >= since],
                own_screens,
            ),
            alerts=[_alert(alert, actor) for alert in alerts.get(child_id, [])],
            transitions=[t for t in transitions.get(child_id, []) if t.started_at >= since],
            priorities=priorities.get(child_id, ""),
            agendas=[a for a in agendas.get(child_id, []) if a.written_at >= since],
        )
        if actor.can(Capability.SCREENING_RESULTS):
            shown = [s for s in own_screens if may_see_result(actor, s)]
            row.results = [_result(s) for s in shown if s.status == Status.SCORED]
            row.hidden_results = len(own_screens) - len(shown)
        if referrals is not None:
            may_see = referral_selectors.may_see_confidential(actor)
            own = referrals.get(child_id, [])
            row.referrals = [_referral(r) for r in own if may_see or not r.is_confidential]
            row.hidden_referrals = len(own) - len(row.referrals)
        contact = row.contact
        if contact is not None and needs_cover(contact.language_code, contact.needs_interpreter):
            row.language = cover(
                contact.language_code,
                contact.needs_interpreter,
                speakers,
                first=visit.clinician_id,
            )
        row.first = first.what_to_do_first(row)
        rows.append(row)
    return Sheet(
        day=day,
        site=site,
        rows=rows,
        shows_results=actor.can(Capability.SCREENING_RESULTS),
        shows_referrals=referrals is not None,
    )


def _speakers(actor: Actor, lines: list[DueLine], contacts: dict[UUID, WhomToCall]):
    """Who on the team speaks the day's families' languages, in one query (none when every
    family speaks English); the day's booked clinicians are named first
    (docs/clinical-rules.md#team-languages)."""
    wanted = {
        c.language_code
        for c in contacts.values()
        if needs_cover(c.language_code, c.needs_interpreter)
    }
    if not wanted or actor.practice is None:
        return {}
    booked = {line.visit.clinician_id for line in lines if line.visit and line.visit.clinician_id}
    return speakers_of(actor.practice, wanted, prefer=booked)


def _last_visits(actor: Actor, ids: set[UUID], *, before: datetime) -> dict[UUID, datetime]:
    rows = (
        scoped(actor, Visit, need=Capability.CHART_READ)
        .filter(child_id__any_of=ids, status=VisitStatus.COMPLETED, starts_at__lt=before)
        .values("child_id")
        .annotate(last=Max("starts_at"))
    )
    return {row["child_id"]: row["last"] for row in rows}


def _by_child(rows: Any) -> dict[UUID, list[Any]]:
    grouped: dict[UUID, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.child_id, []).append(row)
    return grouped


def _links(actor: Actor, ids: set[UUID], *, since: datetime) -> dict[UUID, list[FamilyLink]]:
    return _by_child(
        scoped(actor, FamilyLink, need=Capability.CHART_READ)
        .filter(
            child_id__any_of=ids,
            purpose=Purpose.SCREENING,
            created_at__gte=since,
            revoked_at__isnull=True,
        )
        .select_related("screeners")
        .order_by("created_at")
    )


def _screens(actor: Actor, ids: set[UUID], *, since: datetime) -> dict[UUID, list[Administration]]:
    """Submitted screens (whether one was answered is not a result: every role sees that)."""
    return _by_child(
        scoped(actor, Administration, need=Capability.CHART_READ)
        .filter(child_id__any_of=ids, submitted_at__gte=since)
        .exclude(status=Status.IN_PROGRESS)
        .defer("answers", "subscores")
        .order_by("submitted_at")
    )


def _alerts(actor: Actor, ids: set[UUID]) -> dict[UUID, list[CriticalAlert]]:
    return _by_child(
        scoped(actor, CriticalAlert, need=Capability.CHART_READ)
        .filter(child_id__any_of=ids, acknowledged_at__isnull=True)
        .select_related("administration")
        .order_by("raised_at")
    )


def _referrals(actor: Actor, ids: set[UUID]) -> dict[UUID, list[Referral]] | None:
    if not actor.can(referral_selectors.READ):
        return None
    return _by_child(
        scoped(actor, Referral, need=referral_selectors.READ)
        .filter(child_id__any_of=ids)
        .exclude(status__in=TERMINAL)
        .select_related("organization", "source_administration")
        .order_by("created_at")
    )


def _transitions(actor: Actor, ids: set[UUID], *, since: datetime) -> dict[UUID, list[Transition]]:
    events = list(
        scoped(actor, CareEvent, need=Capability.CHART_READ)
        .filter(child_id__any_of=ids, flagged=True, retracted=False, started_at__gte=since)
        .order_by("started_at")
    )
    if not events or actor.practice is None:
        return {}
    waiting = open_source_ids(practice=actor.practice, source_type=EVENT_OBJECT)
    grouped: dict[UUID, list[Transition]] = {}
    for event in events:
        grouped.setdefault(event.child_id, []).append(  # type: ignore[arg-type]
            Transition(
                kind=event.get_kind_display(),
                started_at=event.started_at,
                ended_at=event.ended_at,
                unanswered=str(event.pk) in waiting,
            )
        )
    return grouped


def _priorities(actor: Actor, ids: set[UUID]) -> dict[UUID, str]:
    """What matters most to the family, in their words, from the care plan (next to what they
    wrote about this visit on the pre-visit page)."""
    rows = (
        scoped(actor, CarePlan, need=Capability.CHART_READ)
        .filter(child_id__any_of=ids)
        .exclude(family_priorities="")
        .values_list("child_id", "family_priorities")
    )
    return dict(rows)


def _link_states(links: list[FamilyLink], screens: list[Administration]) -> list[ScreenLink]:
    answered = {(s.link_id, s.instrument_key) for s in screens if s.link_id}
    shown: list[ScreenLink] = []
    for link in links:
        keys = getattr(getattr(link, "screeners", None), "instruments", None) or []
        for key in keys:
            if (link.pk, key) in answered:
                state = "done"
            elif link.last_opened_at:
                state = "opened"
            else:
                state = "sent"
            shown.append(ScreenLink(instrument_name(key), state, link.created_at))
    return shown


def _result(screen: Administration) -> ShownResult:
    domains = tuple(screen.positive_domains or [])
    return ShownResult(
        instrument=instrument_name(screen.instrument_key),
        band=screen.band,
        positive=bool(screen.positive),
        pending=screen.next_step_pending,
        domains=tuple(d for d in domains if d != SAFETY),
        private=SAFETY in domains,
        questions_not_asked=bool(screen.not_determined_domains),
    )


def _alert(alert: CriticalAlert, actor: Actor) -> ShownAlert:
    """As every surface shows it (present_alert), except that a safety answer is not named on
    the sheet, whoever reads it: only that a clinician is needed now, to talk in private."""
    if SAFETY in (alert.kinds or []):
        return ShownAlert(
            detailed=False,
            summary=_("A clinician is needed now for this child.")
            + " "
            + _("Make time to talk with the caregiver in private."),
        )
    return present_alert(alert, actor=actor)


def _referral(referral: Referral) -> ReferralLine:
    return ReferralLine(
        need=_("private need, discuss in private")
        if referral.is_safety
        else referral.get_need_display(),
        organization="" if referral.is_safety else getattr(referral.organization, "name", ""),
        status=referral.get_status_display(),
        confidential=referral.is_confidential,
    )
