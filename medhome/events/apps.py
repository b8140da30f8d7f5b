from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "medhome.events"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
