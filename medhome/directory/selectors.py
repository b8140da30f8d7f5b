"""Reading the directory: search, a service's referral summary, organizations for a need.

search_services filters in SQL on the search columns (models/search.py), keeps the few
candidates inside the ZIP's bounding box, then measures exact haversine distances in Python.
Its query count is fixed: candidates, the practice's curation, the hits, their phones.
"""

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from .geo import UnknownZipError, bounding_box, haversine_miles, zip_centroid
from .models import (
    Address,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    PracticePartner,
    RequiredDocument,
    Schedule,
    SearchHours,
    Service,
    ServiceAtLocation,
    ServiceSearch,
)
from .search_index import DAYS, language_code, weekly_intervals


@dataclass(frozen=True)
class Curation:
    trusted: bool
    on_site: bool
    note: str


@dataclass
class ServiceHit:
    service: Service
    organization: Organization | None
    service_at_location: ServiceAtLocation | None
    location: Location | None
    address: Address | None
    zip_code: str
    distance_miles: float | None
    open_now: bool | None  # None when no time was asked
    languages: list[str]
    needs: list[str]
    phones: list[Phone] = field(default_factory=list)
    curation: Curation | None = None  # the practice's own, when a practice is given

    @property
    def trusted(self) -> bool:
        return bool(self.curation and self.curation.trusted)

    @property
    def on_site(self) -> bool:
        return bool(self.curation and self.curation.on_site)


def _open_at(moment: datetime) -> Q:
    """Open at `moment` read in the deployment's time zone (SearchHours holds local minutes)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    minute = local.hour * 60 + local.minute
    day = local.date()
    hours = (
        SearchHours.objects.filter(
            search=OuterRef("pk"), weekday=local.weekday(), opens__lte=minute, closes__gt=minute
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )
    return Q(Exists(hours))


def search_services(
    *,
    need: str | None = None,
    language: str | None = None,
    near_zip: str | None = None,
    within_miles: float | None = None,
    open_at: datetime | None = None,
    child_age_years: float | None = None,
    free_only: bool = False,
    practice: Any = None,
    limit: int = 20,
) -> list[ServiceHit]:
    """Services matching every given filter, ranked: the practice's trusted partners, then
    on-site partners, then nearest, then by name. Raises UnknownZipError for an unknown ZIP."""
    rows = ServiceSearch.objects.all()
    if need:
        rows = rows.filter(need_rows__need=need)
    if language:
        rows = rows.filter(language_rows__code=language_code(language))
    if child_age_years is not None:
        rows = rows.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=child_age_years),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=child_age_years),
        )
    if free_only:
        rows = rows.filter(free_or_low_cost=True)
    if open_at is not None:
        rows = rows.filter(_open_at(open_at))
    center = None
    if near_zip:
        center = zip_centroid(near_zip)
        if center is None:
            raise UnknownZipError(near_zip)
        if within_miles is not None:
            lat_min, lat_max, lon_min, lon_max = bounding_box(center, within_miles)
            rows = rows.filter(
                latitude__gte=lat_min,
                latitude__lte=lat_max,
                longitude__gte=lon_min,
                longitude__lte=lon_max,
            )
    candidates = list(rows.values_list("pk", "organization_id", "latitude", "longitude", "name"))
    curation: dict[uuid.UUID, Curation] = {}
    if practice is not None:
        curation = {
            p.organization_id: Curation(p.trusted, p.on_site, p.note)
            for p in PracticePartner.objects.for_practice(practice).only(
                "organization_id", "trusted", "on_site", "note"
            )
        }
    ranked = []
    for pk, organization_id, latitude, longitude, name in candidates:
        distance = None
        if center is not None and latitude is not None and longitude is not None:
            distance = haversine_miles(center, (latitude, longitude))
        outside = distance is None or distance > (within_miles or 0)
        if within_miles is not None and center is not None and outside:
            continue
        mine = curation.get(organization_id)
        key = (
            not (mine and mine.trusted),
            not (mine and mine.on_site),
            math.inf if distance is None else distance,
            name.casefold(),
            str(pk),
        )
        ranked.append((key, pk, distance))
    ranked.sort()
    top = ranked[:limit]
    return _hits(top, curation, open_at is not None)


def _hits(
    top: list[tuple[Any, int, float | None]], curation: dict[uuid.UUID, Curation], timed: bool
) -> list[ServiceHit]:
    if not top:
        return []
    by_pk = ServiceSearch.objects.select_related(
        "service", "organization", "service_at_location", "location", "address"
    ).in_bulk([pk for _, pk, _ in top])
    rows = [by_pk[pk] for _, pk, _ in top]
    phones = _phones(rows)
    hits = []
    for (_, _pk, distance), row in zip(top, rows, strict=True):
        hits.append(
            ServiceHit(
                service=row.service,
                organization=row.organization,
                service_at_location=row.service_at_location,
                location=row.location,
                address=row.address,
                zip_code=row.zip_code,
                distance_miles=None if distance is None else round(distance, 2),
                open_now=True if timed else None,
                languages=row.language_codes,
                needs=row.need_codes,
                phones=_phones_for(row, phones),
                curation=curation.get(row.organization_id) if row.organization_id else None,
            )
        )
    return hits


def _phones(rows: list[ServiceSearch]) -> list[Phone]:
    return list(
        Phone.objects.filter(
            Q(service_id__in={r.service_id for r in rows})
            | Q(service_at_location_id__in={r.service_at_location_id for r in rows} - {None})
            | Q(location_id__in={r.location_id for r in rows} - {None})
            | Q(organization_id__in={r.organization_id for r in rows} - {None})
        ).order_by("number", "pk")
    )


def _phones_for(row: ServiceSearch, phones: list[Phone]) -> list[Phone]:
    """The most specific phones: the service here, the service, the location, the organization."""
    for attribute, value in (
        ("service_at_location_id", row.service_at_location_id),
        ("service_id", row.service_id),
        ("location_id", row.location_id),
        ("organization_id", row.organization_id),
    ):
        found = [p for p in phones if value and getattr(p, attribute) == value]
        if found:
            return found
    return []


@dataclass(frozen=True)
class HoursLine:
    weekday: int | None  # 0 = Monday; None for a schedule that is not weekly
    opens: str  # "HH:MM"
    closes: str
    description: str
    notes: str


@dataclass
class LocationDetail:
    location: Location
    address: Address | None
    addresses: list[Address]
    phones: list[Phone]
    hours: list[HoursLine]
    languages: list[str]


@dataclass
class ServiceDetail:
    """What a referral summary prints: who, where, how to reach them, when, what to bring."""

    service: Service
    organization: Organization | None
    name: str
    description: str
    url: str
    email: str
    alert: str
    application_process: str
    interpretation_services: str
    locations: list[LocationDetail]
    phones: list[Phone]
    hours: list[HoursLine]
    languages: list[str]
    eligibility_description: str
    minimum_age: float | None
    maximum_age: float | None
    fees_description: str
    free_or_low_cost: bool
    cost_options: list[CostOption]
    required_documents: list[str]
    needs: list[str]


def _hours(schedules: list[Schedule]) -> list[HoursLine]:
    lines = []
    for s in schedules:
        opens = s.opens_at.strftime("%H:%M") if s.opens_at else ""
        closes = s.closes_at.strftime("%H:%M") if s.closes_at else ""
        weekly = weekly_intervals(s.freq, s.byday, s.opens_at, s.closes_at)
        tokens = {t.strip() for t in s.byday.upper().split(",")} if weekly else set()
        days: list[int | None] = [i for i, day in enumerate(DAYS) if day in tokens] or [None]
        lines += [HoursLine(day, opens, closes, s.description, s.notes) for day in days]
    return sorted(lines, key=lambda h: (h.weekday is None, h.weekday or 0, h.opens))


def _codes(languages: list[Language]) -> list[str]:
    return sorted({c for c in (language_code(x.code, x.name) for x in languages) if c})


def service_detail(service_id: uuid.UUID | str) -> ServiceDetail | None:
    """Everything a referral summary needs, in 9 queries whatever the service's size."""
    service = Service.objects.select_related("organization").filter(pk=service_id).first()
    if service is None:
        return None
    sals = list(ServiceAtLocation.objects.filter(service=service).select_related("location"))
    locations = [s.location for s in sals if s.location is not None]
    location_ids = [loc.pk for loc in locations]
    addresses = list(Address.objects.filter(location_id__in=location_ids).order_by("pk"))
    phones = list(
        Phone.objects.filter(
            Q(service=service)
            | Q(service_at_location__in=sals)
            | Q(location_id__in=location_ids)
            | Q(organization_id=service.organization_id)
        ).order_by("number", "pk")
    )
    schedules = list(
        Schedule.objects.filter(
            Q(service=service) | Q(service_at_location__in=sals) | Q(location_id__in=location_ids)
        ).order_by("pk")
    )
    languages = list(
        Language.objects.filter(
            Q(service=service)
            | Q(location_id__in=location_ids)
            | Q(phone_id__in=[p.pk for p in phones if p.service_id == service.pk])
        )
    )
    costs = list(CostOption.objects.filter(service=service).order_by("pk"))
    documents = list(RequiredDocument.objects.filter(service=service).order_by("pk"))
    search_rows = list(
        ServiceSearch.objects.filter(service=service).only("needs", "free_or_low_cost")
    )
    try:  # select_related leaves None for a dangling organization_id
        organization = service.organization
    except Organization.DoesNotExist:
        organization = None
    service_schedules = [s for s in schedules if s.service_id == service.pk]
    detail_locations = []
    for loc in locations:
        own = [a for a in addresses if a.location_id == loc.pk]
        detail_locations.append(
            LocationDetail(
                location=loc,
                address=next(
                    (a for a in own if a.address_type == "physical"), own[0] if own else None
                ),
                addresses=own,
                phones=[p for p in phones if p.location_id == loc.pk],
                hours=_hours([s for s in schedules if s.location_id == loc.pk]),
                languages=_codes([x for x in languages if x.location_id == loc.pk]),
            )
        )
    service_phones = [p for p in phones if p.service_id == service.pk] or [
        p for p in phones if p.organization_id == service.organization_id
    ]
    return ServiceDetail(
        service=service,
        organization=organization,
        name=service.name,
        description=service.description,
        url=service.url,
        email=service.email,
        alert=service.alert,
        application_process=service.application_process,
        interpretation_services=service.interpretation_services,
        locations=detail_locations,
        phones=service_phones,
        hours=_hours(service_schedules or schedules),
        languages=_codes(languages),
        eligibility_description=service.eligibility_description,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        fees_description=service.fees_description,
        free_or_low_cost=any(r.free_or_low_cost for r in search_rows),
        cost_options=costs,
        required_documents=[d.document for d in documents if d.document],
        needs=sorted({n for r in search_rows for n in r.need_codes}),
    )


def organizations_for_need(need: str) -> list[Organization]:
    """Organizations offering an active service for this need, by name."""
    return list(
        Organization.objects.filter(
            Exists(ServiceSearch.objects.filter(organization=OuterRef("pk"), need_rows__need=need))
        ).order_by("name", "pk")
    )


def practice_partners(practice: Any) -> list[PracticePartner]:
    """The practice's curated partners (its own notes only), by organization name."""
    return list(
        PracticePartner.objects.for_practice(practice)
        .select_related("organization")
        .order_by("organization__name")
    )


def organization_or_404(organization_id: uuid.UUID | str) -> Organization:
    """Directory rows are public reference data: any staff member may open one."""
    found = Organization.objects.filter(pk=organization_id).first()
    if found is None:
        raise Http404
    return found


def curation_of(practice: Any, organization: Organization) -> dict[str, Any]:
    """The practice's own view of an organization, as form initial values."""
    mine = PracticePartner.objects.for_practice(practice).filter(organization=organization).first()
    if mine is None:
        return {"trusted": False, "on_site": False, "note": ""}
    return {"trusted": mine.trusted, "on_site": mine.on_site, "note": mine.note}
