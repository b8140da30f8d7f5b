from datetime import date

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medhome.core.paths import path_for

register = template.Library()


@register.filter
def age_on(birth_date: date | None, on: date | None) -> str:
    """A child's age as a clinician says it: days, weeks, months to 2 years, then years."""
    if birth_date is None or on is None:
        return ""
    if on < birth_date:
        return _("not yet born")
    days = (on - birth_date).days
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    if on.day < birth_date.day:
        months -= 1
    if days < 14:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if months < 2:
        weeks = days // 7
        return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
    if months < 24:
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    years = months // 12
    return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}


@register.simple_tag
def path(name: str, pk: object) -> str:
    """`{% path "families:chart" child.pk %}`: as `{% url %}` with one id, for long lists
    (core.paths)."""
    return path_for(name, pk)
