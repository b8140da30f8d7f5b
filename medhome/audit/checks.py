"""The start-up check of MEDHOME_AUDIT: a retention shorter than the legal minimum would let the
retention job drop audit events the practice must still be able to show, so the server refuses
to start rather than quietly keeping the minimum instead (which `partitions.kept_months` also
does, in case the check is silenced)."""

from typing import Any

from django.core import checks

from .partitions import setting


def check_retention(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    retention, minimum = setting("retention_months"), setting("legal_minimum_months")
    ahead = setting("partition_months_ahead")
    errors = []
    if not isinstance(minimum, int) or minimum < 0:
        errors.append(
            "MEDHOME_AUDIT['legal_minimum_months'] must be a whole number of months, "
            f"not {minimum!r}."
        )
    elif retention is not None and (not isinstance(retention, int) or retention < minimum):
        errors.append(
            f"MEDHOME_AUDIT['retention_months'] ({retention!r}) must be None (keep forever) or at "
            f"least the legal minimum, MEDHOME_AUDIT['legal_minimum_months'] ({minimum})."
        )
    if not isinstance(ahead, int) or ahead < 1:
        errors.append(f"MEDHOME_AUDIT['partition_months_ahead'] must be at least 1, not {ahead!r}.")
    return [
        checks.Error(
            message,
            hint="See MEDHOME_AUDIT in medhome/settings.py and docs/deploy.md "
            '("Audit trail retention").',
            obj="MEDHOME_AUDIT",
            id="medhome.E103",
        )
        for message in errors
    ]
