from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "medhome.growth"

    def ready(self) -> None:
        from .panel import register_panels

        register_panels()
