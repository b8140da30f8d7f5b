"""What a process spawned by `completions_pool` runs. A spawned process imports this module
before Django is set up, so nothing of Django or medhome's models is imported at the top."""

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any


def setup(settings_module: str, database: str) -> None:
    """Django set up as the importer's, on the importer's database (a test run's database has
    another name than the settings say)."""
    if settings_module:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = database


def refresh_completions(practice_id: Any, child_ids: Sequence[Any], at: datetime) -> None:
    """One chunk of children, one transaction (as `completions_pool.run_here` does)."""
    from django.db import transaction

    from medhome.practices.models import Practice

    from .completions import refresh_completions as refresh

    practice = Practice.objects.get(pk=practice_id)
    with transaction.atomic():
        refresh(practice=practice, child_ids=list(child_ids), at=at)
