from django.apps import AppConfig


class PeriodicityConfig(AppConfig):
    name = "medhome.periodicity"

    def ready(self) -> None:
        from medhome.visits import hooks

        from .services import record_visit_row

        hooks.on_completed(record_visit_row)
