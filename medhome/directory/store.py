"""Writing HSDS rows: insert new ids, update known ones in place (no duplicates)."""

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from .models import Attribute, HsdsRecord, Service, ServiceAtLocation

CHUNK = 500  # under every backend's limit on query parameters


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_tables(
    instances: dict[str, list[HsdsRecord]],
) -> tuple[dict[str, int], dict[str, int]]:
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    for name, records in instances.items():
        if not records:
            continue
        model = type(records[0])
        manager = model._default_manager
        known: set[uuid.UUID] = set()
        for batch in chunks(r.pk for r in records):
            known.update(manager.filter(pk__in=batch).values_list("pk", flat=True))
        new = [r for r in records if r.pk not in known]
        old = [r for r in records if r.pk in known]
        manager.bulk_create(new, batch_size=CHUNK)
        columns = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        if old:
            manager.bulk_update(old, columns, batch_size=100)
        created[name], updated[name] = len(new), len(old)
    return created, updated


def affected_services(instances: dict[str, list[HsdsRecord]]) -> set[uuid.UUID]:
    """The services whose search columns an import may have changed."""
    services: set[uuid.UUID] = set()
    sals: set[uuid.UUID] = set()
    locations: set[uuid.UUID] = set()
    organizations: set[uuid.UUID] = set()
    terms: set[uuid.UUID] = set()
    linked: set[uuid.UUID] = set()
    for name, records in instances.items():
        for r in records:
            values = vars(r)
            if name == "service":
                services.add(r.pk)
            elif name == "service_at_location":
                sals.add(r.pk)
            elif name == "location":
                locations.add(r.pk)
            elif name == "organization":
                organizations.add(r.pk)
            elif name == "taxonomy_term":
                terms.add(r.pk)
            elif name == "attribute" and values.get("link_id"):
                linked.add(values["link_id"])
            for column, bucket in (
                ("service_id", services),
                ("service_at_location_id", sals),
                ("location_id", locations),
            ):
                if values.get(column):
                    bucket.add(values[column])
    for batch in chunks(terms):
        for link_id in Attribute.objects.filter(taxonomy_term_id__in=batch).values_list(
            "link_id", flat=True
        ):
            if link_id:
                linked.add(link_id)
    services |= {i for i in linked if i}
    sals |= {i for i in linked if i}
    for batch in chunks([*sals, *locations]):
        services.update(
            ServiceAtLocation.objects.filter(
                Q(pk__in=batch) | Q(location_id__in=batch)
            ).values_list("service_id", flat=True)
        )
    for batch in chunks(organizations):
        services.update(
            Service.objects.filter(organization_id__in=batch).values_list("pk", flat=True)
        )
    return services
