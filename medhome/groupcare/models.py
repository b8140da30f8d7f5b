"""Tables of medhome.groupcare."""

from django.db import models  # noqa: F401
