from django.apps import AppConfig


class CareplanConfig(AppConfig):
    name = "medhome.careplan"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
