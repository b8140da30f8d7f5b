from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The practice's team: who works here and in which role (practices owns memberships), and the
    languages each colleague speaks (StaffLanguage)."""

    name = "medhome.staff"
