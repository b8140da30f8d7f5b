"""Reads of the family record that leave the app, always through the tenancy scope."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import CharField, Count, ExpressionWrapper, F, Prefetch, Q
from django.http import Http404
from phonenumber_field.phonenumber import PhoneNumber, to_python

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.practices.models import Practice
from medhome.practices.scoping import get_scoped, scoped

from .languages import language_name
from .models import AvailabilityWindow, Caregiver, Child, ChildQuerySet, Family, PanelMembership
from .vocabulary import Relationship

SEARCH_LIMIT = 50
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y")


def access_child(actor: Actor, child_id: UUID, *, need: str = Capability.CHART_READ) -> Child:
    return get_scoped(actor, Child, need=need, pk=child_id)


def access_family(actor: Actor, family_id: UUID, *, need: str = Capability.CHART_READ) -> Family:
    return get_scoped(actor, Family, need=need, pk=family_id)


def access_caregiver(
    actor: Actor, caregiver_id: UUID, *, need: str = Capability.FAMILY_EDIT
) -> Caregiver:
    return get_scoped(actor, Caregiver, need=need, pk=caregiver_id)


def chart_of(actor: Actor, child_id: UUID) -> Child:
    """The child with everything the chart header shows, in a fixed number of queries."""
    windows = Prefetch("availability", queryset=AvailabilityWindow.objects.order_by("weekday"))
    caregivers = Prefetch(
        "family__caregivers", queryset=Caregiver.objects.prefetch_related(windows)
    )
    siblings = Prefetch("family__children", queryset=Child.objects.order_by("date_of_birth"))
    memberships = Prefetch(
        "memberships",
        queryset=PanelMembership.objects.select_related("primary_clinician").order_by("starts_on"),
    )
    queryset = (
        scoped(actor, Child, need=Capability.CHART_READ)
        # the practice too: the chart's screening section reads its screener wording
        .select_related("family", "primary_clinician", "practice")
        .prefetch_related(caregivers, siblings, memberships)
    )
    try:
        return queryset.get(pk=child_id)
    except (Child.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def parse_date(query: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(query.strip(), fmt).date()
        except ValueError:
            continue
    return None


def search_children(actor: Actor, query: str, *, limit: int = SEARCH_LIMIT) -> list[Child]:
    """Children of the actor's practice whose name, date of birth or MRN matches the query."""
    query = (query or "").strip()
    children: ChildQuerySet = scoped(actor, Child, need=Capability.CHART_READ)  # type: ignore[assignment]
    if len(query) < 2 or not actor.can(Capability.CHART_READ):
        return []
    birth_date = parse_date(query)
    if birth_date is not None:
        matches = children.filter(date_of_birth=birth_date)
    elif any(ch.isdigit() for ch in query):
        matches = children.filter(mrn=query.upper())
    else:
        # matching_name puts the practice into each of its branches, one index each. The scope's
        # own practice filter on top would lead SQLite, before ANALYZE, to read the whole
        # practice through another index (docs/benchmarks.md), so the name search starts here.
        matches = Child.objects.matching_name(query, practice=actor.practice)
    return list(
        matches.select_related("family").order_by("legal_family_name", "legal_given_name")[:limit]
    )


def first_child_id(family: Family) -> UUID | None:
    return family.children.order_by("date_of_birth").values_list("pk", flat=True).first()


def sibling_defaults(family: Family) -> dict[str, object]:
    """A new sibling most likely shares the household's address, language and coverage."""
    sibling = family.children.order_by("-date_of_birth").first()
    if sibling is None:
        return {}
    fields = [
        "legal_family_name",
        "preferred_language",
        "payer",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "zip_code",
    ]
    return {field: getattr(sibling, field) for field in fields}


# Counts under this are suppressed in anything shown beyond the practice
# (docs/clinical-rules.md#small-cell-suppression).
SMALL_CELL = 11
SHARES = ("public_coverage", "spanish", "special_needs")


def suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


def network_panel_summary(actor: Actor) -> list[dict[str, object]]:
    """Panel size and mix per practice of the actor's network: aggregates only, never a child."""
    if not actor.can(Capability.NETWORK_AGGREGATES) or actor.practice is None:
        return []
    network_id = actor.practice.network_id
    if network_id is None:
        practices = Practice.objects.filter(pk=actor.practice.pk)
    else:
        practices = Practice.objects.filter(network_id=network_id)
    counts = (
        Child.objects.filter(practice__in=practices)
        .values("practice_id")
        .annotate(
            children=Count("pk"),
            public_coverage=Count("pk", filter=Q(payer__in=["medicaid", "chip"])),
            spanish=Count("pk", filter=Q(preferred_language="es")),
            special_needs=Count("pk", filter=Q(has_special_health_care_needs=True)),
        )
    )
    by_practice: dict[UUID, dict[str, Any]] = {row["practice_id"]: dict(row) for row in counts}
    rows: list[dict[str, object]] = []
    for practice in practices.order_by("name"):
        row = by_practice.get(practice.pk, {})
        total = row.get("children", 0)
        summary: dict[str, object] = {"practice": practice.name, "children": suppress(total)}
        for key in SHARES:
            count = row.get(key, 0)
            summary[key] = suppress(count)
            summary[f"{key}_share"] = count / total if total and count >= SMALL_CELL else None
        rows.append(summary)
    return rows


def membership_on(child: Child, day: date) -> PanelMembership | None:
    """The membership that has the child on the panel that day (starts_on inclusive, ends_on
    exclusive; docs/clinical-rules.md#attribution), from the prefetched memberships of
    chart_of()."""
    for membership in child.memberships.all():
        if membership.starts_on <= day and (membership.ends_on is None or membership.ends_on > day):
            return membership
    return None


@dataclass(frozen=True)
class WhomToCall:
    """The person to call about a child: the family's primary contact (else its first
    caregiver), with what a caller needs before dialling. `language` is the name of the
    caregiver's language in the reader's language; `transport_*` is the household's (any of
    its caregivers who said getting to the clinic is hard)."""

    caregiver_id: UUID
    name: str
    relationship: str
    phone: str
    language: str
    needs_interpreter: bool
    best_times: str
    transport_barrier: bool
    transport_note: str
    language_code: str = ""  # the tag itself: the huddle matches it with the team's languages


def whom_to_call(
    actor: Actor, children: Iterable[Child], *, need: str = Capability.CHART_READ
) -> dict[UUID, WhomToCall]:
    """For each child (by id) the caregiver to call, in one query whatever the number of
    children; a child whose family has no caregiver is left out. The alerts list, an alert's
    acknowledge page and the huddle sheet all read it here; a caseload read without the chart
    (programs.work: a parent partner's, of children it already reached) names its own need."""
    family_of = {child.pk: child.family_id for child in children}
    if not family_of:
        return {}
    # Plain values, not model instances: a day's caregivers each parse their phone number when
    # loaded, which costs more than the query; only the chosen one's is formatted. The number is
    # read as the stored text (E.164), not through the field, which would parse every one.
    caregivers = (
        scoped(actor, Caregiver, need=need)
        .filter(family_id__any_of=set(family_of.values()))
        .order_by("-is_primary_contact", "family_name", "given_name")  # the model's ordering
        .values(
            "pk",
            "family_id",
            "given_name",
            "family_name",
            "relationship",
            "preferred_language",
            "needs_interpreter",
            "availability_note",
            "has_transportation_barrier",
            "transportation_note",
            phone_text=ExpressionWrapper(F("phone"), output_field=CharField()),
        )
    )
    by_family: dict[UUID, list[Any]] = {}
    for caregiver in caregivers:
        by_family.setdefault(caregiver["family_id"], []).append(caregiver)
    found: dict[UUID, WhomToCall] = {}
    relationships = dict(Relationship.choices)
    for child_id, family_id in family_of.items():
        household = by_family.get(family_id)
        if not household:
            continue
        first = household[0]
        hard = [c for c in household if c["has_transportation_barrier"]]
        found[child_id] = WhomToCall(
            caregiver_id=first["pk"],
            name=f"{first['given_name']} {first['family_name']}",
            relationship=str(relationships.get(first["relationship"], first["relationship"])),
            phone=_national(first["phone_text"]),
            language=language_name(first["preferred_language"]),
            language_code=first["preferred_language"],
            needs_interpreter=first["needs_interpreter"],
            best_times=first["availability_note"],
            transport_barrier=bool(hard),
            transport_note="; ".join(
                c["transportation_note"] for c in hard if c["transportation_note"]
            ),
        )
    return found


def _national(stored: object) -> str:
    """A stored number (E.164) as the caller dials it, as the chart shows it."""
    if not stored:
        return ""
    return _national_of(str(stored), getattr(settings, "PHONENUMBER_DEFAULT_REGION", None))


# Parsing a number costs more than the huddle's query of the day's caregivers; the result
# depends only on the text and the default region, so each is formatted once per process.
@lru_cache(maxsize=4096)
def _national_of(stored: str, region: str | None) -> str:
    number = to_python(stored, region=region)
    return str(number.as_national) if isinstance(number, PhoneNumber) else stored
