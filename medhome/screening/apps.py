from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "medhome.screening"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
