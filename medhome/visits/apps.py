from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "medhome.visits"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
