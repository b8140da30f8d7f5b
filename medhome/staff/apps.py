from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The practice's team: who works here and in which role. Owns no tables (practices does)."""

    name = "medhome.staff"
