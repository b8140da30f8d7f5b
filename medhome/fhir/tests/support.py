"""Helpers of the FHIR core's tests: R4B validation of any answer, a scored screen."""

from datetime import date
from typing import Any

from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from medhome.instruments import registry
from medhome.screening.models import Administration


def valid(body: dict[str, Any]) -> dict[str, Any]:
    """The answer, after proving it (and every resource in a Bundle) valid R4B."""
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    for entry in body.get("entry") or []:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return body


def scored_screen(child, key, answers, *, total=None, positive=None, band="", domains=(), **extra):
    """A scored screen as it is stored (the scoring itself is the instruments' tests' subject)."""
    instrument = registry.get(key)
    now = timezone.now()
    return Administration.objects.create(
        practice=child.practice,
        child=child,
        instrument_key=key,
        instrument_version=instrument.version,
        mode="tablet",
        respondent=extra.pop("respondent", "caregiver"),
        language="en",
        status=extra.pop("status", "scored"),
        answers=answers,
        started_at=now,
        updated_at=now,
        submitted_at=now,
        administered_on=extra.pop("on", date(2026, 11, 2)),
        total=total,
        positive=positive,
        band=band,
        positive_domains=list(domains),
        **extra,
    )


HVS_AT_RISK = {"1": "LA28397-0", "2": "LA28398-8"}


def positive_hvs(child, **extra):
    """A Hunger Vital Sign at risk: a positive social-needs screen, food domain."""
    return scored_screen(
        child, "hvs", HVS_AT_RISK, positive=True, band="positive", domains=("food",), **extra
    )


def referral_from_screen(child, caregiver, clinician, screen, organization_name, *, shared_items):
    """A sent referral to a new organization, started from `screen`, under a consent sharing
    `shared_items`: (the referral, its organization)."""
    from tests import factories

    organization = factories.organization(organization_name)
    referral = factories.sent_referral(
        child, caregiver, clinician, organization, shared_items=shared_items
    )
    type(referral).objects.filter(pk=referral.pk).update(source_administration=screen)
    return referral, organization
