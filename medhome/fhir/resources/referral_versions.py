"""The past versions of a referral's ServiceRequest and Task, rebuilt from its events.

Every change of a referral's state is a `ReferralEvent` that carries the referral's version
after it (`referrals.states.moves.move`; the draft's first event is version 1), and a change of
state is the only thing that moves the version. So version n of both resources is the referral
as its first event of version n left it: that event's status and reason, the times that had
happened by then, the outcome only once completed. A family's answer that changed nothing
shares the version and only moves its lastUpdated (as on the current version, whose
lastUpdated is the latest event). A past Task's path (relevantHistory) stops at its version.
The words of the current version (the team's reason, the consent, the organization) are read as
they are now: medhome keeps no earlier copy of them.

A partner's client never sees a draft (referral_rows.referrals), so the draft's version is left
out of its history too.
"""

import copy
from typing import Any

from django.db.models import Max, QuerySet

from medhome.referrals.models import Referral, ReferralEvent
from medhome.referrals.states import Status
from medhome.smart.principal import FhirPrincipal

from ..params import date_q
from ..registry import Versions
from .referral_rows import is_partner


def referral_versions(
    rows: QuerySet[Referral], principal: FhirPrincipal, since: str, offset: int, limit: int
) -> list[Referral]:
    per_version = (
        ReferralEvent.objects.filter(referral__in=rows.values("pk"))
        .values("referral_id", "version")
        .annotate(updated=Max("at"))
        .order_by("-updated", "-version", "referral_id")
    )
    if is_partner(principal):
        per_version = per_version.exclude(version=1)
    if since:
        per_version = per_version.filter(date_q("_since", "updated", since, is_date=False))
    page = list(per_version[offset : offset + limit])
    if not page:
        return []
    ids = {row["referral_id"] for row in page}
    referrals = {referral.pk: referral for referral in rows.filter(pk__in=ids)}
    first_events: dict[tuple[Any, int], ReferralEvent] = {}
    for event in ReferralEvent.objects.filter(referral_id__in=ids).order_by("at", "version"):
        first_events.setdefault((event.referral_id, event.version), event)
    versions = []
    for row in page:
        referral = referrals[row["referral_id"]]
        event = first_events[(row["referral_id"], row["version"])]
        versions.append(_as_of(referral, event, row["updated"]))
    return versions


def _as_of(referral: Referral, event: ReferralEvent, updated: Any) -> Referral:
    if event.version == referral.version:
        return referral
    past = copy.copy(referral)
    past.status = event.to_status
    past.status_reason = event.reason
    past.version = event.version
    past.last_updated = updated  # type: ignore[attr-defined]  # the rows' annotation
    for name in ("requested_at", "first_response_at", "closed_at"):
        moment = getattr(referral, name)
        if moment is not None and moment > updated:
            setattr(past, name, None)
    if past.status != Status.COMPLETED:
        past.outcome = ""
        past.outcome_note = ""
    cache = getattr(referral, "_prefetched_objects_cache", {})
    if "events" in cache:  # the Task's path (relevantHistory): the steps up to this version
        path = cache["events"]._chain()
        path._result_cache = [e for e in cache["events"] if e.version <= event.version]
        path._prefetch_done = True
        past._prefetched_objects_cache = {**cache, "events": path}  # type: ignore[attr-defined]
    return past


REFERRAL_VERSIONS = Versions(of=referral_versions)
