"""One chronological view of a child's care: visits, screenings, referrals and (where those
apps provide them) events between visits and care-plan changes. Every source is read through
the tenancy scope; screening results respect who may see them
(docs/clinical-rules.md#who-sees-results and
docs/clinical-rules.md#adolescent-confidentiality)."""

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from medhome.accounts.roles import Capability
from medhome.careplan.selectors import plan_history, plan_of_child
from medhome.core.actor import Actor
from medhome.events.selectors import events_of_child
from medhome.families.models import Child
from medhome.instruments import registry
from medhome.practices.scoping import scoped
from medhome.programs import definitions as program_words
from medhome.programs.chart import step_words
from medhome.programs.models import EnrolmentChange
from medhome.programs.selectors import contacts_of_child
from medhome.referrals.models import ReferralEvent
from medhome.screening.models import Administration, Status
from medhome.visits.models import Visit


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # visit, screening, referral, event, plan, program
    title: str
    detail: str = ""
    url: str = ""
    flag: bool = False  # needs attention (a positive screen, an ED visit…)


def _visits(actor: Actor, child: Child) -> list[Entry]:
    rows = scoped(actor, Visit, need=Capability.CHART_READ).filter(child=child)
    return [
        Entry(
            visit.starts_at,
            "visit",
            str(visit.get_kind_display()),
            " · ".join(
                part
                for part in (
                    str(visit.get_status_display()),
                    str(visit.get_modality_display()),
                    str(visit.clinician or ""),
                )
                if part
            ),
        )
        for visit in rows.select_related("clinician")
    ]


def _screenings(actor: Actor, child: Child) -> list[Entry]:
    if not actor.can(Capability.SCREENING_RESULTS):
        return []
    may_see_confidential = actor.can(Capability.SCREENING_DETAIL)
    rows = (
        scoped(actor, Administration, need=Capability.SCREENING_RESULTS)
        .filter(child=child, submitted_at__isnull=False)
        .exclude(status=Status.IN_PROGRESS)
    )
    entries = []
    for administration in rows:
        if administration.confidential and not may_see_confidential:
            continue
        name = registry.get(administration.instrument_key).name
        if administration.status == Status.PARTIAL:
            detail = "incomplete"
        elif administration.positive:
            detail = "positive"
        else:
            detail = "negative" if administration.positive is False else ""
        if "safety" in (administration.not_determined_domains or ()):
            # Not asked is not negative (docs/clinical-rules.md#imported-screens).
            detail = f"{detail} · {_('safety not asked')}"
        assert administration.submitted_at is not None
        entries.append(
            Entry(
                administration.submitted_at,
                "screening",
                name,
                detail,
                reverse("screening:result", args=[administration.pk]),
                bool(administration.positive),
            )
        )
    return entries


def _referrals(actor: Actor, child: Child) -> list[Entry]:
    if not actor.can(Capability.REFERRAL_SEND):
        return []
    may_see_confidential = actor.can(Capability.SCREENING_DETAIL)
    events = ReferralEvent.objects.filter(
        referral__practice=actor.practice, referral__child=child
    ).select_related("referral__organization", "referral__source_administration")
    entries = []
    for event in events:
        if event.referral.is_confidential and not may_see_confidential:
            # The adolescent's own referral: a label, not its need or organization (§11).
            entries.append(Entry(event.at, "referral", _("Confidential")))
            continue
        moved = f"{event.from_status or '—'} → {event.to_status}"
        entries.append(
            Entry(
                event.at,
                "referral",
                f"{event.referral.get_need_display()} · {event.referral.organization}",
                f"{_('Confidential')} · {moved}" if event.referral.is_confidential else moved,
                reverse("referrals:detail", args=[event.referral_id]),
            )
        )
    return entries


def _events(actor: Actor, child: Child) -> list[Entry]:
    """Between visits: urgent care, ED, admission and discharge, specialists, home visits."""
    return [
        Entry(
            event.started_at,
            "event",
            str(event.get_kind_display()),
            " · ".join(
                part
                for part in (
                    event.facility,
                    _("discharged %(day)s")
                    % {"day": formats.date_format(event.ended_at.date(), "SHORT_DATE_FORMAT")}
                    if event.ended_at
                    else "",
                    event.notes,
                )
                if part
            ),
            "",
            event.flagged,
        )
        for event in events_of_child(actor, child)
    ]


PLAN_PARTS = {
    "careplan": _lazy("Care plan"),
    "goal": _lazy("Goal"),
    "progressnote": _lazy("Progress note"),
    "planaction": _lazy("Action"),
    "careteammember": _lazy("Care team"),
}
PLAN_OPERATIONS = {"create": _lazy("added"), "update": _lazy("changed")}


def _plan(actor: Actor, child: Child) -> list[Entry]:
    plan = plan_of_child(actor, child)
    if plan is None:
        return []
    return [
        Entry(
            change.at,
            "plan",
            f"{PLAN_PARTS.get(change.object_type, change.object_type)} · "
            f"{PLAN_OPERATIONS.get(change.operation, change.operation)}",
            change.actor_label,
            reverse("careplan:plan", args=[child.pk]),
        )
        for change in plan_history(plan)[:50]
    ]


def _on_day(day: Any, recorded_at: datetime) -> datetime:
    """A step dated by the person: when it was recorded if that was the same day, else noon."""
    if timezone.localtime(recorded_at).date() == day:
        return recorded_at
    return timezone.make_aware(datetime.combine(day, time(12)))


def _programs(actor: Actor, child: Child) -> list[Entry]:
    """Program contacts (with what the parent is doing well) and enrolment steps: two queries."""
    url = reverse("families:chart", args=[child.pk]) + "#programs"
    entries = []
    for contact in contacts_of_child(actor, child):
        kind = program_words.CONTACT_KINDS.get(contact.kind, contact.kind)
        detail = " · ".join(
            part
            for part in (
                str(program_words.SETTINGS.get(contact.setting, "")),
                str(program_words.OUTREACH_OUTCOMES.get(contact.outcome, "")),
                _("Doing well: %(words)s") % {"words": contact.strengths}
                if contact.strengths
                else "",
            )
            if part
        )
        entries.append(
            Entry(
                _on_day(contact.on, contact.recorded_at),
                "program",
                f"{contact.program.display_name} · {kind}",
                detail,
                url,
            )
        )
    changes = (
        scoped(actor, EnrolmentChange, need=Capability.CHART_READ)
        .filter(enrolment__child=child)
        .select_related("by", "enrolment__program")
    )
    for change in changes:
        words = step_words(change)
        entries.append(
            Entry(
                _on_day(change.on, change.recorded_at),
                "program",
                f"{change.enrolment.program.display_name} · {words['step']}",
                words["reason"],
                url,
            )
        )
    return entries


SOURCES: list[Any] = [_visits, _screenings, _referrals, _events, _plan, _programs]


def timeline_of(actor: Actor, child: Child) -> list[Entry]:
    """Newest first. `child` comes from an access_* function, so it is the actor's practice's."""
    entries = [entry for source in SOURCES for entry in source(actor, child)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
