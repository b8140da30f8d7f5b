from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member. Families and community partners get their own access later."""

    display_name = models.CharField(_("name shown to colleagues"), max_length=150, blank=True)
    credentials = models.CharField(_("credentials"), max_length=40, blank=True)  # MD, RN, CHW

    def __str__(self) -> str:
        name = self.display_name or self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name
