"""Hospital events from a spreadsheet (columns mrn, kind, started_at, ended_at, facility,
notes): every row checked, then all recorded through `services.record_event`, or none."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child

from . import parsing
from .checks import column_length
from .models import EventKind, Source
from .services import record_event

CSV_COLUMNS = ("mrn", "kind", "started_at", "ended_at", "facility", "notes")
FACILITY_LENGTH = column_length("facility")


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _csv_moment(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError
        moment = datetime(day.year, day.month, day.day)
    return parsing._aware(moment)


def import_csv(*, actor: Actor, file: IO[bytes] | IO[str], at: datetime) -> ImportReport:
    """Columns mrn, kind, started_at, ended_at, facility, notes. All rows or none."""
    if not actor.can(Capability.FAMILY_EDIT) or actor.practice is None:
        raise PermissionDenied(_("You cannot change events of this practice."))
    content = file.read()
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ImportReport(errors=[(0, _("The file is not UTF-8 text."))])
    reader = csv.DictReader(io.StringIO(content))
    missing = [c for c in ("mrn", "kind", "started_at") if c not in (reader.fieldnames or [])]
    if missing:
        return ImportReport(errors=[(0, _("Missing columns: %s") % ", ".join(missing))])
    report = ImportReport()
    rows: list[dict[str, Any]] = []
    children = Child.objects.for_practice(actor.practice)
    for number, row in enumerate(reader, start=2):
        values = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
        child = children.filter(mrn=values["mrn"]).first() if values["mrn"] else None
        if child is None:
            report.errors.append((number, _("No child of the practice has this MRN.")))
            continue
        if values["kind"] not in EventKind.values:
            report.errors.append((number, _("Unknown kind of event.")))
            continue
        try:
            started, ended = _csv_moment(values["started_at"]), _csv_moment(values["ended_at"])
        except ValueError:
            report.errors.append((number, _("A date is not in YYYY-MM-DD[ HH:MM] form.")))
            continue
        if started is None:
            report.errors.append((number, _("started_at is required.")))
            continue
        if ended is not None and ended < started:
            report.errors.append((number, _("The end is before the start.")))
            continue
        if len(values["facility"]) > FACILITY_LENGTH:
            message = _("The facility is longer than %(limit)d characters.")
            report.errors.append((number, message % {"limit": FACILITY_LENGTH}))
            continue
        rows.append({**values, "child": child, "started_at": started, "ended_at": ended})
    if report.errors:
        return report
    with transaction.atomic():
        for row in rows:
            record_event(
                actor=actor,
                child=row["child"],
                kind=row["kind"],
                started_at=row["started_at"],
                ended_at=row["ended_at"],
                facility=row["facility"],
                notes=row["notes"],
                source=Source.CSV,
                at=at,
            )
    report.created = len(rows)
    return report
