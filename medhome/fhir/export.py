"""FHIR Bulk Data export, the work behind bulk.py: create a job, run it on the worker, answer
its manifest, cancel it, forget it.

Spec: FHIR Bulk Data Access 2.0.0 (https://hl7.org/fhir/uv/bulkdata/STU2/export.html).

A job runs in the worker's sweep (`run_pending`, registered in jobs.py), never in the web
process. Each resource type is one NDJSON file: its rows come from the registry's `rows` for
the job's principal (tenancy, role capability, consent: the same answer as a search), narrowed
to the group's members (the practice panel: the Patient type's rows) and to `_since`, read in
chunks with the type's `prepare`, dumped with orjson into a buffered file under a temporary
name, renamed when complete and then recorded on the job. A worker killed mid-export leaves a
running job whose lease runs out; the next sweep takes it again, keeps the types already
recorded and writes the interrupted one again from its start.

Audit (docs/decisions: "every read of a child's data is audited"): one EXPORT event per child
whose resources went into the files (record_many, batched), with the client's id and the job's
id, and one EXPORT event for the job with its counts; never PHI in the detail.
"""

import logging
import secrets
import shutil
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db.models import F, Q, QuerySet

from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core import clock, replica
from medhome.core.actor import Actor
from medhome.families.services import CHILD_OBJECT
from medhome.smart.principal import FhirPrincipal
from medhome.smart.scopes import parse_scopes

from . import registry
from .audit import children_of
from .bundles import resource_of
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)
ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)
NDJSON_FORMATS = frozenset({"application/fhir+ndjson", "application/ndjson", "ndjson"})
AUDIT_BATCH = 5000


def conf(name: str) -> Any:
    return settings.MEDHOME_FHIR_EXPORT[name]


def export_root() -> Path:
    return Path(conf("directory"))


def job_dir(job: ExportJob) -> Path:
    return export_root() / str(job.pk)


def file_path(job: ExportJob, file_id: str) -> Path | None:
    """The path of one of the job's recorded files (None for any other name)."""
    if not any(f["id"] == file_id for f in job.files):
        return None
    return job_dir(job) / f"{file_id}.ndjson"


# -- which types ------------------------------------------------------------------------------


def default_types(principal: FhirPrincipal) -> list[str]:
    """Every registered type in the patient compartment the token may read, Patient first."""
    names = [
        name
        for name, kind in registry.REGISTRY.items()
        if kind.patient_path is not None and principal.allows(name, "r")
    ]
    return sorted(names, key=lambda name: (name != "Patient", name))


# -- the Group -------------------------------------------------------------------------------


def member_count(principal: FhirPrincipal) -> int:
    members = _members(principal)
    return 0 if members is None else members.count()


def panel_group(practice: Any, members: int) -> dict[str, Any]:
    """The practice panel as an R4 Group (http://hl7.org/fhir/R4/group.html): id = the
    practice's id, the members counted, not listed."""
    return {
        "resourceType": "Group",
        "id": str(practice.pk),
        "type": "person",
        "actual": True,
        "name": practice.name,
        "quantity": members,
        "managingEntity": {"reference": f"Organization/{practice.pk}"},
    }


# -- kick-off ---------------------------------------------------------------------------------


def active_job(principal: FhirPrincipal) -> ExportJob | None:
    return (
        ExportJob.objects.for_practice(principal.actor.practice)
        .filter(client_id=principal.client_id, status__in=ACTIVE)
        .first()
    )


def create_job(
    *,
    principal: FhirPrincipal,
    level: str,
    group_id: str,
    types: list[str],
    since: datetime | None,
    request_url: str,
    now: datetime,
) -> ExportJob:
    return ExportJob.objects.create(
        practice=principal.actor.practice,
        client_id=principal.client_id,
        user=principal.actor.user,
        scope=" ".join(_scope_words(principal)),
        capabilities=sorted(principal.actor.capabilities),
        level=level,
        group_id=group_id,
        request_url=request_url[:2000],
        types=types,
        since=since,
        requested_at=now,
    )


def _scope_words(principal: FhirPrincipal) -> list[str]:
    return [f"{s.context}/{s.resource_type}.{s.interactions}" for s in principal.scopes.resources]


def valid_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def job_for(principal: FhirPrincipal, job_id: str) -> ExportJob | None:
    """The client's own job in its practice; None for anyone else's (→ 404)."""
    return (
        ExportJob.objects.for_practice(principal.actor.practice)
        .filter(pk=job_id, client_id=principal.client_id)
        .first()
    )


def cancel(job: ExportJob) -> None:
    """DELETE on the status URL: the job stops at its next chunk and its files go."""
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.CANCELLED, finished_at=clock.now(), lease_until=None
    )
    shutil.rmtree(job_dir(job), ignore_errors=True)


def manifest(job: ExportJob, *, file_url: Any) -> dict[str, Any]:
    """The completion manifest; `file_url(file_id)` is a file's absolute URL."""
    moment = job.transaction_time or job.requested_at
    return {
        "transactionTime": moment.isoformat().replace("+00:00", "Z"),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {"type": f["type"], "url": file_url(f["id"]), "count": f["count"]}
            for f in job.files
            if f["count"]
        ],
        "error": [],
    }


# -- the worker -------------------------------------------------------------------------------


def principal_of(job: ExportJob) -> FhirPrincipal | None:
    """The job's principal rebuilt when it runs: None when its client was revoked or deleted,
    so a revocation stops an export that has not finished."""
    from medhome.smart.models import SmartClient

    client = (
        SmartClient.objects.select_related("application")
        .filter(application__client_id=job.client_id, revoked_at__isnull=True)
        .first()
    )
    if client is None or client.practice_id != job.practice_id:
        return None
    actor = Actor(
        user=None,
        practice=job.practice,
        role="system",
        capabilities=frozenset(job.capabilities) & frozenset(client.capabilities or ()),
        request_id=f"export-{job.pk}",
    )
    return FhirPrincipal(
        actor=actor, kind="system", client_id=job.client_id, scopes=parse_scopes(job.scope)
    )


def run_pending(*, now: datetime) -> int:
    """The registered sweep: forget expired exports, then run every queued job and every
    running job whose worker died (its lease ran out). Returns how many jobs finished."""
    remove_expired(now=now)
    finished = 0
    while (job := claim_next()) is not None:
        if run_job(job):
            finished += 1
    return finished


def claim_next() -> ExportJob | None:
    """Take one job with a compare-and-set on its status and lease (safe with two workers)."""
    now = clock.now()
    waiting = ExportJob.objects.filter(
        Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, lease_until__lt=now)
    ).order_by("requested_at")
    for job in waiting[:10]:
        if job.attempts >= conf("max_attempts"):
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportStatus.FAILED, finished_at=now, error="The export stopped repeatedly."
            )
            continue
        taken = ExportJob.objects.filter(
            pk=job.pk, status=job.status, lease_until=job.lease_until
        ).update(
            status=ExportStatus.RUNNING,
            lease_until=now + timedelta(seconds=conf("lease_seconds")),
            attempts=F("attempts") + 1,
            transaction_time=job.transaction_time or now,
        )
        if taken:
            job.refresh_from_db()
            return job
    return None


class Cancelled(Exception):  # noqa: N818 - the client's DELETE, not a program error
    pass


def run_job(job: ExportJob) -> bool:
    """Write the job's missing files; True when it ended done."""
    principal = principal_of(job)
    if principal is None:
        _fail(job, "The client was revoked.")
        return False
    directory = job_dir(job)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.part"):  # an interrupted attempt's half-written file
        stale.unlink()
    members = _members(principal)
    # The job's transactionTime is set: the replica serves it only once it holds every commit
    # made until now (medhome.core.replica).
    alias = replica.caught_up_alias()
    children: set[Any] = set()
    written = {f["type"] for f in job.files}
    try:
        for number, name in enumerate(job.types, start=1):
            if name in written:
                continue
            _heartbeat(job, progress=f"{name} ({number} of {len(job.types)} types)")
            count = write_type(job, principal, name, members, children, using=alias)
            job.files = [*job.files, count]
            ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(files=job.files)
    except (Cancelled, FileNotFoundError):
        # Cancelled (DELETE removed the directory under the writer) or a real loss of the
        # directory: either way nothing half-written is served.
        if ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).exists():
            raise
        shutil.rmtree(directory, ignore_errors=True)
        return False
    _audit(job, principal, children)
    updated = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, finished_at=clock.now(), lease_until=None, progress=""
    )
    logger.info("export %s done: %d files", job.pk, len(job.files))
    return bool(updated)


def _members(principal: FhirPrincipal) -> QuerySet[Any] | None:
    """The group's members: the practice panel as the Patient type serves it."""
    patient = registry.get("Patient")
    return None if patient is None else patient.rows(principal).values("pk")


def type_rows(
    principal: FhirPrincipal,
    name: str,
    members: QuerySet[Any] | None,
    since: datetime | None,
    *,
    using: str = "default",
) -> QuerySet[Any]:
    kind = registry.REGISTRY[name]
    rows = kind.rows(principal)
    if kind.patient_path and members is not None:
        if "__" in kind.patient_path:
            # A path through a to-many link (RelatedPerson: family__children) would repeat a
            # row per child: select the rows by id instead.
            about = kind.model._default_manager.filter(**{f"{kind.patient_path}__in": members})
            rows = rows.filter(pk__in=about.values("pk"))
        else:
            rows = rows.filter(**{f"{kind.patient_path}__in": members})
    if since is not None and kind.updated_field:
        rows = rows.filter(**{f"{kind.updated_field}__gt": since})
    if kind.prepare is not None:
        rows = kind.prepare(rows)
    return rows.using(using).order_by("pk")


def write_type(
    job: ExportJob,
    principal: FhirPrincipal,
    name: str,
    members: QuerySet[Any] | None,
    children: set[Any],
    *,
    using: str = "default",
) -> dict[str, Any]:
    """One type's NDJSON file, complete or not at all; its manifest entry."""
    kind = registry.REGISTRY[name]
    file_id = secrets.token_urlsafe(18)
    final = job_dir(job) / f"{file_id}.ndjson"
    part = final.with_suffix(".part")
    chunk = conf("chunk_rows")
    count = 0
    batch: list[Any] = []
    dumps = orjson.dumps
    newline = orjson.OPT_APPEND_NEWLINE
    with part.open("wb", buffering=1 << 20) as out:
        rows = type_rows(principal, name, members, job.since, using=using)
        for row in rows.iterator(chunk_size=chunk):
            out.write(dumps(resource_of(kind, row, principal), option=newline))
            batch.append(row)
            count += 1
            if len(batch) >= chunk:
                children |= children_of(kind, batch)
                batch.clear()
            if count % (chunk * 10) == 0:
                _heartbeat(job, progress=f"{name}: {count} resources")
        children |= children_of(kind, batch)
    part.rename(final)
    return {"type": name, "id": file_id, "count": count}


def _heartbeat(job: ExportJob, *, progress: str) -> None:
    """Renew the lease and say how far it got; a cancelled job stops here."""
    now = clock.now()
    kept = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        lease_until=now + timedelta(seconds=conf("lease_seconds")), progress=progress[:100]
    )
    if not kept:
        raise Cancelled


def _fail(job: ExportJob, error: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, finished_at=clock.now(), lease_until=None, error=error
    )
    shutil.rmtree(job_dir(job), ignore_errors=True)


def _audit(job: ExportJob, principal: FhirPrincipal, children: Iterable[Any]) -> None:
    at = clock.now()
    detail = {"client": principal.client_id, "export": str(job.pk)}
    ids = sorted(str(c) for c in children if c is not None)
    for start in range(0, len(ids), AUDIT_BATCH):
        record_many(
            actor=principal.actor,
            entries=[
                Entry(action=Action.EXPORT, object_type=CHILD_OBJECT, object_id=c, detail=detail)
                for c in ids[start : start + AUDIT_BATCH]
            ],
            at=at,
        )
    record(
        actor=principal.actor,
        action=Action.EXPORT,
        object_type="fhir_export",
        object_id=job.pk,
        at=at,
        detail={**detail, "counts": {f["type"]: f["count"] for f in job.files}},
    )


def remove_expired(*, now: datetime) -> int:
    """Finished exports older than the retention: their files go, the row says so (its status
    URL and files answer 404 from then on)."""
    cutoff = now - timedelta(hours=conf("keep_hours"))
    old = ExportJob.objects.filter(finished_at__lt=cutoff).exclude(
        status__in=[*ACTIVE, ExportStatus.EXPIRED]
    )
    removed = 0
    for job in old:
        shutil.rmtree(job_dir(job), ignore_errors=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, files=[])
        removed += 1
    return removed
