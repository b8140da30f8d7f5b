"""What the screening resources (Questionnaire, QuestionnaireResponse, Observation) share: the
canonical of an instrument version, the license rule for wording, the partner-violence items
that never leave medhome, who may read which screen, and small search helpers.

Rules and their sources:
- Wording: only an instrument whose text medhome may redistribute (TextLicense.BUNDLED: the
  public-domain / "no permission required" files in medhome/instruments/data, SOURCE.md) carries
  item and answer text. A licensed text pack is the practice's permission to show the wording to
  its own families, not to redistribute it (domain-reference §4 "licenses and item text"), so no
  API answer ever reads a TextPack; licensed and proprietary instruments carry linkId, codes and
  scores only.
- Partner violence: the AHC HRSN interpersonal-safety items (group "safety", items 7–10), their
  subscore (LOINC 95614-4) and the "safety" domain never reach a shared surface
  (domain-reference §4 "Partner violence / safety"; docs/clinical-rules.md#safety-referrals).
  An API client is such a surface, so they are left out of every answer.
- Who reads: results need screening.results, item answers screening.detail, an adolescent's own
  confidential screen needs screening.detail too (screening.selectors.may_see_result).
- Partners: a community organization's client reads a screen's result Observation only when a
  standing consent to that organization, on a sent referral started from that screen, shares
  SharedItem.SCREENING_RESULT (referrals.models); never a confidential screen, never the items.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from medhome.fhir.params import parse_token, reference_ids
from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Item, Option, TextLicense
from medhome.instruments.fhir_codes import (
    ANSWER_SYSTEM_BASE,
    CANONICAL_BASE,
    LOINC,
    TOTAL_LINK_ID,
    answer_system,
    canonical,
    versioned_canonical,
)
from medhome.referrals.models import Referral, SharedItem
from medhome.referrals.states import Status as ReferralStatus
from medhome.smart.principal import FhirPrincipal

__all__ = [
    "ANSWER_SYSTEM_BASE",
    "CANONICAL_BASE",
    "LOINC",
    "TOTAL_LINK_ID",
    "canonical",
    "versioned_canonical",
]

# Items and scores that never leave medhome (see the module docstring).
SAFETY_GROUPS = frozenset({"safety"})
SAFETY_SUBSCORES = frozenset({"safety"})
# medhome's social-needs domains → SDOHCC categories (interop-codes.md §1.9); never "safety".
SDOH_DOMAINS = {
    "food": "food-insecurity",
    "housing": "housing-instability",
    "transportation": "transportation-insecurity",
    "utilities": "utility-insecurity",
}
LICENSED_NOTE = (
    "The wording of this instrument is licensed by its authors: medhome carries its structure, "
    "codes and scoring only, never its text."
)


def instrument_of(key: str) -> Instrument | None:
    try:
        return registry.get(key)
    except registry.UnknownInstrument:
        return None


def shared_with_partner(principal: FhirPrincipal) -> QuerySet[Any] | None:
    """The ids of the screens whose result a standing consent shares with the partner
    organization's client (see the module docstring); None for a member who left it."""
    from medhome.referrals.selectors import has_active_partner_membership

    actor = principal.actor
    organization = principal.organization_id
    if organization is None:
        return None
    if actor.user is not None and not has_active_partner_membership(actor.user, actor.organization):
        return None
    return (
        Referral.objects.filter(
            organization_id=organization,
            confidential=False,
            consent__organization_id=organization,
            consent__revoked_at__isnull=True,
            consent__given_by_adolescent=False,
            consent__shared_items__icontains=f'"{SharedItem.SCREENING_RESULT.value}"',
            source_administration__isnull=False,
        )
        .exclude(status__in=[ReferralStatus.DRAFT, ReferralStatus.ENTERED_IN_ERROR])
        .values("source_administration_id")
    )


def redistributable(instrument: Instrument) -> bool:
    return instrument.text_license == TextLicense.BUNDLED


def shared_items(instrument: Instrument) -> tuple[Item, ...]:
    """The items an answer may carry: never a partner-violence item."""
    return tuple(i for i in instrument.items if i.group not in SAFETY_GROUPS)


def is_sdoh(instrument: Instrument) -> bool:
    """A social-needs screen (the periodicity row "social_needs": HVS, AHC HRSN)."""
    return "social_needs" in instrument.rows


def answer_coding(instrument: Instrument, option: Option) -> dict[str, Any]:
    """An answer's Coding: LOINC answer codes (LA…) as they are, medhome's own codes in a
    per-instrument system; the display only when the wording may be redistributed."""
    coding: dict[str, Any] = {"system": answer_system(instrument, option.code), "code": option.code}
    display = option.text.get("en") if redistributable(instrument) else None
    if display:
        coding["display"] = display
    return coding


def keys_for_codes(values: Iterable[str]) -> tuple[set[str], set[str]]:
    """(instrument keys, EHR codes) a `code` token search names: an instrument by its LOINC
    panel, total or result code (system LOINC or none); any other code is an EHR code."""
    keys: set[str] = set()
    codes: set[str] = set()
    for value in values:
        system, _sep, code = value.rpartition("|") if "|" in value else (None, "", value)
        if not code:
            continue
        if system not in (None, "", LOINC):
            if system in ("http://www.ama-assn.org/go/cpt",):
                codes.add(code)
            continue
        for instrument in registry.all_instruments():
            if code in (instrument.loinc_panel, instrument.loinc_total, instrument.loinc_result):
                keys.add(instrument.key)
        codes.add(code)
    return keys, codes


def split_token(value: str) -> tuple[str | None, str]:
    return parse_token(value)


def by_ids(
    qs: QuerySet[Any], field: str, name: str, values: Iterable[str], target: str
) -> QuerySet[Any]:
    """`Target/<uuid>` or `<uuid>` references (params.reference_ids: another type is a 400)."""
    return qs.filter(**{f"{field}__in": reference_ids(name, values, target)})
