from django import template

from medhome.referrals.forms import SHARED_ITEMS
from medhome.referrals.models import Referral

register = template.Library()
LABELS = dict(Referral._meta.get_field("status").choices or [])


@register.filter
def status_label(value: str) -> str:
    return str(LABELS.get(value, value))


@register.filter
def shared_item_labels(items: list[str]) -> str:
    """What the family agreed to share, in words (the consent form's own labels)."""
    labels = dict(SHARED_ITEMS)
    return ", ".join(str(labels.get(item, item)) for item in items or [])
