"""Writing HSDS rows: insert new ids, update known ones in place (no duplicates)."""

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from medhome.core.progress import Progress

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


def _values(record: HsdsRecord, columns: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(record, column) for column in columns)


def write_tables(
    instances: dict[str, list[HsdsRecord]], *, progress: Progress | None = None
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(created, updated, unchanged) per table: a known id whose values are the same is left
    alone (a re-sent package writes only what changed)."""
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    unchanged: dict[str, int] = {}
    for name, records in instances.items():
        if not records:
            continue
        model = type(records[0])
        manager = model._default_manager
        columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        new: list[HsdsRecord] = []
        changed: list[HsdsRecord] = []
        same = 0
        for batch in chunks(records):
            known = manager.in_bulk([r.pk for r in batch])
            for record in batch:
                stored = known.get(record.pk)
                if stored is None:
                    new.append(record)
                elif _values(stored, columns) == _values(record, columns):
                    same += 1
                else:
                    changed.append(record)
        for batch in chunks(new):
            manager.bulk_create(batch, batch_size=CHUNK)
            if progress is not None:
                progress.advance(len(batch))
        for batch in chunks(changed, 100):
            manager.bulk_update(batch, names, batch_size=100)
            if progress is not None:
                progress.advance(len(batch))
        if progress is not None:
            progress.advance(same)
        created[name], updated[name], unchanged[name] = len(new), len(changed), same
    return created, updated, unchanged


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
