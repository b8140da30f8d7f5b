"""A panel spreadsheet (CSV) for practices whose EHR sends neither FHIR nor HL7.

Row by row, each in its own transaction: a bad row is refused with its row number and reason and
never stops or half-applies the others. Children go through patients.upsert_patient (the one
way); caregivers are matched by their caregiver_id, else — the domain rule for a panel without
caregiver ids — by name and phone within the household, and added when new (what a family told
the practice about a caregiver is never overwritten by a spreadsheet). Uploading the same file
again changes nothing. Reasons are stored in English (medhome's words, no PHI) and shown in the
reader's language.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from phonenumber_field.phonenumber import to_python

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families import services as families
from medhome.families.languages import normalize_language
from medhome.families.models import (
    MRN_SYSTEM,
    Caregiver,
    CaregiverIdentifier,
    Family,
    PanelMembership,
)
from medhome.families.names import name_key
from medhome.families.vocabulary import Payer, Relationship

from . import waiting
from .models import ImportKind, ImportProblem, ImportRun, ImportStatus
from .patients import PatientData, find_child, upsert_patient

CAREGIVER_SYSTEM = "urn:medhome:csv-panel:caregiver"
CHILD_COLUMNS = (
    "mrn",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex_at_birth",
    "language",
    "payer",
    "member_id",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip",
)
CAREGIVER_COLUMNS = (
    "caregiver_given_name",
    "caregiver_family_name",
    "caregiver_relationship",
    "caregiver_phone",
    "caregiver_email",
    "caregiver_language",
    "caregiver_id",
)
OPTIONAL_COLUMNS = ("household_id", "panel_start")
COLUMNS = CHILD_COLUMNS + CAREGIVER_COLUMNS + OPTIONAL_COLUMNS
# The zip column may be empty: a family without a fixed address is on the panel all the same.
REQUIRED = ("mrn", "given_name", "family_name", "date_of_birth", "sex_at_birth")
EXAMPLE = {
    "mrn": "MRN-1001",
    "given_name": "Ana",
    "family_name": "Pérez",
    "date_of_birth": "2024-02-29",
    "sex_at_birth": "female",
    "language": "es",
    "payer": "medicaid",
    "member_id": "MA-12345",
    "address_line1": "1 Example Street",
    "city": "Boston",
    "state": "MA",
    "zip": "02118",
    "caregiver_given_name": "Lucía",
    "caregiver_family_name": "Pérez",
    "caregiver_relationship": "mother",
    "caregiver_phone": "+16175550100",
    "caregiver_language": "es",
    "household_id": "H-1",
    "panel_start": "2024-03-01",
}
SEX = {"f": "female", "female": "female", "m": "male", "male": "male", "u": "unknown"}
SEX |= {"unknown": "unknown"}

# Refusal reasons: English msgids, stored as such and translated on the page.
BAD_DATE = gettext_noop("A date is not in YYYY-MM-DD form.")
BAD_SEX = gettext_noop("sex_at_birth must be female, male or unknown.")
BAD_PAYER = gettext_noop("payer must be medicaid, chip, commercial, uninsured or other.")
BAD_LANGUAGE = gettext_noop("A language is not an ISO 639 code such as es or vi.")
BAD_RELATIONSHIP = gettext_noop("caregiver_relationship is not one medhome knows.")
BAD_PHONE = gettext_noop("caregiver_phone is not a phone number.")
MISSING = gettext_noop("A required column is empty.")
FUTURE_START = gettext_noop("panel_start is before the date of birth or in the future.")
INVALID_CHILD = gettext_noop("The child's details are not valid.")
INVALID_CAREGIVER = gettext_noop("The caregiver's details are not valid.")
OTHER_HOUSEHOLD = gettext_noop("The caregiver_id belongs to a caregiver of another household.")


class RowRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Row:
    number: int
    data: PatientData
    household: str
    panel_start: date | None
    caregiver: dict[str, str]


def template_rows() -> tuple[tuple[str, ...], dict[str, str]]:
    return COLUMNS, EXAMPLE


def _day(value: str) -> date | None:
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise RowRefused(BAD_DATE)
    return parsed


def _language(value: str) -> str:
    if not value:
        return ""
    try:
        return normalize_language(value)
    except ValidationError:
        raise RowRefused(BAD_LANGUAGE) from None


def read_row(number: int, raw: dict[str, str]) -> Row:
    values = {column: (raw.get(column) or "").strip() for column in COLUMNS}
    if any(not values[column] for column in REQUIRED):
        raise RowRefused(MISSING)
    born = _day(values["date_of_birth"])
    assert born is not None
    sex = SEX.get(values["sex_at_birth"].lower())
    if sex is None:
        raise RowRefused(BAD_SEX)
    payer = values["payer"].lower()
    if payer and payer not in Payer.values:
        raise RowRefused(BAD_PAYER)
    mrn = values["mrn"]
    data = PatientData(
        identifiers=((MRN_SYSTEM, mrn),),
        mrn=mrn,
        legal_given_name=values["given_name"],
        legal_family_name=values["family_name"],
        date_of_birth=born,
        sex_at_birth=sex,
        preferred_language=_language(values["language"]),
        address_line1=values["address_line1"],
        address_line2=values["address_line2"],
        city=values["city"],
        state=values["state"].upper(),
        zip_code=values["zip"],
        payer=payer,
        payer_member_id=values["member_id"] if payer else "",
    )
    caregiver = {column: values[column] for column in CAREGIVER_COLUMNS}
    if caregiver["caregiver_given_name"]:
        caregiver["caregiver_language"] = _language(caregiver["caregiver_language"])
        relationship = caregiver["caregiver_relationship"].lower() or Relationship.PARENT
        if relationship not in Relationship.values:
            raise RowRefused(BAD_RELATIONSHIP)
        caregiver["caregiver_relationship"] = relationship
    return Row(number, data, values["household_id"], _day(values["panel_start"]), caregiver)


def _family_for(row: Row, households: dict[str, Family]) -> Family | None:
    """The household a new child joins: the one this file's household id already named (a
    sibling seen earlier in the file, or a known child of the household), else its own."""
    if not row.household:
        return None
    return households.get(row.household)


def _phone(value: str) -> str:
    if not value:
        return ""
    number = to_python(value, region="US")
    if number is None or not number.is_valid():
        raise RowRefused(BAD_PHONE)
    return str(number)


def _caregiver(actor: Actor, family: Family, row: Row, at: datetime) -> bool:
    """Find or add the row's caregiver in the child's household; True when one was added."""
    given = row.caregiver["caregiver_given_name"]
    if not given:
        return False
    phone = _phone(row.caregiver["caregiver_phone"])
    known_id = row.caregiver["caregiver_id"]
    if known_id:
        hit = (
            CaregiverIdentifier.objects.for_practice(family.practice)
            .filter(system=CAREGIVER_SYSTEM, value=known_id)
            .select_related("caregiver")
            .first()
        )
        if hit is not None:
            if hit.caregiver.family_id != family.pk:
                raise RowRefused(OTHER_HOUSEHOLD)
            return False
    else:
        surname = name_key(row.caregiver["caregiver_family_name"])
        for caregiver in Caregiver.objects.for_practice(family.practice).filter(family=family):
            same_name = name_key(caregiver.given_name) == name_key(given)
            same_name = same_name and name_key(caregiver.family_name) == surname
            if same_name and str(caregiver.phone or "") == phone:
                return False
    email = row.caregiver["caregiver_email"]
    values = {
        "given_name": given,
        "family_name": row.caregiver["caregiver_family_name"] or row.data.legal_family_name,
        "relationship": row.caregiver["caregiver_relationship"],
        "phone": phone,
        "email": email,
        "preferred_language": row.caregiver["caregiver_language"]
        or row.data.preferred_language
        or "en",
        "preferred_channel": "text" if phone else ("email" if email else "print"),
    }
    try:
        caregiver = families.add_caregiver(
            actor=actor, family=family, values=values, windows=[], at=at
        )
    except ValidationError:
        raise RowRefused(INVALID_CAREGIVER) from None
    if known_id:
        CaregiverIdentifier.objects.create(
            practice=family.practice,
            caregiver=caregiver,
            system=CAREGIVER_SYSTEM,
            value=known_id[:100],
            created_at=at,
        )
    return True


def _apply(actor: Actor, row: Row, households: dict[str, Family], at: datetime) -> str:
    practice = actor.practice
    if row.panel_start and not (row.data.date_of_birth <= row.panel_start <= at.date()):
        raise RowRefused(FUTURE_START)
    existing = find_child(practice, row.data.identifiers, row.data.mrn)
    if existing is not None and row.household:
        households.setdefault(row.household, existing.family)
    try:
        child, outcome = upsert_patient(
            practice=practice,
            data=row.data,
            actor=actor,
            at=at,
            family=_family_for(row, households),
        )
    except ValidationError as refused:
        messages = refused.messages
        raise RowRefused(messages[0] if len(messages) == 1 else INVALID_CHILD) from None
    if row.household:
        households.setdefault(row.household, child.family)
    if outcome == "created" and row.panel_start:
        PanelMembership.objects.filter(child=child, ends_on__isnull=True).update(
            starts_on=row.panel_start
        )
    added = _caregiver(actor, child.family, row, at)
    if added and outcome == "unchanged":
        outcome = "updated"
    return outcome


def import_panel_csv(
    *, actor: Actor, file: IO[bytes] | IO[str], name: str, at: datetime
) -> ImportRun:
    """Import a panel CSV into the actor's practice; the run holds the counts and the refused
    rows. PermissionDenied without the panel-import capability."""
    if not actor.can(Capability.PANEL_IMPORT) or actor.practice is None:
        raise PermissionDenied(_("You cannot import the panel of this practice."))
    run = ImportRun.objects.create(
        practice=actor.practice,
        kind=ImportKind.CSV_PANEL,
        source_name=name[:300],
        started_at=at,
    )
    counts: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    problems: list[ImportProblem] = []

    def refuse(line: int, reason: str) -> None:
        refused[reason] += 1
        problems.append(
            ImportProblem(
                practice=actor.practice,
                run=run,
                file=run.source_name[:200],
                line=line,
                reason=reason[:300],
            )
        )

    raw_content = file.read()
    content: str | None = None
    if isinstance(raw_content, bytes):
        try:
            content = raw_content.decode("utf-8-sig")
        except UnicodeDecodeError:
            refuse(0, gettext_noop("The file is not UTF-8 text."))
    else:
        content = raw_content
    households: dict[str, Family] = {}
    if content is not None:
        reader = csv.DictReader(io.StringIO(content))
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            refuse(1, gettext_noop("The file lacks a required column."))
        else:
            # Reasons are kept in English (translated when shown), whatever the uploader's
            # language.
            with translation.override("en"):
                for number, raw in enumerate(reader, start=2):
                    try:
                        with transaction.atomic():
                            row = read_row(number, raw)
                            counts[_apply(actor, row, households, at)] += 1
                    except RowRefused as refusal:
                        refuse(number, refusal.reason)
    ImportProblem.objects.bulk_create(problems)
    run.counts = {
        "imported": counts["created"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "refused": dict(refused),
    }
    run.status = ImportStatus.DONE
    run.finished_at = at
    run.save(update_fields=["counts", "status", "finished_at"])
    # EHR messages waiting for one of these children (a practice may have both) apply now.
    if counts["created"] or counts["updated"]:
        waiting.replay_waiting(actor.practice, at)
    return run
