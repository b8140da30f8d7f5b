"""Equity strata: a measure's membership grouped in SQL by a property of each child.

docs/clinical-rules.md#measure-strata and docs/clinical-rules.md#people-and-demographics: race and
ethnicity two ways (mutually exclusive: each 2024 category, "multiple", "declined", "unknown"; alone
or in combination: a child counts in every category chosen, so the rows overlap), sex, preferred
language, payer, ZIP, site and clinician. One GROUP BY query per dimension (alone-or-in-combination:
one query with a pair of conditional counts per category), whatever the panel size.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery, UUIDField
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from medhome.families.languages import language_name
from medhome.families.vocabulary import Payer, RaceEthnicity, RaceEthnicityGroup, SexAtBirth
from medhome.measures.engine import Membership, median_days
from medhome.measures.suppression import Cell
from medhome.visits.models import Visit

NOT_RECORDED = "—"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Any  # a lazy translation
    # Rows sum to the total (complementary suppression applies) unless overlapping.
    exclusive: bool = True


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("race_ethnicity", _("Race and ethnicity (mutually exclusive)")),
        Dimension("race_ethnicity_any", _("Race and ethnicity (alone or in combination)"), False),
        Dimension("sex", _("Sex assigned at birth")),
        Dimension("language", _("Preferred language")),
        Dimension("payer", _("Payer")),
        Dimension("zip", _("ZIP code")),
        Dimension("site", _("Site")),
        Dimension("clinician", _("Primary care clinician")),
    )
}


def is_group_key(dimension: str, key: str) -> bool:
    """Whether `key` can name a group of `dimension`: a site's key is a UUID and a clinician's
    an integer id, which the database would refuse to compare with anything else (a 500)."""
    if not key or dimension not in ("site", "clinician"):
        return True
    try:
        uuid.UUID(key) if dimension == "site" else int(key)
    except ValueError:
        return False
    return True


def _choice_label(choices) -> Callable[[object], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value or NOT_RECORDED))


def _site_names(keys) -> dict:
    from medhome.practices.models import Site

    return {str(site.pk): site.name for site in Site.objects.filter(pk__in=[k for k in keys if k])}


def _clinician_names(keys) -> dict:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=[k for k in keys if k])
    return {str(user.pk): user.get_full_name() or str(user) for user in users}


def _expression(dimension: str, path: str):
    if dimension == "race_ethnicity":
        return F(f"{path}race_ethnicity_group")
    if dimension == "sex":
        return F(f"{path}sex_at_birth")
    if dimension == "language":
        return F(f"{path}preferred_language")
    if dimension == "payer":
        return F(f"{path}payer")
    if dimension == "zip":
        return Substr(f"{path}zip_code", 1, 5)
    if dimension == "clinician":
        return F(f"{path}primary_clinician_id")
    if dimension == "site":
        # The site of the child's latest visit that names one: medhome keeps no "home site".
        latest = (
            Visit.objects.filter(child_id=OuterRef("member_child_id"), site__isnull=False)
            .order_by("-starts_at")
            .values("site_id")[:1]
        )
        return Subquery(latest, output_field=UUIDField())
    raise KeyError(dimension)


def _labeller(dimension: str, keys: list) -> Callable[[object], str]:
    if dimension == "race_ethnicity_any":
        return _choice_label(RaceEthnicity)
    if dimension == "race_ethnicity":
        return _choice_label(RaceEthnicityGroup)
    if dimension == "sex":
        return _choice_label(SexAtBirth)
    if dimension == "payer":
        return _choice_label(Payer)
    if dimension == "language":
        return lambda tag: language_name(str(tag)) if tag else NOT_RECORDED
    if dimension == "site":
        names = _site_names(keys)
        return lambda pk: names.get(str(pk), str(_("No site recorded")))
    if dimension == "clinician":
        names = _clinician_names(keys)
        return lambda pk: names.get(str(pk), str(_("No clinician assigned")))
    return lambda value: str(value) if value else NOT_RECORDED


def total(membership: Membership) -> Cell:
    counts = membership.queryset.aggregate(
        denominator=Count("pk"), numerator=Count("pk", filter=Q(in_numerator=True))
    )
    median = None
    if membership.median_field:  # e.g. days to close: over the numerator's rows, one query
        durations = membership.queryset.filter(in_numerator=True).values_list(
            membership.median_field, flat=True
        )
        median = median_days(list(durations))
    return Cell(
        "total", str(_("All children")), counts["numerator"], counts["denominator"], False, median
    )


def stratify(membership: Membership, dimension: str) -> list[Cell]:
    """One row per value of the dimension, largest denominator first."""
    path = membership.child_path
    if dimension == "race_ethnicity_any":
        return _race_any(membership)
    rows = list(
        membership.queryset.annotate(stratum=_expression(dimension, path))
        .order_by()
        .values("stratum")
        .annotate(denominator=Count("pk"), numerator=Count("pk", filter=Q(in_numerator=True)))
        .values_list("stratum", "numerator", "denominator")
    )
    return labelled(dimension, rows)


def labelled(dimension: str, rows) -> list[Cell]:
    """Cells of (group key, numerator, denominator) rows, each named in the reader's language,
    largest denominator first: the engine's strata and the summary table's read alike."""
    label = _labeller(dimension, [key for key, _n, _d in rows])
    cells = [Cell(str(key or ""), label(key), num, den) for key, num, den in rows]
    return sorted(cells, key=lambda cell: (-cell.denominator, cell.label))


def _race_any(membership: Membership) -> list[Cell]:
    """Grouped by the list each child chose (a few dozen distinct lists), then summed per
    category: one copy of the numerator's condition in the SQL, whatever the categories."""
    field = f"{membership.child_path}race_ethnicity"
    categories = [c for c in RaceEthnicity if c != RaceEthnicity.DECLINED]
    totals = {c.value: [0, 0] for c in categories}
    rows = (
        membership.queryset.annotate(chosen=F(field))
        .order_by()
        .values("chosen")
        .annotate(denominator=Count("pk"), numerator=Count("pk", filter=Q(in_numerator=True)))
        .values_list("chosen", "numerator", "denominator")
    )
    for chosen, numerator, denominator in rows:
        for category in set(chosen or ()):
            if category in totals:
                totals[category][0] += numerator
                totals[category][1] += denominator
    cells = [
        Cell(c.value, str(c.label), totals[c.value][0], totals[c.value][1]) for c in categories
    ]
    return sorted(cells, key=lambda cell: (-cell.denominator, cell.label))


def stratify_all(membership: Membership) -> dict[str, list[tuple[str, int, int]]]:
    """Every dimension's (group key, numerator, denominator) from ONE GROUP BY over all the
    dimensions' values at once, summed per dimension in Python: what `stratify` gives for each
    dimension (a group key "" and a missing value, both "not recorded", are one group here), for
    the worker's recompute, where compiling the membership's SQL eight times costs more than the
    rows. Rows in no particular order (the reader sorts them, `labelled`)."""
    path = membership.child_path
    columns: dict[str, Any] = {
        f"s_{key}": _expression(key, path) for key in DIMENSIONS if key != "race_ethnicity_any"
    }
    columns["s_race_ethnicity_any"] = F(f"{path}race_ethnicity")
    categories = {c.value for c in RaceEthnicity if c != RaceEthnicity.DECLINED}
    sums: dict[str, dict[str, list[int]]] = {key: {} for key in DIMENSIONS}
    sums["race_ethnicity_any"] = {category: [0, 0] for category in categories}
    rows = (
        membership.queryset.annotate(**columns)
        .order_by()
        .values(*columns)
        .annotate(denominator=Count("pk"), numerator=Count("pk", filter=Q(in_numerator=True)))
    )
    for row in rows:
        counts = (row["numerator"], row["denominator"])
        for key in DIMENSIONS:
            if key == "race_ethnicity_any":
                groups = [c for c in set(row["s_race_ethnicity_any"] or ()) if c in categories]
            else:
                groups = [str(row[f"s_{key}"] or "")]
            for group in groups:
                found = sums[key].setdefault(group, [0, 0])
                found[0] += counts[0]
                found[1] += counts[1]
    return {
        key: [(group, n, d) for group, (n, d) in groups.items()] for key, groups in sums.items()
    }


def stratify_by_practice(membership: Membership, names: dict) -> list[Cell]:
    """One row per practice of `names` (zeros included), in the order given."""
    counts = {
        practice_id: (num, den)
        for practice_id, num, den in membership.queryset.order_by()
        .values("practice_id")
        .annotate(denominator=Count("pk"), numerator=Count("pk", filter=Q(in_numerator=True)))
        .values_list("practice_id", "numerator", "denominator")
    }
    return [Cell(str(pk), name, *counts.get(pk, (0, 0))) for pk, name in names.items()]


def only(membership: Membership, dimension: str, key: str) -> Membership:
    """The membership restricted to one stratum (the row a drill-down link came from)."""
    path = membership.child_path
    queryset = membership.queryset
    if dimension == "race_ethnicity_any":
        queryset = queryset.filter(**{f"{path}race_ethnicity__icontains": f'"{key}"'})
    else:
        value: object = key or None
        queryset = queryset.annotate(stratum=_expression(dimension, path)).filter(stratum=value)
    return Membership(membership.measure_key, queryset, path)
