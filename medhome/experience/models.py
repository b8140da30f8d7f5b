"""Tables of medhome.experience."""

from django.db import models  # noqa: F401
