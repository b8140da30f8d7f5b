"""Demo directory: the HSDS 3.0 examples plus ~40 invented local services around the two demo
practices (Providence RI and East Boston MA). Every name, address and phone number here is
synthetic (555-01xx numbers are reserved for fiction); ids are fixed by the seed, so loading
twice updates in place."""

import random
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction

from .geo import zip_centroid
from .hsds import ImportReport, import_datapackage, import_rows
from .taxonomy import need_term_id, needs_taxonomy_rows

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "hsds-examples" / "csv"
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "vi": "Vietnamese",
    "ht": "Haitian Creole",
}
PLACES = {
    "02903": ("Providence", "RI", "401"),
    "02904": ("Providence", "RI", "401"),
    "02905": ("Providence", "RI", "401"),
    "02906": ("Providence", "RI", "401"),
    "02907": ("Providence", "RI", "401"),
    "02908": ("Providence", "RI", "401"),
    "02909": ("Providence", "RI", "401"),
    "02128": ("East Boston", "MA", "617"),
    "02129": ("Charlestown", "MA", "617"),
    "02150": ("Chelsea", "MA", "617"),
    "02151": ("Revere", "MA", "781"),
}
ON_SITE_PARTNER = "harbor-mlp"  # the demo's medical-legal partnership, working in the clinic

# key, organization, service, needs, ZIP, street, languages, [(days, opens, closes)],
# minimum age, maximum age, cost in USD (0 = free, None = not stated), what to bring
Spec = tuple[
    str,
    str,
    str,
    list[str],
    str,
    str,
    str,
    list[tuple[str, str, str]],
    float | None,
    float | None,
    float | None,
    str,
]
SERVICES: list[Spec] = [
    (
        "osfb",
        "Ocean State Food Bank",
        "Ocean State Food Bank Pantry",
        ["food"],
        "02907",
        "120 Cranston Street",
        "en es",
        [(WEEKDAYS, "09:00", "17:00")],
        None,
        None,
        0,
        "A photo ID or any letter with your name",
    ),
    (
        "federal-hill",
        "Federal Hill Neighbors",
        "Federal Hill Community Pantry",
        ["food"],
        "02903",
        "45 Atwells Avenue",
        "en es pt",
        [("TU,TH", "15:00", "19:00"), ("SA", "10:00", "13:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "southside-produce",
        "South Side Growers",
        "South Side Mobile Produce Market",
        ["food"],
        "02905",
        "300 Broad Street",
        "en es",
        [("WE", "11:00", "14:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "mount-hope-baby",
        "Mount Hope Family Center",
        "Mount Hope Baby Pantry",
        ["food"],
        "02906",
        "18 Camp Street",
        "en es ht",
        [("MO,TH", "10:00", "15:00")],
        0,
        3,
        0,
        "The baby's birth certificate or hospital card",
    ),
    (
        "pvd-wic",
        "Providence Family Nutrition",
        "Providence WIC Enrollment Office",
        ["benefits"],
        "02908",
        "210 Chalkstone Avenue",
        "en es pt ht",
        [(WEEKDAYS, "08:30", "16:30")],
        0,
        5,
        0,
        "Proof of income, proof of address, the child's immunization record",
    ),
    (
        "pvd-snap",
        "Capital City Benefits Desk",
        "SNAP Application Help Desk",
        ["benefits"],
        "02909",
        "77 Manton Avenue",
        "en es vi",
        [("MO,WE,FR", "10:00", "15:00")],
        None,
        None,
        0,
        "Pay stubs from the last 30 days, a photo ID",
    ),
    (
        "pvd-housing",
        "Rhode Family Housing Help",
        "Family Housing Help Line",
        ["housing"],
        "02903",
        "1 Weybosset Street",
        "en es",
        [(WEEKDAYS, "09:00", "17:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "elmwood-tenant",
        "Elmwood Tenant Resource Center",
        "Tenant Rights Drop-in",
        ["housing", "legal"],
        "02907",
        "800 Elmwood Avenue",
        "en es",
        [("TU,WE,TH", "12:00", "18:00")],
        None,
        None,
        0,
        "Your lease and any notice from the landlord",
    ),
    (
        "narragansett-utility",
        "Narragansett Utility Assistance Program",
        "Utility Bill Help",
        ["utilities"],
        "02904",
        "9 Douglas Avenue",
        "en es pt",
        [("MO,TU,WE,TH", "09:00", "16:00")],
        None,
        None,
        0,
        "Your most recent utility bill and shut-off notice",
    ),
    (
        "olneyville-heat",
        "Olneyville Neighborhood Association",
        "Winter Heat Help",
        ["utilities"],
        "02909",
        "12 Olneyville Square",
        "en es vi",
        [("TU,TH", "13:00", "18:00")],
        None,
        None,
        0,
        "Your heating bill",
    ),
    (
        "pvd-legal",
        "Providence Family Legal Clinic",
        "Evening Family Law Clinic",
        ["legal"],
        "02903",
        "60 Kennedy Plaza",
        "en es",
        [("WE", "17:00", "20:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "little-steps",
        "Little Steps Home Visiting",
        "Little Steps Home Visits",
        ["home_visiting"],
        "02906",
        "25 Hope Street",
        "en es pt",
        [(WEEKDAYS, "08:00", "17:00")],
        0,
        3,
        0,
        "",
    ),
    (
        "os-ei",
        "Ocean State Early Intervention Partners",
        "Early Intervention (Part C) Intake",
        ["early_intervention"],
        "02904",
        "400 Smith Street",
        "en es pt ht vi",
        [(WEEKDAYS, "08:00", "16:30")],
        0,
        3,
        0,
        "The child's health insurance card",
    ),
    (
        "ccrr-ri",
        "Child Care Connections RI",
        "Child Care Search Help",
        ["child_care"],
        "02908",
        "15 Admiral Street",
        "en es",
        [(WEEKDAYS, "09:00", "16:00")],
        0,
        12,
        0,
        "",
    ),
    (
        "pvd-parents",
        "Providence Parents Together",
        "Parents Together Group",
        ["parenting"],
        "02909",
        "5 Valley Street",
        "en es",
        [("TH", "18:00", "19:30")],
        None,
        None,
        0,
        "",
    ),
    (
        "story-time",
        "Story Time Stars",
        "Story Time Stars Early Literacy Circle",
        ["early_literacy"],
        "02906",
        "31 Wickenden Street",
        "en es pt",
        [("SA", "10:00", "11:30")],
        0,
        5,
        0,
        "",
    ),
    (
        "southside-counseling",
        "Southside Family Counseling",
        "Child and Family Counseling",
        ["mental_health"],
        "02905",
        "150 Prairie Avenue",
        "en es",
        [(WEEKDAYS, "09:00", "19:00")],
        0,
        18,
        20,
        "Insurance card if you have one; sliding scale without",
    ),
    (
        "pvd-youth-recovery",
        "Providence Youth Recovery Program",
        "Teen Recovery Support",
        ["substance_use"],
        "02907",
        "88 Broad Street",
        "en es",
        [("MO,WE", "15:00", "19:00")],
        12,
        21,
        0,
        "",
    ),
    (
        "safe-harbor-ri",
        "Safe Harbor Family Violence Project",
        "24-hour Family Violence Hotline",
        ["safety"],
        "02903",
        "Confidential location",
        "en es pt vi ht",
        [(EVERY_DAY, "00:00", "00:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "ride-to-care",
        "RIde to Care",
        "Rides to Medical Appointments",
        ["transportation"],
        "02904",
        "2 Charles Street",
        "en es pt",
        [(WEEKDAYS, "06:00", "20:00")],
        None,
        None,
        2,
        "Your Medicaid ID card",
    ),
    (
        ON_SITE_PARTNER,
        "Harbor Medical-Legal Partnership",
        "Medical-Legal Partnership Clinic",
        ["legal", "housing", "benefits"],
        "02128",
        "10 Gove Street",
        "en es pt ht",
        [(WEEKDAYS, "09:00", "17:00")],
        None,
        None,
        0,
        "Any letters or notices about the problem",
    ),
    (
        "maverick-pantry",
        "Maverick Square Community Services",
        "Maverick Square Food Pantry",
        ["food"],
        "02128",
        "2 Maverick Square",
        "en es pt",
        [("MO,WE,FR", "10:00", "14:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "chelsea-pantry",
        "Chelsea Community Pantry",
        "Chelsea Community Pantry",
        ["food"],
        "02150",
        "100 Broadway",
        "en es",
        [("TU,TH", "16:00", "19:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "revere-meals",
        "Revere Beach Family Meals",
        "Weekend Family Meals",
        ["food"],
        "02151",
        "500 Ocean Avenue",
        "en es pt vi",
        [("SA,SU", "11:00", "14:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "chelsea-diapers",
        "Chelsea Diaper and Formula Pantry",
        "Diaper and Formula Pantry",
        ["food"],
        "02150",
        "20 Hawthorn Street",
        "en es",
        [("FR", "13:00", "16:00")],
        0,
        3,
        0,
        "",
    ),
    (
        "eastie-wic",
        "East Boston Family Nutrition",
        "East Boston WIC Office",
        ["benefits"],
        "02128",
        "79 Paris Street",
        "en es pt",
        [(WEEKDAYS, "08:30", "16:30")],
        0,
        5,
        0,
        "Proof of income, proof of address, the child's immunization record",
    ),
    (
        "chelsea-enroll",
        "North Shore Enrollment Navigators",
        "SNAP and MassHealth Enrollment Help",
        ["benefits"],
        "02150",
        "300 Everett Avenue",
        "en es ht",
        [("MO,TU,TH", "09:00", "17:00")],
        None,
        None,
        0,
        "Pay stubs, a photo ID, proof of address",
    ),
    (
        "charlestown-housing",
        "Charlestown Housing Search",
        "Housing Search Help",
        ["housing"],
        "02129",
        "40 Main Street",
        "en",
        [("TU,TH", "10:00", "16:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "harborside-rent",
        "Harborside Rental Assistance",
        "Emergency Rental Assistance",
        ["housing"],
        "02151",
        "12 Broadway",
        "en es pt",
        [(WEEKDAYS, "09:00", "16:00")],
        None,
        None,
        0,
        "Your lease, a notice from the landlord, proof of income",
    ),
    (
        "baystate-utility",
        "Bay State Utility Bill Help",
        "Utility Shut-off Prevention",
        ["utilities"],
        "02150",
        "8 Washington Avenue",
        "en es pt vi",
        [("MO,WE", "09:00", "15:00")],
        None,
        None,
        0,
        "Your most recent utility bill",
    ),
    (
        "revere-fuel",
        "Revere Fuel Assistance",
        "Heating Fuel Assistance",
        ["utilities"],
        "02151",
        "281 Broadway",
        "en es ht vi",
        [("TU,FR", "09:00", "13:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "eastie-home-visits",
        "Eastie Home Visiting Partners",
        "New Family Home Visits",
        ["home_visiting"],
        "02128",
        "150 Meridian Street",
        "en es pt",
        [(WEEKDAYS, "08:00", "17:00")],
        0,
        3,
        0,
        "",
    ),
    (
        "harbor-ei",
        "Harbor Early Intervention Program",
        "Early Intervention (Part C) Evaluation",
        ["early_intervention"],
        "02151",
        "60 Shirley Avenue",
        "en es pt vi ht",
        [(WEEKDAYS, "08:00", "16:30")],
        0,
        3,
        0,
        "The child's health insurance card",
    ),
    (
        "north-suffolk-childcare",
        "North Suffolk Child Care Finder",
        "Child Care Resource and Referral",
        ["child_care"],
        "02150",
        "5 Bellingham Square",
        "en es",
        [(WEEKDAYS, "09:00", "17:00")],
        0,
        12,
        0,
        "",
    ),
    (
        "charlestown-playgroup",
        "Charlestown Parent Circle",
        "Playgroup and Parent Circle",
        ["parenting"],
        "02129",
        "22 Bunker Hill Street",
        "en es",
        [("WE", "09:30", "11:00")],
        0,
        5,
        0,
        "",
    ),
    (
        "chelsea-reads",
        "Chelsea Reads Together",
        "Family Reading Hour",
        ["early_literacy"],
        "02150",
        "569 Broadway",
        "en es",
        [("TU", "16:00", "17:00")],
        0,
        8,
        0,
        "",
    ),
    (
        "eastie-counseling",
        "Eastie Family Counseling Center",
        "Child and Family Therapy",
        ["mental_health"],
        "02128",
        "10 Chelsea Street",
        "en es pt",
        [("MO,TU,WE,TH", "09:00", "20:00")],
        0,
        21,
        0,
        "Insurance card (MassHealth accepted)",
    ),
    (
        "revere-teen-recovery",
        "Revere Teen Recovery Services",
        "Teen Substance Use Counseling",
        ["substance_use"],
        "02151",
        "75 Beach Street",
        "en es pt",
        [("MO,TH", "14:00", "19:00")],
        12,
        21,
        0,
        "",
    ),
    (
        "harbor-safe",
        "Harbor Safe Families",
        "Safe Families Hotline",
        ["safety"],
        "02150",
        "Confidential location",
        "en es pt ht",
        [(EVERY_DAY, "00:00", "00:00")],
        None,
        None,
        0,
        "",
    ),
    (
        "harbor-shuttle",
        "Ride to Health Harbor Shuttle",
        "Clinic Shuttle",
        ["transportation"],
        "02128",
        "1 Bremen Street",
        "en es pt",
        [(WEEKDAYS, "07:00", "19:00")],
        None,
        None,
        0,
        "",
    ),
]


def _ids(seed: int) -> Any:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"https://medhome.example/demo-directory/{seed}")
    return lambda *parts: str(uuid.uuid5(namespace, "/".join(parts)))


def demo_organization_id(key: str, *, seed: int) -> uuid.UUID:
    return uuid.UUID(_ids(seed)(key, "organization"))


def demo_rows(*, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The synthetic services as flat HSDS rows (hsds_schema/<table>.json columns)."""
    rng = random.Random(seed)  # noqa: S311 - demo coordinates, not secrets
    make_id = _ids(seed)
    rows: dict[str, list[dict[str, Any]]] = {}

    def add(table: str, row: dict[str, Any]) -> None:
        rows.setdefault(table, []).append(row)

    for number, spec in enumerate(SERVICES):
        key, org, name, needs, zip_code, street, langs, hours, low, high, cost, bring = spec
        city, state, area = PLACES[zip_code]
        org_id, service_id = make_id(key, "organization"), make_id(key, "service")
        location_id, sal_id = make_id(key, "location"), make_id(key, "sal")
        lat, lon = zip_centroid(zip_code) or (0.0, 0.0)
        add(
            "organization",
            {
                "id": org_id,
                "name": org,
                "description": f"{org} (synthetic demo organization, invented for medhome).",
            },
        )
        service = {
            "id": service_id,
            "organization_id": org_id,
            "name": name,
            "status": "active",
            "description": f"{name}: an invented demo service in {city}, {state}.",
            "eligibility_description": _eligibility(low, high),
            "fees_description": "Free" if cost == 0 else f"${cost} per visit; no one turned away",
        }
        service |= {k: v for k, v in (("minimum_age", low), ("maximum_age", high)) if v is not None}
        add("service", service)
        add(
            "location",
            {
                "id": location_id,
                "organization_id": org_id,
                "location_type": "physical",
                "name": org,
                "latitude": round(lat + rng.uniform(-0.01, 0.01), 5),
                "longitude": round(lon + rng.uniform(-0.01, 0.01), 5),
            },
        )
        add(
            "address",
            {
                "id": make_id(key, "address"),
                "location_id": location_id,
                "address_1": street,
                "city": city,
                "state_province": state,
                "postal_code": zip_code,
                "country": "US",
                "address_type": "physical",
            },
        )
        add(
            "service_at_location",
            {"id": sal_id, "service_id": service_id, "location_id": location_id},
        )
        add(
            "phone",
            {
                "id": make_id(key, "phone"),
                "service_id": service_id,
                "number": f"{area}-555-01{number:02d}",
                "type": "voice",
            },
        )
        for code in langs.split():
            add(
                "language",
                {
                    "id": make_id(key, "language", code),
                    "service_id": service_id,
                    "code": code,
                    "name": LANGUAGE_NAMES[code],
                },
            )
        for index, (days, opens, closes) in enumerate(hours):
            add(
                "schedule",
                {
                    "id": make_id(key, "schedule", str(index)),
                    "service_id": service_id,
                    "freq": "WEEKLY",
                    "byday": days,
                    "opens_at": f"{opens}:00",
                    "closes_at": f"{closes}:00",
                },
            )
        if cost is not None:
            add(
                "cost_option",
                {
                    "id": make_id(key, "cost"),
                    "service_id": service_id,
                    "currency": "USD",
                    "amount": cost,
                    "option": "Free" if cost == 0 else "Per visit",
                },
            )
        if bring:
            add(
                "required_document",
                {
                    "id": make_id(key, "document"),
                    "service_id": service_id,
                    "document": bring,
                },
            )
        for need in needs:
            add(
                "attribute",
                {
                    "id": make_id(key, "need", need),
                    "link_id": service_id,
                    "link_entity": "service",
                    "link_type": "need",
                    "taxonomy_term_id": str(need_term_id(need)),
                },
            )
    return rows


def _eligibility(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "Families living in the area."
    return f"Children aged {low or 0:g} to {high:g} and their families."


def load_demo_directory(*, seed: int) -> ImportReport:
    """The needs taxonomy, the HSDS examples and the synthetic services; idempotent."""
    with transaction.atomic():
        reports = [
            import_rows(needs_taxonomy_rows(), source="needs taxonomy"),
            import_datapackage(EXAMPLES),
            import_rows(demo_rows(seed=seed), source="demo directory"),
        ]
        errors = [e for r in reports for e in r.errors]
        if errors:
            transaction.set_rollback(True)
            return ImportReport(errors=errors)
    report = ImportReport()
    for r in reports:
        for table, n in r.created.items():
            report.created[table] = report.created.get(table, 0) + n
        for table, n in r.updated.items():
            report.updated[table] = report.updated.get(table, 0) + n
    return report
