"""The demo practices' screening and referral history, at the well-child visits they already
have (visit_history.write_demo_histories): EPDS at 1–6 months, ASQ-3 or SWYC Milestones at 9/18/30
months, M-CHAT-R at 18 and 24 months, social-needs screens, and referrals after some positives
to the demo directory's organizations — so a practice leader's dashboard has W30, DEV-CH,
caregiver depression, autism, social-needs and referral figures by month and by language.

INVENTED data with invented disparities (history_parameters); said so by `load_demo`.
Idempotent: a practice that already has an EPDS or M-CHAT-R on record is left alone.
"""

from collections import defaultdict
from datetime import date, datetime
from random import Random
from typing import Any

from django.db import transaction

from medhome.directory.selectors import search_services
from medhome.families.models import Caregiver, Child
from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.models import RowCompletion
from medhome.practices.models import Membership, Practice
from medhome.screening.models import Administration
from medhome.visits.models import Visit

from .measure_history import ChildFacts, History, Settings, Writer, practice_choices
from .panel import REFERRAL_NEEDS


def _organizations() -> dict[str, Any]:
    """Need -> an organization of the demo directory offering it (needs with none: no referral)."""
    found = {}
    for need in REFERRAL_NEEDS:
        hit = next((h for h in search_services(need=need, limit=10) if h.organization), None)
        if hit is not None and hit.organization is not None:
            found[need] = hit.organization.pk
    return found


def write_demo_screening_history(practice: Practice, *, as_of: date, now: datetime) -> int:
    """Screens (and referrals) at the practice's past well-child visits; returns screens."""
    if Administration.objects.filter(
        practice=practice, instrument_key__in=("epds", "mchat_r")
    ).exists():
        return 0
    coordinator = (
        Membership.objects.filter(practice=practice, role="care_coordinator")
        .order_by("user__username")
        .values_list("user_id", flat=True)
        .first()
    )
    swyc, factors = practice_choices([practice.pk], Random(f"demo-history-mix:{practice.pk}"))
    run = Settings(
        as_of=as_of,
        created_at=now,
        organizations=_organizations(),
        sender={practice.pk: coordinator} if coordinator is not None else {},
        swyc_practices=swyc,
        practice_factor=factors,
    )
    first_caregiver: dict[Any, Any] = {}
    for family_id, caregiver_id in (
        Caregiver.objects.filter(practice=practice).order_by("pk").values_list("family_id", "pk")
    ):
        first_caregiver.setdefault(family_id, caregiver_id)
    visits_at = dict(
        Visit.objects.filter(practice=practice, kind="well_child", status="completed").values_list(
            "pk", "starts_at"
        )
    )
    done: dict[Any, list[tuple[str, date, Any]]] = defaultdict(list)
    for child_id, key, day, visit_id in (
        RowCompletion.objects.filter(practice=practice, row=VISIT_ROW, source_id__isnull=False)
        .order_by("child_id", "done_on")
        .values_list("child_id", "visit_key", "done_on", "source_id")
    ):
        if visit_id in visits_at and day < as_of:
            done[child_id].append((key, day, visits_at[visit_id]))
    writer = Writer(run)
    history = History(run, Random(f"demo-history:{practice.pk}:{as_of.isoformat()}"), writer)
    for child in Child.objects.filter(practice=practice).order_by("pk"):
        facts = ChildFacts(
            child.pk,
            practice.pk,
            child.date_of_birth,
            child.payer,
            child.preferred_language,
            child.primary_clinician_id,
            first_caregiver.get(child.family_id),
        )
        factor = history.screen_factor(facts)
        for key, day, starts in done.get(child.pk, ()):
            history.screens_at(facts, key, day, starts, factor)
    with transaction.atomic():
        written = writer.flush()
    return written["Administration"]
