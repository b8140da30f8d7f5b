"""The "medhome needs" HSDS taxonomy: one taxonomy_term per Need (code = the Need value), and
the terms of other taxonomies that mean one of our needs.

HSDS tags a service with a term through an `attribute` row (link_id = the service,
link_entity = "service", taxonomy_term_id = the term): hsds_schema/attribute.json,
shared/docs/domain/interop-codes.md §6 "How taxonomies attach".
"""

import uuid

from .vocabulary import Need

NEEDS_TAXONOMY_ID = uuid.UUID("0261f533-ec9e-50e9-b823-66736ccaf317")
NEEDS_TAXONOMY_NAME = "medhome needs"


def need_term_id(need: str) -> uuid.UUID:
    return uuid.uuid5(NEEDS_TAXONOMY_ID, need)


# Terms of other taxonomies mapped to a need, by term id.
# - 3f7b145d…: the only term in the HSDS 3.0 examples (examples/csv/taxonomy_terms.csv, a
#   placeholder named "name"); its one attribute tags "Community Counselling" in the program
#   "Community Mental Health Support" (examples/service_full.json), so it is read as mental health.
TERM_NEEDS: dict[uuid.UUID, str] = {
    uuid.UUID("3f7b145d-84af-42d7-8fae-eaca714b02b2"): Need.MENTAL_HEALTH,
}


def need_for_term(term_id: uuid.UUID, taxonomy_id: uuid.UUID | None, code: str) -> str | None:
    if taxonomy_id == NEEDS_TAXONOMY_ID and code in Need.values:
        return code
    return TERM_NEEDS.get(term_id)


def needs_taxonomy_rows() -> dict[str, list[dict[str, str]]]:
    """The taxonomy and its terms as HSDS rows, ready for hsds.import_rows."""
    taxonomy = {
        "id": str(NEEDS_TAXONOMY_ID),
        "name": NEEDS_TAXONOMY_NAME,
        "description": "Needs a family may be referred for (medhome.directory.vocabulary.Need).",
        "version": "1",
    }
    terms = [
        {
            "id": str(need_term_id(need.value)),
            "code": need.value,
            "name": str(need.label),
            "description": str(need.label),
            "taxonomy_id": str(NEEDS_TAXONOMY_ID),
            "language": "en",
        }
        for need in Need
    ]
    return {"taxonomy": [taxonomy], "taxonomy_term": terms}
