from django import template

from medhome.referrals.models import Referral

register = template.Library()
LABELS = dict(Referral._meta.get_field("status").choices or [])


@register.filter
def status_label(value: str) -> str:
    return str(LABELS.get(value, value))
