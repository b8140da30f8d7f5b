from django import template

from medhome.accounts.roles import Role
from medhome.families.languages import language_name as name_of_language
from medhome.families.vocabulary import RaceEthnicity

register = template.Library()


@register.filter
def language_name(tag: str) -> str:
    return name_of_language(tag)


@register.filter
def language_names(tags: list[str]) -> str:
    """A list of language codes as their names in the reader's language, comma-separated."""
    return ", ".join(name_of_language(tag) for tag in tags or [])


@register.filter
def race_ethnicity_labels(categories: list[str]) -> str:
    labels = dict(RaceEthnicity.choices)
    return ", ".join(str(labels.get(c, c)) for c in categories or [])


@register.filter
def role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))
