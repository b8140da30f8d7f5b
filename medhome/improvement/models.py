"""Tables of medhome.improvement."""

from django.db import models  # noqa: F401
