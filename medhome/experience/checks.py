"""The start-up check of MEDHOME_EXPERIENCE: a survey link finds its invitation as the caregiver's
latest for the child (services.invitation_of_link), which is the right one only while a family
gets at most one invitation in a link's life. A practice that shortens every_days below the
link's lifetime would bind a link to the wrong visit, so the server refuses to start."""

from typing import Any

from django.core import checks

from medhome.portal.links import lifetime
from medhome.portal.models import Purpose

from .services import setting


def check_spacing(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    link_days = lifetime(Purpose.EXPERIENCE).days
    if setting("every_days") >= link_days:
        return []
    return [
        checks.Error(
            f"MEDHOME_EXPERIENCE['every_days'] ({setting('every_days')}) must be at least the "
            f"survey link's lifetime ({link_days} days): two live links of one family would "
            "answer for the wrong visit.",
            hint="See MEDHOME_EXPERIENCE in medhome/settings.py and "
            "docs/clinical-rules.md#family-experience.",
            obj="MEDHOME_EXPERIENCE",
            id="medhome.E102",
        )
    ]
