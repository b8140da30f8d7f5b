"""The huddle card's fixed words (huddle/_child.html), translated once per sheet instead of once
per child: a `{% translate %}` in the card ran for each of a day's 40 children."""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

CARD = {
    "first": _("First:"),
    "then": _("Then:"),
    "family": _("Family"),
    "transport_barrier": _("transport barrier"),
    "due": _("Due"),
    "none_due": _("none due"),
    "pre_visit": _("Pre-visit"),
    "no_link_sent": _("no link sent"),
    "results": _("Results"),
    "positive": _("positive"),
    "discuss_in_private": _("discuss in private"),
    "questions_not_asked": _("some questions not asked: see the result"),
    "no_new_results": _("no new results"),
    "critical": _("Critical"),
    "referrals": _("Referrals"),
    "confidential": _("confidential"),
    "none_open": _("none open"),
    "since_last_visit": _("Since last visit"),
    "follow_up_open": _("follow-up open"),
    "family_priorities": _("Family's priorities"),
    "care_plan": _("Care plan:"),
}


def card_labels() -> dict[str, SafeString]:
    """The card's words in the active language, as `{% translate %}` printed them (the
    authored text, not escaped again)."""
    return {key: mark_safe(str(text)) for key, text in CARD.items()}  # noqa: S308
