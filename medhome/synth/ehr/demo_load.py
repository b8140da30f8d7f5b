"""The demo's children arrive as a practice's would: the synthetic population is written as a
FHIR Bulk Data export and imported by the EHR bulk import (`ehr.bulk.import_export`), and today's
clinic arrives as HL7 v2 SIU messages on the practice's EHR feed (`events.services.receive_hl7`,
sender EHR) — no child, caregiver or visit row is written here directly.

What an EHR does not send, and a family tells the practice in its own words, is then added
through the same registration the staff pages use would have: how to reach each caregiver and
when, transport, culture and strengths, who is the primary contact, a child's preferred name and
pronouns, special health care needs, the primary care clinician, and the family's name.
Siblings (one caregiver), the preventive-visit row of each completed well-child visit
(`ehr.completions`) and each visit's site (its Location, by the site's name) come with the
import itself.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random
from tempfile import TemporaryDirectory
from time import perf_counter
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from medhome.core.actor import Actor
from medhome.ehr.bulk import IMPORT_ROLE, import_export
from medhome.events.handlers import handler_for
from medhome.events.models import FeedCredential, Sender
from medhome.events.services import receive_hl7
from medhome.families.models import (
    AvailabilityWindow,
    Caregiver,
    CaregiverIdentifier,
    Child,
    Family,
    PanelMembership,
)
from medhome.messaging.models import ConsentChannel, ConsentMethod, ContactConsent
from medhome.practices.models import Practice

from ..generator import Population
from . import codes as C
from .clinic_day import Booking, plan_clinic
from .export import windows_of, write_export
from .newcomers import newcomers
from .siu import day_messages

# The demo's export leaves out visits, measurements, influenza doses and varnish older than
# this (as an `$export?_since=` would), so `make demo` stays within its 2 minutes; the
# measures look back 12 months, W30 30 months.
HISTORY_YEARS = 3
FEED_NAME = "Synthetic EHR (demo)"
# Family words copied onto the imported caregiver: what the EHR does not hold.
CAREGIVER_WORDS = (
    "is_legal_guardian",
    "is_primary_contact",
    "preferred_language",
    "needs_interpreter",
    "preferred_channel",
    "availability_note",
    "has_transportation_barrier",
    "transportation_note",
    "culture_and_identity",
    "strengths",
)
CHILD_WORDS = (
    "preferred_name",
    "gender_identity",
    "pronouns",
    "race_ethnicity",
    "race_ethnicity_detail",
    "race_ethnicity_group",
    "preferred_name_key",
    "has_special_health_care_needs",
    "primary_clinician_id",
)


@dataclass
class EhrLoad:
    """What went through the import paths, per practice name."""

    resources: dict[str, int] = field(default_factory=dict)
    imported: dict[str, dict] = field(default_factory=dict)
    siu: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        resources = sum(self.resources.values())
        messages = sum(sum(outcomes.values()) for outcomes in self.siu.values())
        refused = sum(sum((c.get("refused") or {}).values()) for c in self.imported.values())
        return (
            f"Loaded through the EHR paths in {self.seconds:.0f} s: {resources:,} FHIR "
            f"resources by the bulk import ({refused:,} refused) and {messages} HL7 SIU "
            "messages on the EHR feed."
        )


def staff_names(users: Iterable[object]) -> dict[int, tuple[str, str]]:
    """user pk → (login, display name): how the synthetic EHR names its clinicians."""
    return {
        u.pk: (u.username, f"{u.first_name} {u.last_name}")  # type: ignore[attr-defined]
        for u in users
    }


def plan_bookings(
    population: Population,
    *,
    as_of: date,
    sites: Mapping[UUID, Sequence[tuple[str, str]]],
    staff: Mapping[int, tuple[str, str]],
) -> tuple[list[Booking], dict[UUID, list]]:
    """Two weeks of clinic per practice, and every child's windows (reused by the export)."""
    windows = {child.pk: windows_of(child, as_of) for child in population.children}
    bookings: list[Booking] = []
    for place in population.places:
        practice = place.practice
        children = [c for c in population.children if c.practice_id == practice.pk]
        clinicians = [staff[pk] for pk in place.clinician_ids if pk in staff]
        rng = Random(f"clinic:{practice.pk}:{as_of.isoformat()}")
        bookings += plan_clinic(
            rng,
            children,
            windows,
            as_of=as_of,
            sites=sites.get(practice.pk, ()),
            clinicians=clinicians,
        )
    return bookings, windows


def load_through_ehr(
    population: Population,
    *,
    seed: str,
    as_of: date,
    now: datetime,
    sites: Mapping[UUID, Sequence[tuple[str, str]]],
    staff: Mapping[int, tuple[str, str]],
    workdir: Path | None = None,
) -> EhrLoad:
    """Export, import, today's SIU feed, then the families' own words."""
    started = perf_counter()
    tz = ZoneInfo(settings.TIME_ZONE)
    bookings, windows = plan_bookings(population, as_of=as_of, sites=sites, staff=staff)
    practices = {place.practice.pk: place.practice for place in population.places}
    names = {pk: practice.name for pk, practice in practices.items()}
    load = EhrLoad()
    # Today's visits come as SIU on the EHR feed once a handler takes SIU from an EHR (the
    # schedule's); until then as FHIR Appointments with the rest (still an import path).
    siu_ready = handler_for(Sender.EHR, "SIU", "S12") is not None
    by_siu = [b for b in bookings if b.day == as_of] if siu_ready else []
    with TemporaryDirectory(prefix="medhome-demo-ehr-", dir=workdir) as tmp:
        export = write_export(
            population.children,
            population.caregivers,
            Path(tmp),
            practice_names=names,
            as_of=as_of,
            seed=seed,
            tz=tz,
            sites=sites,
            staff=staff,
            bookings=[b for b in bookings if b.day > as_of or not siu_ready],
            windows=windows,
            booked_by_siu=by_siu,
            since=as_of - timedelta(days=round(HISTORY_YEARS * 365.25)),
        )
        for pk, directory in export.directories.items():
            practice = practices[pk]
            actor = Actor(user=None, practice=practice, role=IMPORT_ROLE)
            result = import_export(practice=practice, directory=directory, actor=actor, at=now)
            load.imported[practice.name] = dict(result.counts)
            load.resources[practice.name] = sum(
                1 for path in directory.glob("*.ndjson") for _line in path.open("rb")
            )
    for pk, practice in practices.items():
        todays = [b for b in by_siu if b.child.practice_id == pk]
        if todays:
            load.siu[practice.name] = send_clinic_day(practice, todays, as_of=as_of, now=now)
    apply_family_words(population, at=now)
    load.seconds = perf_counter() - started
    return load


def send_clinic_day(
    practice: Practice, bookings: Sequence[Booking], *, as_of: date, now: datetime
) -> dict[str, int]:
    """Today's SIU messages through the practice's EHR feed; outcome counts by status."""
    credential = FeedCredential.objects.filter(practice=practice, name=FEED_NAME).first()
    if credential is None:
        credential = FeedCredential.objects.create(
            practice=practice,
            name=FEED_NAME,
            sender=Sender.EHR,
            token_digest=f"demo-{practice.pk.hex}",  # no token: nobody posts on it
            created_at=now,
        )
    rng = Random(f"siu:{practice.pk}:{as_of.isoformat()}")
    sent_at = now - timedelta(hours=2)
    # Two patients medhome does not know yet wait for staff on ehr:waiting.
    arriving = newcomers(
        practice_tag=practice.pk.hex,
        neighbour=bookings[0].child,
        as_of=as_of,
        sent_at=sent_at,
        facility=practice.name,
        rng=rng,
    )
    sent = day_messages(
        [*bookings, arriving.booked],
        day=as_of,
        facility=practice.name,
        practice_tag=practice.pk.hex,
        sent_at=sent_at,
        tz=ZoneInfo(settings.TIME_ZONE),
        rng=rng,
    )
    outcomes: dict[str, int] = defaultdict(int)
    for trigger, text in [*((m.trigger, m.text) for m in sent), ("A08", arriving.update)]:
        _ack, stored = receive_hl7(practice=practice, raw=text, at=now, sender=credential.sender)
        outcomes[f"{trigger} {stored.status}"] += 1
    return dict(outcomes)


@transaction.atomic
def apply_family_words(population: Population, *, at: datetime) -> None:
    """What families told the practice (see the module), onto the imported rows."""
    for place in population.places:
        practice = place.practice
        made = [c for c in population.children if c.practice_id == practice.pk]
        by_mrn = {c.mrn: c for c in Child.objects.filter(practice=practice)}
        # Siblings already share a family (the import's: `ehr.caregivers`); it takes the name
        # the family gave.
        imported_family: dict[UUID, UUID] = {}
        changed: list[Child] = []
        for synthetic in made:
            child = by_mrn.get(synthetic.mrn)
            if child is None:
                continue
            imported_family.setdefault(synthetic.family_id, child.family_id)
            for name in CHILD_WORDS:
                setattr(child, name, getattr(synthetic, name))
            changed.append(child)
        Child.objects.bulk_update(changed, list(CHILD_WORDS), batch_size=500)
        Family.objects.filter(
            practice=practice, children__isnull=True, caregivers__isnull=True
        ).delete()
        for synthetic_family, family_id in imported_family.items():
            name = next(f.name for f in population.families if f.pk == synthetic_family)
            Family.objects.filter(pk=family_id).update(name=name)
        _caregiver_words(population, practice)
        _contact_consents(practice, at)
        _panel_history(population, practice, {c.mrn: c for c in made}, by_mrn)


def _panel_history(
    population: Population,
    practice: Practice,
    made: Mapping[str, Child],
    imported: Mapping[str, Child],
) -> None:
    """When each child joined (and, for a few, left) the panel, as the practice's own records
    say: the import opened every membership on the day it ran. The population's memberships
    (synth/attribution.py) are the synthetic practice's history."""
    history = {m.child_id: m for m in getattr(population, "memberships", ())}
    if not history:
        return
    child_of = {imported[mrn].pk: made[mrn].pk for mrn in made if mrn in imported}
    changed = []
    for membership in PanelMembership.objects.filter(practice=practice, ends_on__isnull=True):
        synthetic = history.get(child_of.get(membership.child_id))
        if synthetic is None:
            continue
        membership.starts_on = synthetic.starts_on
        membership.ends_on = synthetic.ends_on
        membership.end_reason = synthetic.end_reason
        membership.primary_clinician_id = synthetic.primary_clinician_id
        changed.append(membership)
    PanelMembership.objects.bulk_update(
        changed, ["starts_on", "ends_on", "end_reason", "primary_clinician_id"], batch_size=500
    )


def _contact_consents(practice: Practice, at: datetime) -> None:
    """Each caregiver who prefers a text or an email agreed to it when they registered (said
    so to the front desk): the demo's reminders then go the way each family asked."""
    rows = []
    for pk, channel, phone, email in Caregiver.objects.filter(
        practice=practice, preferred_channel__in=[ConsentChannel.TEXT, ConsentChannel.EMAIL]
    ).values_list("pk", "preferred_channel", "phone", "email"):
        if (channel == ConsentChannel.TEXT and phone) or (
            channel == ConsentChannel.EMAIL and email
        ):
            rows.append(
                ContactConsent(
                    practice_id=practice.pk,
                    caregiver_id=pk,
                    channel=channel,
                    granted=True,
                    method=ConsentMethod.VERBAL,
                    recorded_at=at,
                )
            )
    ContactConsent.objects.bulk_create(rows, batch_size=1000)


def _caregiver_words(population: Population, practice: Practice) -> None:
    keyed = dict(
        CaregiverIdentifier.objects.filter(
            practice=practice, system=C.CAREGIVER_SYSTEM
        ).values_list("value", "caregiver_id")
    )
    caregivers = Caregiver.objects.in_bulk(list(keyed.values()))
    windows_by_caregiver: dict[UUID, list[AvailabilityWindow]] = defaultdict(list)
    for window in population.windows:
        windows_by_caregiver[window.caregiver_id].append(window)
    changed: list[Caregiver] = []
    windows: list[AvailabilityWindow] = []
    for synthetic in population.caregivers:
        if synthetic.practice_id != practice.pk:
            continue
        caregiver = caregivers.get(keyed.get(synthetic.pk.hex))
        if caregiver is None:
            continue
        for name in CAREGIVER_WORDS:
            setattr(caregiver, name, getattr(synthetic, name))
        changed.append(caregiver)
        windows += [
            AvailabilityWindow(
                practice_id=practice.pk,
                caregiver=caregiver,
                weekday=w.weekday,
                starts_at=w.starts_at,
                ends_at=w.ends_at,
            )
            for w in windows_by_caregiver[synthetic.pk]
        ]
    Caregiver.objects.bulk_update(changed, list(CAREGIVER_WORDS), batch_size=500)
    AvailabilityWindow.objects.filter(practice=practice).delete()
    AvailabilityWindow.objects.bulk_create(windows, batch_size=1000)
