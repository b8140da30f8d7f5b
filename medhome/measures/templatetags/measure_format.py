from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from medhome.measures import selectors

register = template.Library()


@register.filter
def pct(rate: float | None) -> str:
    """0.725 → "72.5 %" in the page's number format; "—" when there is no rate."""
    if rate is None:
        return "—"
    return f"{number_format(round(rate * 100, 1), 1)} %"


@register.filter
def points(gap: float | None) -> str:
    """A gap in percentage points, signed: "−4.2", "+3.0"."""
    if gap is None:
        return "—"
    sign = "+" if gap > 0 else "−" if gap < 0 else "±"
    return f"{sign}{number_format(abs(gap), 1)}"


@register.filter
def count(value: int | None) -> str:
    return "—" if value is None else str(value)


@register.filter
def tr(text: str) -> str:
    """A measure title, heading or definition text in the page's language (catalogued in
    labels_i18n)."""
    return gettext(text) if text else ""


@register.filter
def listable_by(measure: Any, actor: Any) -> bool:
    """`{% if measure|listable_by:actor %}`: may this viewer open the children behind it?"""
    return actor is not None and selectors.may_list_children(actor, measure.key)
