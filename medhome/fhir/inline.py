"""A row's few related rows read in the row's own query, as one text column of JSON arrays.

A prefetch costs a second round trip and an ORM object per related row; for a Patient read that
was about a fifth of the request (docs/benchmarks.md, "FHIR API"), and every FHIR read waits on
it while its practice's other requests share the same two cores. Portable: JSON arrays and a
string aggregate exist on PostgreSQL and SQLite alike. The aggregate is unordered (SQLite before
3.44 cannot order one), so each element carries its sort keys and `decoded` sorts."""

import json
from collections.abc import Sequence
from typing import Any

from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, JSONArray


def inline_rows(related: QuerySet[Any], link: str, fields: Sequence[str]) -> Subquery:
    """The rows of `related` whose `link` is the outer row, as comma-separated JSON arrays of
    `fields` (NULL when there are none). Put the sort keys first: `decoded` sorts on them."""
    rows = related.filter(**{link: OuterRef("pk")}).order_by().values(link)
    element = Cast(JSONArray(*fields), TextField())
    return Subquery(
        rows.annotate(inline=StringAgg(element, Value(","))).values("inline"),
        output_field=TextField(),
    )


def decoded(text: str | None) -> list[list[Any]]:
    """The rows `inline_rows` wrote, sorted (by their first fields, as stored)."""
    if not text:
        return []
    return sorted(json.loads(f"[{text}]"), key=lambda row: [str(value) for value in row])
