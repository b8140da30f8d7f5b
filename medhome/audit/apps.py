from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "medhome.audit"

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_retention

        checks.register(check_retention)
