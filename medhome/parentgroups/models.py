"""Tables of medhome.parentgroups."""

from django.db import models  # noqa: F401
